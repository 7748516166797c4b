namespace Kiln.Runtime.Tests.Support;

/// <summary>
/// Finite differences against the tape's gradients, with a relative tolerance. The loss is a fixed random projection
/// of every output (each output element's gradient is exercised), accumulated in double. The ops run in float32, so
/// the numeric derivative is made as exact as float32 evaluations allow:
/// <list type="bullet">
/// <item>the step actually taken is the float32 difference (float)(x ± h) − x, not h;</item>
/// <item>central differences at h and h/2 are combined by Richardson extrapolation, (4·D(h/2) − D(h)) / 3, whose
/// truncation error is O(h⁴) instead of O(h²);</item>
/// <item>what float32 rounding of the outputs can still move the quotient by is estimated from the two evaluations
/// (2 ulp of every projected output that changed, divided by the step) and allowed on top.</item>
/// </list>
/// An element passes when |analytic − numeric| ≤ rtol·max(|analytic|, |numeric|) + atol + rounding (defaults 1e-3 and
/// 1e-5), so a gradient of 1e-3 is checked to about 1e-5 instead of the 0.02 the former absolute tolerance allowed.
/// atol covers what the analytic side rounds (a float32 sum of many terms) and kernels whose float32 approximation
/// error is more than a few ulp of a tiny output (gelu's tails): every gradcheck here passes with errors of at most
/// ~8e-6 at these defaults, and fails at rtol 1e-4, atol 1e-6 only there. The default step, 1e-2, keeps
/// the h-stencil inside the 0.1–0.2 gaps the tests leave around kinks.
/// </summary>
public static class GradCheck
{
    const double Float32Epsilon = 1.0 / (1 << 23);

    /// <param name="function">Builds the outputs from the inputs (called many times; must be deterministic).</param>
    /// <param name="inputs">Leaves whose gradients are checked; their values are perturbed in place and restored.</param>
    public static void Check(Func<Tensor[], Tensor[]> function, Tensor[] inputs, double step = 1e-2, double rtol = 1e-3, double atol = 1e-5, int seed = 7)
    {
        foreach (var t in inputs) { t.RequiresGrad = true; t.Grad = null; }
        var outputs = function(inputs);
        var rng = new Rng(seed);
        var projections = outputs.Select(o => Tensor.Randn(o.Shape, rng)).ToArray();

        Tensor loss = Ops.Sum(Ops.Mul(outputs[0], projections[0]));
        for (int i = 1; i < outputs.Length; i++) loss = Ops.Add(loss, Ops.Sum(Ops.Mul(outputs[i], projections[i])));
        loss.Backward();

        float[][] Evaluate()
        {
            using (Autograd.NoGrad()) return function(inputs).Select(o => o.ToArray()).ToArray();
        }

        var projected = projections.Select(p => p.ToArray()).ToArray();

        // The projected difference of two evaluations, in double, and the float32 rounding that can hide in it: a few
        // ulp of each term that changed (outputs the perturbation did not reach are bit-identical and cancel exactly).
        (double Difference, double Rounding) Difference(float[][] plus, float[][] minus)
        {
            double difference = 0, rounding = 0;
            for (int k = 0; k < plus.Length; k++)
                for (int j = 0; j < plus[k].Length; j++)
                {
                    if (plus[k][j].Equals(minus[k][j])) continue;
                    difference += ((double)plus[k][j] - minus[k][j]) * projected[k][j];
                    rounding += 2 * Float32Epsilon * (Math.Abs((double)plus[k][j]) + Math.Abs((double)minus[k][j])) * Math.Abs(projected[k][j]);
                }
            return (difference, rounding);
        }

        for (int t = 0; t < inputs.Length; t++)
        {
            var input = inputs[t];
            var analytic = input.Grad?.ToArray() ?? new float[input.Count];
            var data = input.Data;
            for (int i = 0; i < input.Count; i++)
            {
                float original = data[i];
                // Central differences with steps h and h/2, each over the steps float32 really took.
                var quotient = new double[2];
                var noise = new double[2];
                var taken = new double[2];
                for (int k = 0; k < 2; k++)
                {
                    double h = k == 0 ? step : step / 2;
                    float up = (float)(original + h), down = (float)(original - h);
                    data[i] = up;
                    var plus = Evaluate();
                    data[i] = down;
                    var minus = Evaluate();
                    data[i] = original;
                    var (difference, termRounding) = Difference(plus, minus);
                    taken[k] = (double)up - down;
                    quotient[k] = difference / taken[k];
                    noise[k] = termRounding / taken[k];
                }
                double coarse = quotient[0], fine = quotient[1], coarseStep = taken[0], fineStep = taken[1];
                double numeric = (4 * fine - coarse) / 3;
                double rounding = 4.0 / 3 * noise[1] + 1.0 / 3 * noise[0];
                double error = Math.Abs(numeric - analytic[i]);
                double allowed = rtol * Math.Max(Math.Abs(numeric), Math.Abs(analytic[i])) + atol + rounding;
                if (!(error <= allowed))
                    throw new Xunit.Sdk.XunitException(
                        $"GradCheck: input {t} element {i}: analytic {analytic[i]:R} vs numeric {numeric:R} " +
                        $"(error {error:g3} > allowed {allowed:g3}: rtol {rtol:g3}, atol {atol:g3}, float32 rounding {rounding:g3}; " +
                        $"central differences {coarse:R} at h = {coarseStep:g3}, {fine:R} at h = {fineStep:g3}).");
            }
        }
    }

    public static void Check(Func<Tensor, Tensor> function, Tensor input, double step = 1e-2, double rtol = 1e-3, double atol = 1e-5) =>
        Check(xs => new[] { function(xs[0]) }, new[] { input }, step, rtol, atol);
}
