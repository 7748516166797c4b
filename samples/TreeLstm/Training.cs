using System.Diagnostics;
using Kiln.Optim;

namespace Kiln.Samples.TreeLstm;

public sealed record EpochResult(int Epoch, double TrainLoss, double TestAccuracy, double MedianStepMilliseconds);

public sealed record TrainResult(EncoderMode Mode, IReadOnlyList<EpochResult> Epochs, IReadOnlyList<float> StepLosses, double CellCallsPerBatch)
{
    public double TestAccuracy => Epochs[^1].TestAccuracy;
    public double MedianStepMilliseconds => Epochs.Count > 1 ? Epochs.Skip(1).Average(e => e.MedianStepMilliseconds) : Epochs[0].MedianStepMilliseconds;
}

/// <summary>Adam (lr 0.003), batches of 64 in one shuffled order per epoch shared by every mode, from the same initial weights.</summary>
public static class Training
{
    public const float LearningRate = 0.003f;
    public const int BatchSize = 64;

    public static TrainResult Train(Tree[] train, Tree[] test, EncoderMode mode, int epochs, int seed = 1, Action<EpochResult>? onEpoch = null)
    {
        var model = new TreeClassifier(new Rng(seed));
        var adam = new Adam(model.Parameters(), lr: LearningRate);
        var order = Enumerable.Range(0, train.Length).ToArray();
        var shuffle = new Rng(seed + 1);
        var epochResults = new List<EpochResult>();
        var losses = new List<float>();
        long cellCalls = 0, batches = 0;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = shuffle.NextInt(0, i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
            var times = new List<double>();
            double lossSum = 0;
            int steps = 0;
            for (int start = 0; start < order.Length; start += BatchSize)
            {
                var batch = order.Skip(start).Take(BatchSize).Select(k => train[k]).ToArray();
                var clock = Stopwatch.StartNew();
                adam.ZeroGrad();
                var loss = model.Loss(batch, mode);
                loss.Backward();
                adam.Step();
                times.Add(clock.Elapsed.TotalMilliseconds);
                float value = loss.Item();
                losses.Add(value);
                lossSum += value;
                steps++;
                cellCalls += model.CellCalls;
                batches++;
            }
            times.Sort();
            var result = new EpochResult(epoch, lossSum / steps, Accuracy(model, test, mode), times[times.Count / 2]);
            epochResults.Add(result);
            onEpoch?.Invoke(result);
        }
        return new TrainResult(mode, epochResults, losses, (double)cellCalls / batches);
    }

    public static double Accuracy(TreeClassifier model, Tree[] trees, EncoderMode mode)
    {
        int correct = 0;
        using (Autograd.NoGrad())
            for (int start = 0; start < trees.Length; start += 256)
            {
                var batch = trees.Skip(start).Take(256).ToArray();
                var predicted = Ops.ArgMax(model.Logits(batch, mode), 1).ToArray();
                for (int i = 0; i < batch.Length; i++) if (predicted[i] == batch[i].Label) correct++;
            }
        return (double)correct / trees.Length;
    }
}
