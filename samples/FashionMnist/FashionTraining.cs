using System.Diagnostics;
using Kiln.Data;
using Kiln.Nn;
using Kiln.Optim;

namespace Kiln.Samples.FashionMnist;

/// <summary>A model the sample trains: its name and how to build it from a generator (the same seed, the same weights).</summary>
public sealed record ModelKind(string Name, string Description, Func<Rng, Module> Create)
{
    public static readonly ModelKind SoftmaxRegression = new("softmax-regression", "Flatten -> Linear(784, 10)", rng => new SoftmaxRegression(rng));
    public static readonly ModelKind Mlp = new("mlp", "Flatten -> Linear(784, 256) -> ReLU -> Linear(256, 10)", rng => new Mlp(rng));
    public static readonly ModelKind[] All = { SoftmaxRegression, Mlp };
}

/// <summary>One epoch: the mean training loss over its steps, the test accuracy after it, and its training time.</summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double TestAccuracy, double Seconds);

/// <summary>What training one model in one mode produced.</summary>
public sealed record TrainingRun(string Model, bool Static, IReadOnlyList<float> StepLosses, IReadOnlyList<EpochResult> Epochs,
    string EvaluatedWith, Module Trained)
{
    public string Mode => Static ? "static" : "dynamic";
    public double TestAccuracy => Epochs[^1].TestAccuracy;
}

/// <summary>
/// The training loop for both modes: SGD (lr 0.1) on shuffled minibatches of 256, cross-entropy, test accuracy after
/// each epoch. The dynamic mode records the loss on the tape and calls Backward; the static mode calls the generated
/// LossGraph.ForwardBackward and evaluates with LogitsGraph.Forward. Both build the model and shuffle from the same
/// seeds, so they start from the same weights and see the same batches in the same order.
/// </summary>
public static class FashionTraining
{
    public const int BatchSize = 256;
    public const float LearningRate = 0.1f;
    const int EvaluationBatch = 1000;

    /// <param name="onStep">Called after each step with (epoch, step in epoch, steps per epoch).</param>
    public static TrainingRun Train(ModelKind kind, MnistSplit train, MnistSplit test, int epochs, bool useStatic,
        int seed = 0, Action<int, int, int>? onStep = null, Action<EpochResult>? onEpoch = null)
    {
        var model = kind.Create(new Rng(seed));
        var classifier = (IFashionClassifier)model;
        var optimizer = new Sgd(model.Parameters(), lr: LearningRate);
        var loader = new DataLoader(train.ToDataset(), BatchSize, shuffle: true, rng: new Rng(seed + 1));
        var stepLosses = new List<float>(epochs * loader.Count);
        var results = new List<EpochResult>(epochs);
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double sum = 0;
            int step = 0;
            foreach (var (x, y) in loader)
            {
                optimizer.ZeroGrad();
                float loss;
                if (useStatic) loss = classifier.StaticLoss(x, y).Item();
                else
                {
                    var tape = classifier.Loss(x, y);
                    tape.Backward();
                    loss = tape.Item();
                }
                optimizer.Step();
                stepLosses.Add(loss);
                sum += loss;
                step++;
                onStep?.Invoke(epoch, step, loader.Count);
            }
            clock.Stop();
            var result = new EpochResult(epoch, sum / step, Accuracy(classifier, test, useStatic), clock.Elapsed.TotalSeconds);
            results.Add(result);
            onEpoch?.Invoke(result);
        }
        return new TrainingRun(kind.Name, useStatic, stepLosses, results,
            useStatic ? "the static forward graph (LogitsGraph.Forward)" : "the dynamic forward (Logits on the tape, under NoGrad)", model);
    }

    /// <summary>The fraction of <paramref name="split"/> whose largest logit is the label.</summary>
    public static double Accuracy(IFashionClassifier model, MnistSplit split, bool useStatic)
    {
        var dataset = split.ToDataset();
        int correct = 0;
        using var _ = Autograd.NoGrad();
        foreach (var (x, y) in new DataLoader(dataset, EvaluationBatch))
        {
            var logits = useStatic ? model.StaticLogits(x) : model.Logits(x);
            var predicted = Ops.ArgMax(logits, 1).ToArray();
            var labels = ((IntTensor)y).ToArray();
            for (int i = 0; i < labels.Length; i++) if (predicted[i] == labels[i]) correct++;
        }
        return (double)correct / split.Count;
    }

    /// <summary>
    /// Where the data is: <paramref name="requested"/> if given, else the full set installed by
    /// <c>apt-get install dataset-fashion-mnist</c>, else the subset shipped beside the sample.
    /// </summary>
    public static (string Folder, string Description) FindData(string? requested)
    {
        if (requested is not null) return (requested, "the folder given by --data");
        const string installed = "/usr/share/datasets/fashion-mnist";
        if (Mnist.Exists(installed)) return (installed, "the full set (dataset-fashion-mnist)");
        return (ShippedSubset(), "the shipped subset (10 000 train / 2 000 test)");
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
        throw new DirectoryNotFoundException("FashionMnist: the shipped subset (samples/FashionMnist/data) was not found; pass --data DIR.");
    }
}
