using Kiln.Optim;

namespace Kiln.Samples.AdamByHand;

/// <summary>One step seen four ways: the loss, each way's gradient and the weights after each way's Adam update.</summary>
public sealed record StepResult(int Step, float Loss, float[] HandGradient, float[] TapeGradient, float[] GraphGradient,
    float[] HandWeight, float[] AdamWeight, float[] GraphAdamWeight)
{
    /// <summary>The largest |difference| between the hand gradient and the tape's, and the hand gradient and the graph's.</summary>
    public double GradientDifference => Math.Max(MaxDifference(HandGradient, TapeGradient), MaxDifference(HandGradient, GraphGradient));

    /// <summary>The largest |difference| between the hand-written Adam's weights and Kiln's Adam (tape and graph runs).</summary>
    public double WeightDifference => Math.Max(MaxDifference(HandWeight, AdamWeight), MaxDifference(HandWeight, GraphAdamWeight));

    public static double MaxDifference(float[] a, float[] b) => a.Zip(b, (p, q) => Math.Abs((double)p - q)).Max();
}

/// <summary>
/// The tutorial's Adam-by-hand check, three ways in lockstep from the same weights on x = [1, 2], y = [4, 1]:
/// (1) the gradient worked out by hand, dL/dW = outer((s − y)·s·(1 − s), x) with s = sigmoid(Wx) (the 2 of the square
/// and the 1/2 of the mean cancel), and Adam written out by hand in float64; (2) the tape (Loss + Backward) with
/// Kiln.Optim.Adam; (3) the generated graph (LossGraph.ForwardBackward) with Kiln.Optim.Adam.
/// </summary>
public static class AdamWalkthrough
{
    public const float LearningRate = 1e-3f, Beta1 = 0.9f, Beta2 = 0.999f, Eps = 1e-8f;
    public static readonly float[] X = { 1, 2 }, Y = { 4, 1 };

    public static List<StepResult> Run(int steps)
    {
        var x = Tensor.FromArray(X, 2);
        var y = Tensor.FromArray(Y, 2);
        var tapeNet = new TinyNet();
        var graphNet = new TinyNet();
        var tapeAdam = new Adam(tapeNet.Parameters(), LearningRate, (Beta1, Beta2), Eps);
        var graphAdam = new Adam(graphNet.Parameters(), LearningRate, (Beta1, Beta2), Eps);
        double[] w = TinyNet.PyTorchInitialWeight.Select(v => (double)v).ToArray();
        double[] m = new double[4], v = new double[4];
        var results = new List<StepResult>(steps);
        for (int t = 1; t <= steps; t++)
        {
            // (1) By hand, in float64 from the hand run's own weights.
            var hand = new double[4];
            for (int i = 0; i < 2; i++)
            {
                double s = 1 / (1 + Math.Exp(-(w[2 * i] * X[0] + w[2 * i + 1] * X[1])));
                double delta = (s - Y[i]) * s * (1 - s);
                hand[2 * i] = delta * X[0];
                hand[2 * i + 1] = delta * X[1];
            }
            for (int k = 0; k < 4; k++)
            {
                m[k] = Beta1 * m[k] + (1 - Beta1) * hand[k];
                v[k] = Beta2 * v[k] + (1 - Beta2) * hand[k] * hand[k];
                double mHat = m[k] / (1 - Math.Pow(Beta1, t)), vHat = v[k] / (1 - Math.Pow(Beta2, t));
                w[k] -= LearningRate * mHat / (Math.Sqrt(vHat) + Eps);
            }

            // (2) The tape and Kiln's Adam.
            tapeAdam.ZeroGrad();
            var loss = tapeNet.Loss(x, y);
            loss.Backward();
            var tapeGradient = tapeNet.Weight.Grad!.ToArray();
            tapeAdam.Step();

            // (3) The generated graph and Kiln's Adam.
            graphAdam.ZeroGrad();
            graphNet.LossGraph.ForwardBackward(x, y);
            var graphGradient = graphNet.Weight.Grad!.ToArray();
            graphAdam.Step();

            results.Add(new StepResult(t, loss.Item(), hand.Select(g => (float)g).ToArray(), tapeGradient, graphGradient,
                w.Select(g => (float)g).ToArray(), tapeNet.Weight.ToArray(), graphNet.Weight.ToArray()));
        }
        return results;
    }
}
