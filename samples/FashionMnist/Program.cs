using System.Globalization;
using Kiln;
using Kiln.Data;
using Kiln.Optim;
using Kiln.Samples.FashionMnist;
using Spectre.Console;

// Usage: dotnet run -c Release --project samples/FashionMnist [-- --epochs N] [--data DIR] [--out DIR] [--models softmax-regression,mlp]
int? epochsOption = null;
string? dataOption = null, outOption = null, modelsOption = null;
for (int i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--epochs": epochsOption = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--data": dataOption = Value(); break;
        case "--out": outOption = Value(); break;
        case "--models": modelsOption = Value(); break;
        case "-h" or "--help":
            Console.WriteLine("FashionMnist [--epochs N] [--data DIR] [--out DIR] [--models softmax-regression,mlp]");
            Console.WriteLine("  --data: a folder of train-/t10k- IDX files (plain or .gz); default /usr/share/datasets/fashion-mnist if installed, else the shipped subset");
            Console.WriteLine("  --epochs: default 3 on the subset, 10 on the full set;  --out: default out/FashionMnist");
            return 0;
        default: Console.Error.WriteLine($"Unknown option '{args[i]}'; see --help."); return 1;
    }
}

var (dataFolder, dataDescription) = FashionTraining.FindData(dataOption);
var train = Mnist.Load(dataFolder, train: true, MnistLayout.Image);
var test = Mnist.Load(dataFolder, train: false, MnistLayout.Image);
int epochs = epochsOption ?? (train.Count >= 60_000 ? 10 : 3);
string outFolder = Path.GetFullPath(outOption ?? Path.Combine("out", "FashionMnist"));
Directory.CreateDirectory(outFolder);
var kinds = modelsOption is null ? ModelKind.All
    : modelsOption.Split(',').Select(n => ModelKind.All.FirstOrDefault(k => k.Name == n) ?? throw new ArgumentException($"Unknown model '{n}'.")).ToArray();

Console.WriteLine($"Fashion-MNIST from {dataFolder}: {dataDescription}; {train.Count} train, {test.Count} test images");
Console.WriteLine($"SGD lr {FashionTraining.LearningRate}, batch {FashionTraining.BatchSize}, {epochs} epoch(s); each model trained dynamically (tape) and statically (LossGraph.ForwardBackward) from the same weights");

var runs = new List<TrainingRun>();
var outputs = new List<string>();
foreach (var kind in kinds)
{
    TrainingRun? dynamicRun = null;
    foreach (bool useStatic in new[] { false, true })
    {
        string mode = useStatic ? "static" : "dynamic";
        Console.WriteLine();
        Console.WriteLine($"== {kind.Name} ({kind.Description}), {mode}");
        TrainingRun run = null!;
        if (AnsiConsole.Profile.Capabilities.Interactive)
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    var tasks = Enumerable.Range(1, epochs).Select(e => ctx.AddTask($"epoch {e}/{epochs}", autoStart: false)).ToArray();
                    run = FashionTraining.Train(kind, train, test, epochs, useStatic,
                        onStep: (epoch, step, steps) =>
                        {
                            var task = tasks[epoch - 1];
                            if (!task.IsStarted) task.StartTask();
                            task.MaxValue = steps;
                            task.Value = step;
                        },
                        onEpoch: e => tasks[e.Epoch - 1].Description = $"epoch {e.Epoch}/{epochs}  train loss {e.TrainLoss:F4}  test accuracy {e.TestAccuracy:F4}");
                });
        else   // redirected output: no bars, a line per epoch
            run = FashionTraining.Train(kind, train, test, epochs, useStatic, onEpoch: e =>
                Console.WriteLine($"epoch {e.Epoch}/{epochs}  train loss {e.TrainLoss:F4}  test accuracy {e.TestAccuracy:F4}  ({e.Seconds * 1000:F0} ms)"));
        Console.WriteLine($"{kind.Name} {mode}: test accuracy {run.TestAccuracy:F4}   (evaluated with {run.EvaluatedWith})");
        runs.Add(run);
        if (!useStatic) dynamicRun = run;
        else
        {
            // Float rounding differs between the graph's kernels and the tape's ops by a few ulps per step; over thousands
            // of SGD steps such differences can grow (the runs are chaotic), so the first epoch is reported on its own.
            int firstEpoch = run.StepLosses.Count / epochs;
            var (epochDifference, epochStep) = LargestDifference(dynamicRun!.StepLosses, run.StepLosses, firstEpoch);
            var (allDifference, allStep) = LargestDifference(dynamicRun.StepLosses, run.StepLosses, run.StepLosses.Count);
            Console.WriteLine($"static vs dynamic, step losses: largest relative difference {epochDifference:0.0e+00} over the first epoch (step {epochStep}), " +
                $"{allDifference:0.0e+00} over all {run.StepLosses.Count} steps (step {allStep}); test accuracy {run.TestAccuracy:F4} vs {dynamicRun.TestAccuracy:F4}");
        }
    }

    // Side by side from identical weights, step by step: agreement, time, allocations, the graph.
    Console.WriteLine();
    var loader = new DataLoader(train.ToDataset(), FashionTraining.BatchSize, shuffle: true, rng: new Rng(7));
    var comparison = Compare.Run(() => kind.Create(new Rng(0)),
        (m, b) => ((IFashionClassifier)m).Loss(b.Features, b.Labels),
        (m, b) => ((IFashionClassifier)m).StaticLoss(b.Features, b.Labels),
        p => new Sgd(p, lr: FashionTraining.LearningRate), loader, steps: 40,
        graph: m => ((IFashionClassifier)m).LossGraphOf, warmupSteps: 5, name: kind.Name);
    comparison.Print();

    var trained = (IFashionClassifier)runs[^1].Trained;
    var dot = Path.Combine(outFolder, $"{kind.Name}.loss.dot");
    File.WriteAllText(dot, trained.LossGraphOf.ToDot());
    outputs.Add(dot);
}

outputs.AddRange(Plots.Write(runs, outFolder));
Console.WriteLine();
Console.WriteLine($"Wrote to {outFolder}:");
foreach (var file in outputs) Console.WriteLine($"  {Path.GetFileName(file)}");
return 0;

static (double Difference, int Step) LargestDifference(IReadOnlyList<float> expected, IReadOnlyList<float> actual, int steps)
{
    int worst = Enumerable.Range(0, steps).MaxBy(t => Math.Abs(actual[t] - expected[t]) / Math.Abs(expected[t]));
    return (Math.Abs(actual[worst] - expected[worst]) / Math.Abs(expected[worst]), worst);
}
