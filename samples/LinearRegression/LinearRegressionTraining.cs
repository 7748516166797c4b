using System.Diagnostics;
using Kiln.Data;
using Kiln.Nn;
using Kiln.Optim;
using static Kiln.Ops;

namespace Kiln.Samples.LinearRegression;

/// <summary>
/// What a run learned: the full-data loss after each epoch, the minibatch loss of every step (before its update),
/// the final parameters, and the median wall time of a training step.
/// </summary>
public sealed record LinearRegressionResult(IReadOnlyList<float> EpochLosses, IReadOnlyList<float> StepLosses, float[] Weight, float Bias, TimeSpan MedianStep);

/// <summary>
/// d2l's concise linear regression: 1000 points y = X·w + b + noise with w = [2, -3.4], b = 4.2, noise σ = 0.01;
/// nn.Linear(2, 1) initialised N(0, 0.01) with zero bias, MSE loss, SGD lr 0.03, shuffled batches of 10.
/// Trained either dynamically (the tape: Loss, then Backward) or statically (the generated LossGraph's
/// ForwardBackward); the same seed gives both the same data, initial weights and batch order.
/// </summary>
public static class LinearRegressionTraining
{
    public static readonly float[] TrueWeight = { 2f, -3.4f };
    public const float TrueBias = 4.2f;

    public static LinearRegressionResult Train(int epochs = 3, long seed = 0, Action<int, float>? onEpoch = null, bool compiled = false)
    {
        var rng = new Rng(seed);
        var (features, labels) = SyntheticData(TrueWeight, TrueBias, 1000, rng);
        var loader = new DataLoader(new TensorDataset(features, labels), batchSize: 10, shuffle: true, rng: rng);

        var model = new LinearRegressionModel(rng);
        var layer = model.Layer;
        rng.FillNormal(layer.Weight.Data, 0f, 0.01f);
        layer.Bias!.Data.Clear();
        var optimizer = new Sgd(model.Parameters(), lr: 0.03f);

        var epochLosses = new List<float>();
        var stepLosses = new List<float>();
        var stepTimes = new List<TimeSpan>();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            foreach (var batch in loader)
            {
                Tensor x = batch[0], y = batch[1];
                long start = Stopwatch.GetTimestamp();
                optimizer.ZeroGrad();
                float loss;
                if (compiled)
                {
                    // Accumulates into each parameter's Grad (cleared above); the returned tensor belongs to the graph.
                    loss = model.LossGraph.ForwardBackward(x, y).Item();
                }
                else
                {
                    var tape = model.Loss(x, y);
                    loss = tape.Item();
                    tape.Backward();
                }
                optimizer.Step();
                stepTimes.Add(Stopwatch.GetElapsedTime(start));
                stepLosses.Add(loss);
            }
            float epochLoss;
            if (compiled) epochLoss = model.LossGraph.Forward(features, labels).Item();
            else using (Autograd.NoGrad()) epochLoss = model.Loss(features, labels).Item();
            epochLosses.Add(epochLoss);
            onEpoch?.Invoke(epoch, epochLoss);
        }
        stepTimes.Sort();
        return new LinearRegressionResult(epochLosses, stepLosses, layer.Weight.ToArray(), layer.Bias.Item(), stepTimes[stepTimes.Count / 2]);
    }

    /// <summary>d2l's synthetic_data: X ~ N(0, 1), y = X·w + b + N(0, 0.01²), labels shaped [n, 1].</summary>
    public static (Tensor Features, Tensor Labels) SyntheticData(float[] weight, float bias, int count, Rng rng)
    {
        var x = Tensor.Randn(new[] { count, weight.Length }, rng);
        var y = x.MatMul(Tensor.FromArray(weight, weight.Length, 1)) + bias;
        return (x, y + Tensor.Randn(new[] { count, 1 }, rng) * 0.01f);
    }
}
