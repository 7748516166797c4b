using System.Globalization;
using Kiln;
using Kiln.Data;
using Kiln.Optim;
using Kiln.Samples.RnnClassifier;

// Usage: dotnet run -c Release --project samples/RnnClassifier [-- --epochs N] [--out DIR]
int epochs = 20;
string? outOption = null;
for (int i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--epochs": epochs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--out": outOption = Value(); break;
        default: Console.Error.WriteLine("RnnClassifier [--epochs N (default 20)] [--out DIR (default out/RnnClassifier)]"); return 1;
    }
}
string outFolder = Path.GetFullPath(outOption ?? Path.Combine("out", "RnnClassifier"));
Directory.CreateDirectory(outFolder);

const int trainCount = 6400, evalCount = 1000;
var (train, trainTexts, trainLabels) = Strings.Make(trainCount, new Rng(1));
var (eval, _, _) = Strings.Make(evalCount, new Rng(2));
var counts = Enumerable.Range(0, 3).Select(k => trainLabels.Count(l => l == k)).ToArray();
Console.WriteLine($"{trainCount} training strings, {evalCount} held-out strings; label counts (a / b / c): {string.Join(" / ", counts)} " +
    $"(PyTorch's draw: 2492 / 2161 / 1747); first: {string.Join(", ", trainTexts.Take(3).Select((t, i) => $"{t} -> {trainLabels[i]}"))}");
Console.WriteLine($"every label follows the rule: {trainTexts.Select(Strings.Label).SequenceEqual(trainLabels)}");
Console.WriteLine($"Embedding(53, 10, padding 0) -> Rnn(10, 20, 2 layers, batch-first) -> reshape [N, 120] -> Linear(120, 3); " +
    $"Adam lr {StringTraining.LearningRate}, batch {StringTraining.BatchSize}, {epochs} epoch(s)");

var runs = new List<TrainingRun>();
foreach (bool useStatic in new[] { false, true })
{
    Console.WriteLine();
    Console.WriteLine(useStatic ? "== static (LossGraph.ForwardBackward; evaluation through LogitsGraph.Forward)" : "== dynamic (the tape; evaluation through Logits under NoGrad)");
    runs.Add(StringTraining.Train(train, eval, epochs, useStatic, onEpoch: e =>
        Console.WriteLine($"epoch {e.Epoch,2}/{epochs}  train loss {e.TrainLoss:F4}  eval loss {e.EvalLoss:F4}  eval accuracy {e.EvalAccuracy:F3}  ({e.Seconds * 1000:F0} ms)")));
}
var (dynamicRun, staticRun) = (runs[0], runs[1]);
int firstEpoch = dynamicRun.StepLosses.Count / epochs;
double Relative(int t) => Math.Abs(staticRun.StepLosses[t] - dynamicRun.StepLosses[t]) / Math.Abs((double)dynamicRun.StepLosses[t]);
Console.WriteLine();
Console.WriteLine($"static vs dynamic, step losses: largest relative difference {Enumerable.Range(0, firstEpoch).Max(Relative):0.0e+00} over the first epoch, " +
    $"{Enumerable.Range(0, dynamicRun.StepLosses.Count).Max(Relative):0.0e+00} over all {dynamicRun.StepLosses.Count} steps; " +
    $"eval accuracy {staticRun.EvalAccuracy:F3} (static) vs {dynamicRun.EvalAccuracy:F3} (dynamic); PyTorch: 1.000 after 20 epochs");

// Save the trained (static) model's state dict, load it into a new model, and classify a few strings.
string checkpoint = Path.Combine(outFolder, "rnn-classifier.kiln");
staticRun.Trained.Save(checkpoint);
var loaded = new StringClassifier(new Rng(123));
loaded.Load(checkpoint);
string[] examples = { "xyzabc", "QbRsT", "ccDEFG", "HIJKLM", "bbbbba", "ZcWzq" };
var predicted = StringTraining.Predict(loaded, examples);
Console.WriteLine();
Console.WriteLine($"saved to {Path.GetFileName(checkpoint)}, loaded into a new StringClassifier; its predictions:");
for (int i = 0; i < examples.Length; i++)
{
    int rule = Strings.Label(examples[i]);
    Console.WriteLine($"  {examples[i],-7} -> {predicted[i]}   (rule: {(rule < 0 ? "none of a, b, c: outside the training data" : rule.ToString(CultureInfo.InvariantCulture))})");
}

Console.WriteLine();
Compare.Run(() => new StringClassifier(new Rng(0)), (m, b) => m.Loss(b.Features, b.Labels), (m, b) => m.LossGraph.ForwardBackward(b.Features, b.Labels),
    p => new Adam(p, StringTraining.LearningRate), new DataLoader(train, StringTraining.BatchSize, shuffle: true, rng: new Rng(7)),
    steps: 100, graph: m => m.LossGraph, warmupSteps: 10, name: "rnn-classifier").Print();

var outputs = Plots.Write(runs, outFolder).Prepend(checkpoint).ToList();
Console.WriteLine();
Console.WriteLine($"Wrote to {outFolder}:");
foreach (var file in outputs) Console.WriteLine($"  {Path.GetFileName(file)}");
return 0;
