using System.Diagnostics;
using Kiln.Data;
using Kiln.Optim;

namespace Kiln.Samples.RnnClassifier;

/// <summary>One epoch: mean training loss over its steps, loss and accuracy on the evaluation strings, training time.</summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double EvalLoss, double EvalAccuracy, double Seconds);

/// <summary>What training in one mode produced.</summary>
public sealed record TrainingRun(bool Static, IReadOnlyList<float> StepLosses, IReadOnlyList<EpochResult> Epochs, StringClassifier Trained)
{
    public string Mode => Static ? "static" : "dynamic";
    public double EvalAccuracy => Epochs[^1].EvalAccuracy;
}

/// <summary>
/// The training loop for both modes: Adam (lr 1e-3) on shuffled batches of 64, cross-entropy; after each epoch the
/// loss and accuracy on held-out strings. Dynamic: Loss on the tape + Backward, evaluation through Logits under NoGrad.
/// Static: LossGraph.ForwardBackward, evaluation through LogitsGraph.Forward. Same seeds, so the same initial weights
/// and the same batches in the same order.
/// </summary>
public static class StringTraining
{
    public const int BatchSize = 64;
    public const float LearningRate = 1e-3f;

    public static TrainingRun Train(TensorDataset train, TensorDataset eval, int epochs, bool useStatic, int seed = 0,
        Action<EpochResult>? onEpoch = null)
    {
        var model = new StringClassifier(new Rng(seed));
        var optimizer = new Adam(model.Parameters(), LearningRate);
        var loader = new DataLoader(train, BatchSize, shuffle: true, rng: new Rng(seed + 1));
        var stepLosses = new List<float>(epochs * loader.Count);
        var results = new List<EpochResult>(epochs);
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double sum = 0;
            int steps = 0;
            foreach (var (tokens, labels) in loader)
            {
                optimizer.ZeroGrad();
                float loss;
                if (useStatic) loss = model.LossGraph.ForwardBackward(tokens, labels).Item();
                else
                {
                    var tape = model.Loss(tokens, labels);
                    tape.Backward();
                    loss = tape.Item();
                }
                optimizer.Step();
                stepLosses.Add(loss);
                sum += loss;
                steps++;
            }
            clock.Stop();
            var (evalLoss, accuracy) = Evaluate(model, eval, useStatic);
            var result = new EpochResult(epoch, sum / steps, evalLoss, accuracy, clock.Elapsed.TotalSeconds);
            results.Add(result);
            onEpoch?.Invoke(result);
        }
        return new TrainingRun(useStatic, stepLosses, results, model);
    }

    /// <summary>Mean cross-entropy and accuracy over <paramref name="data"/>, through the tape or the logits graph.</summary>
    public static (double Loss, double Accuracy) Evaluate(StringClassifier model, TensorDataset data, bool useStatic)
    {
        using var _ = Autograd.NoGrad();
        double lossSum = 0;
        int correct = 0;
        foreach (var (tokens, y) in new DataLoader(data, 1000))
        {
            var logits = useStatic ? model.LogitsGraph.Forward(tokens) : model.Logits(tokens);
            IntTensor labels = y;
            lossSum += Ops.CrossEntropy(logits, labels).Item() * labels.Size(0);
            var predicted = Ops.ArgMax(logits, 1).ToArray();
            var expected = labels.ToArray();
            for (int i = 0; i < expected.Length; i++) if (predicted[i] == expected[i]) correct++;
        }
        return (lossSum / data.Count, (double)correct / data.Count);
    }

    /// <summary>The predicted class of each string, through the tape.</summary>
    public static int[] Predict(StringClassifier model, IEnumerable<string> texts)
    {
        using var _ = Autograd.NoGrad();
        return Ops.ArgMax(model.Logits(Strings.Batch(texts)), 1).ToArray();
    }
}
