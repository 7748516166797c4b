namespace Kiln.Runtime.Tests.Support;

/// <summary>
/// Central finite differences in double against the tape's gradients. The op is evaluated in float32, so the
/// step is large enough (1e-2 by default) for rounding not to dominate, and the loss is a fixed random
/// projection of every output so that each output element's gradient is exercised.
/// </summary>
public static class GradCheck
{
    /// <param name="function">Builds the outputs from the inputs (called many times; must be deterministic).</param>
    /// <param name="inputs">Leaves whose gradients are checked; their values are perturbed in place and restored.</param>
    public static void Check(Func<Tensor[], Tensor[]> function, Tensor[] inputs, double step = 1e-2, double tolerance = 2e-2, int seed = 7)
    {
        foreach (var t in inputs) { t.RequiresGrad = true; t.Grad = null; }
        var outputs = function(inputs);
        var rng = new Rng(seed);
        var projections = outputs.Select(o => Tensor.Randn(o.Shape, rng)).ToArray();

        Tensor loss = Ops.Sum(Ops.Mul(outputs[0], projections[0]));
        for (int i = 1; i < outputs.Length; i++) loss = Ops.Add(loss, Ops.Sum(Ops.Mul(outputs[i], projections[i])));
        loss.Backward();

        double Evaluate()
        {
            using (Autograd.NoGrad())
            {
                var outs = function(inputs);
                double total = 0;
                for (int i = 0; i < outs.Length; i++)
                {
                    var o = outs[i].ToArray();
                    var p = projections[i].ToArray();
                    for (int j = 0; j < o.Length; j++) total += (double)o[j] * p[j];
                }
                return total;
            }
        }

        for (int t = 0; t < inputs.Length; t++)
        {
            var input = inputs[t];
            var analytic = input.Grad?.ToArray() ?? new float[input.Count];
            var data = input.Data;
            for (int i = 0; i < input.Count; i++)
            {
                float original = data[i];
                data[i] = (float)(original + step);
                double plus = Evaluate();
                data[i] = (float)(original - step);
                double minus = Evaluate();
                data[i] = original;
                double numeric = (plus - minus) / (2 * step);
                double error = Math.Abs(numeric - analytic[i]);
                double allowed = tolerance * Math.Max(1.0, Math.Abs(numeric));
                if (error > allowed)
                    throw new Xunit.Sdk.XunitException($"GradCheck: input {t} element {i}: analytic {analytic[i]} vs numeric {numeric} (error {error:g3} > {allowed:g3}).");
            }
        }
    }

    public static void Check(Func<Tensor, Tensor> function, Tensor input, double step = 1e-2, double tolerance = 2e-2) =>
        Check(xs => new[] { function(xs[0]) }, new[] { input }, step, tolerance);
}
