using System.Globalization;
using Kiln;
using Kiln.Data;
using Kiln.Optim;
using Kiln.Samples.Cnn;

// Usage: dotnet run -c Release --project samples/Cnn [-- --epochs N] [--data DIR] [--out DIR]
int epochs = 2;
string? dataOption = null, outOption = null;
for (int i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--epochs": epochs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--data": dataOption = Value(); break;
        case "--out": outOption = Value(); break;
        default:
            Console.Error.WriteLine("Cnn [--epochs N (default 2)] [--data DIR] [--out DIR (default out/Cnn)]");
            Console.Error.WriteLine("  --data: train-/t10k- IDX files (plain or .gz); default /usr/share/datasets/fashion-mnist if installed, else the subset shipped with samples/FashionMnist");
            return 1;
    }
}

var (dataFolder, dataDescription) = CnnTraining.FindData(dataOption);
var train = Mnist.Load(dataFolder, train: true, MnistLayout.Image);
var test = Mnist.Load(dataFolder, train: false, MnistLayout.Image);
string outFolder = Path.GetFullPath(outOption ?? Path.Combine("out", "Cnn"));
Directory.CreateDirectory(outFolder);
Console.WriteLine($"Fashion-MNIST from {dataFolder}: {dataDescription}; {train.Count} train, {test.Count} test images");
Console.WriteLine("Conv2d(1, 8, 3, p1) -> ReLU -> MaxPool2 -> Conv2d(8, 16, 3, p1) -> ReLU -> MaxPool2 -> Flatten -> Linear(784, 10); " +
    $"SGD lr {CnnTraining.LearningRate} momentum {CnnTraining.Momentum}, batch {CnnTraining.BatchSize}, {epochs} epoch(s)");

var runs = new List<TrainingRun>();
foreach (bool useStatic in new[] { false, true })
{
    Console.WriteLine();
    Console.WriteLine(useStatic ? "== static (LossGraph.ForwardBackward; test accuracy through LogitsGraph.Forward)" : "== dynamic (the tape; test accuracy through Logits under NoGrad)");
    runs.Add(CnnTraining.Train(train, test, epochs, useStatic, onEpoch: e =>
        Console.WriteLine($"epoch {e.Epoch}/{epochs}  train loss {e.TrainLoss:F4}  test accuracy {e.TestAccuracy:F4}  ({e.Seconds:F1} s)")));
}
var (dynamicRun, staticRun) = (runs[0], runs[1]);
int firstEpoch = dynamicRun.StepLosses.Count / epochs;
double Relative(int t) => Math.Abs(staticRun.StepLosses[t] - dynamicRun.StepLosses[t]) / Math.Abs((double)dynamicRun.StepLosses[t]);
Console.WriteLine();
Console.WriteLine($"static vs dynamic, step losses: largest relative difference {Enumerable.Range(0, firstEpoch).Max(Relative):0.0e+00} over the first epoch, " +
    $"{Enumerable.Range(0, dynamicRun.StepLosses.Count).Max(Relative):0.0e+00} over all {dynamicRun.StepLosses.Count} steps; " +
    $"test accuracy {staticRun.TestAccuracy:F4} (static) vs {dynamicRun.TestAccuracy:F4} (dynamic); PyTorch on the full set: 0.8677 after 2 epochs");

Console.WriteLine();
Compare.Run(() => new SmallCnn(new Rng(0)), (m, b) => m.Loss(b.Features, b.Labels), (m, b) => m.LossGraph.ForwardBackward(b.Features, b.Labels),
    p => new Sgd(p, CnnTraining.LearningRate, CnnTraining.Momentum), new DataLoader(train.ToDataset(), CnnTraining.BatchSize, shuffle: true, rng: new Rng(7)),
    steps: 20, graph: m => m.LossGraph, warmupSteps: 3, name: "cnn").Print();

string dot = Path.Combine(outFolder, "cnn.loss.dot");
File.WriteAllText(dot, staticRun.Trained.LossGraph.ToDot());
Console.WriteLine();
Console.WriteLine($"Wrote {dot}");
return 0;
