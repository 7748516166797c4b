using Kiln.Data;
using Kiln.Nn;
using Kiln.Optim;
using static Kiln.Ops;

namespace Kiln.Samples.LinearRegression;

/// <summary>What a run learned: the full-data loss after each epoch and the final parameters.</summary>
public sealed record LinearRegressionResult(IReadOnlyList<float> EpochLosses, float[] Weight, float Bias);

/// <summary>
/// d2l's concise linear regression: 1000 points y = X·w + b + noise with w = [2, -3.4], b = 4.2, noise σ = 0.01;
/// nn.Linear(2, 1) initialised N(0, 0.01) with zero bias, MSE loss, SGD lr 0.03, shuffled batches of 10.
/// </summary>
public static class LinearRegressionTraining
{
    public static readonly float[] TrueWeight = { 2f, -3.4f };
    public const float TrueBias = 4.2f;

    public static LinearRegressionResult Train(int epochs = 3, long seed = 0, Action<int, float>? onEpoch = null)
    {
        var rng = new Rng(seed);
        var (features, labels) = SyntheticData(TrueWeight, TrueBias, 1000, rng);
        var loader = new DataLoader(new TensorDataset(features, labels), batchSize: 10, shuffle: true, rng: rng);

        var net = new Sequential(new Linear(2, 1, rng: rng));
        var layer = (Linear)net[0];
        rng.FillNormal(layer.Weight.Data, 0f, 0.01f);
        layer.Bias!.Data.Clear();
        var optimizer = new Sgd(net.Parameters(), lr: 0.03f);

        var losses = new List<float>();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            foreach (var (x, y) in loader)
            {
                var loss = MseLoss(net.Forward(x.AsTensor()), y.AsTensor());
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
            }
            float epochLoss;
            using (Autograd.NoGrad()) epochLoss = MseLoss(net.Forward(features), labels).Item();
            losses.Add(epochLoss);
            onEpoch?.Invoke(epoch, epochLoss);
        }
        return new LinearRegressionResult(losses, layer.Weight.ToArray(), layer.Bias.Item());
    }

    /// <summary>d2l's synthetic_data: X ~ N(0, 1), y = X·w + b + N(0, 0.01²), labels shaped [n, 1].</summary>
    public static (Tensor Features, Tensor Labels) SyntheticData(float[] weight, float bias, int count, Rng rng)
    {
        var x = Tensor.Randn(new[] { count, weight.Length }, rng);
        var y = x.MatMul(Tensor.FromArray(weight, weight.Length, 1)) + bias;
        return (x, y + Tensor.Randn(new[] { count, 1 }, rng) * 0.01f);
    }
}
