using System.Diagnostics;
using Kiln.Data;
using Kiln.Optim;

namespace Kiln.Samples.Cnn;

/// <summary>One epoch: mean training loss over its steps, test accuracy after it, training time.</summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double TestAccuracy, double Seconds);

/// <summary>What training in one mode produced.</summary>
public sealed record TrainingRun(bool Static, IReadOnlyList<float> StepLosses, IReadOnlyList<EpochResult> Epochs, SmallCnn Trained)
{
    public string Mode => Static ? "static" : "dynamic";
    public double TestAccuracy => Epochs[^1].TestAccuracy;
}

/// <summary>
/// The training loop for both modes: SGD (lr 0.05, momentum 0.9) on shuffled batches of 128, cross-entropy, test
/// accuracy after each epoch. Dynamic: Loss on the tape + Backward, evaluation through Logits under NoGrad. Static:
/// LossGraph.ForwardBackward, evaluation through LogitsGraph.Forward. Same seeds: same weights, same batches.
/// </summary>
public static class CnnTraining
{
    public const int BatchSize = 128;
    public const float LearningRate = 0.05f, Momentum = 0.9f;

    /// <param name="maxSteps">Stop each epoch after this many steps (tests); null: the whole epoch.</param>
    public static TrainingRun Train(MnistSplit train, MnistSplit test, int epochs, bool useStatic, int seed = 0, int? maxSteps = null,
        Action<EpochResult>? onEpoch = null)
    {
        var model = new SmallCnn(new Rng(seed));
        var optimizer = new Sgd(model.Parameters(), LearningRate, Momentum);
        var loader = new DataLoader(train.ToDataset(), BatchSize, shuffle: true, rng: new Rng(seed + 1));
        var stepLosses = new List<float>();
        var results = new List<EpochResult>(epochs);
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double sum = 0;
            int steps = 0;
            foreach (var (x, y) in loader)
            {
                if (steps == maxSteps) break;
                optimizer.ZeroGrad();
                float loss;
                if (useStatic) loss = model.LossGraph.ForwardBackward(x, y).Item();
                else
                {
                    var tape = model.Loss(x, y);
                    tape.Backward();
                    loss = tape.Item();
                }
                optimizer.Step();
                stepLosses.Add(loss);
                sum += loss;
                steps++;
            }
            clock.Stop();
            var result = new EpochResult(epoch, sum / steps, Accuracy(model, test, useStatic), clock.Elapsed.TotalSeconds);
            results.Add(result);
            onEpoch?.Invoke(result);
        }
        return new TrainingRun(useStatic, stepLosses, results, model);
    }

    /// <summary>The fraction of <paramref name="split"/> whose largest logit is the label.</summary>
    public static double Accuracy(SmallCnn model, MnistSplit split, bool useStatic)
    {
        using var _ = Autograd.NoGrad();
        int correct = 0;
        foreach (var (x, y) in new DataLoader(split.ToDataset(), 1000))
        {
            var predicted = Ops.ArgMax(useStatic ? model.LogitsGraph.Forward(x) : model.Logits(x), 1).ToArray();
            var labels = ((IntTensor)y).ToArray();
            for (int i = 0; i < labels.Length; i++) if (predicted[i] == labels[i]) correct++;
        }
        return (double)correct / split.Count;
    }

    /// <summary>
    /// Where the data is: <paramref name="requested"/> if given, else the full set installed by
    /// <c>apt-get install dataset-fashion-mnist</c>, else the subset shipped with samples/FashionMnist.
    /// </summary>
    public static (string Folder, string Description) FindData(string? requested)
    {
        if (requested is not null) return (requested, "the folder given by --data");
        const string installed = "/usr/share/datasets/fashion-mnist";
        if (Mnist.Exists(installed)) return (installed, "the full set (dataset-fashion-mnist)");
        return (ShippedSubset(), "the subset shipped with samples/FashionMnist (10 000 train / 2 000 test)");
    }

    /// <summary>samples/FashionMnist/data: copied beside the executable, or found above it or the working directory.</summary>
    public static string ShippedSubset()
    {
        var candidates = new List<string> { Path.Combine(AppContext.BaseDirectory, "data") };
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                candidates.Add(Path.Combine(dir.FullName, "samples", "FashionMnist", "data"));
        foreach (var candidate in candidates)
            if (Mnist.Exists(candidate)) return Path.GetFullPath(candidate);
        throw new DirectoryNotFoundException("Cnn: the shipped subset (samples/FashionMnist/data) was not found; pass --data DIR.");
    }
}
