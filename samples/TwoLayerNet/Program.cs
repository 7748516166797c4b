using System.Diagnostics;
using Kiln;
using Kiln.Samples.TwoLayer;

// Usage: dotnet run -c Release --project samples/TwoLayerNet [-- STYLE...]   (styles: tensors autograd myrelu nn adam module dynamic static)
const int steps = TwoLayerStyles.Steps;

// PyTorch's loss at step 499 for each style (shared/reference/RESULTS.md, W2); its RNG differs from Kiln's, so
// the curves differ step by step but should end at the same order of magnitude. The static style trains the nn
// style's model with the nn style's update, so PyTorch's nn figure is its reference too.
var pytorchFinal = new Dictionary<string, double>
{
    ["tensors"] = 3.0190e-05, ["autograd"] = 3.0190e-05, ["myrelu"] = 3.0190e-05, ["nn"] = 1.4574e-05,
    ["adam"] = 6.6505e-07, ["module"] = 1.4574e-05, ["dynamic"] = 1.2590, ["static"] = 1.4574e-05,
};

var selected = TwoLayerStyles.All.Where(s => args.Length == 0 || args.Contains(s.Name, StringComparer.OrdinalIgnoreCase)).ToList();
if (selected.Count == 0)
{
    Console.Error.WriteLine($"Unknown style; choose from: {string.Join(' ', TwoLayerStyles.All.Select(s => s.Name))}");
    return 1;
}

Console.WriteLine($"Two-layer net (N={TwoLayerStyles.BatchSize}, {TwoLayerStyles.InputSize}->{TwoLayerStyles.HiddenSize}->{TwoLayerStyles.OutputSize}), {steps} steps, sum-of-squares loss");
var summary = new List<string>();
var runs = new Dictionary<string, (StyleRun Run, double MedianStepMicroseconds)>();
foreach (var style in selected)
{
    Console.WriteLine();
    Console.WriteLine($"== {style.Name}: {style.Description}");
    // A style reports each step's loss once, so the time between two reports is one whole step; printing is left
    // out of it by restarting the clock after each print.
    var stepMicroseconds = new List<double>(steps);
    long lastReport = 0;
    var clock = Stopwatch.StartNew();
    var run = style.Train(steps, (t, loss) =>
    {
        long now = Stopwatch.GetTimestamp();
        if (t > 0) stepMicroseconds.Add(Stopwatch.GetElapsedTime(lastReport, now).TotalMicroseconds);
        if (t == 0 || t % 100 == 99) Console.WriteLine($"{t,4} {loss:G6}");
        lastReport = Stopwatch.GetTimestamp();
    });
    clock.Stop();
    double median = Median(stepMicroseconds);
    runs[style.Name] = (run, median);
    summary.Add($"{style.Name,-8} final loss {run.Losses[^1],11:0.0000e+00}   PyTorch (other data and weights) {pytorchFinal[style.Name],11:0.0000e+00}   " +
        $"median step {median,6:F0} µs   {clock.Elapsed.TotalMilliseconds,6:F0} ms in all (incl. JIT warm-up)");
}
Console.WriteLine();
Console.WriteLine("Summary (loss at the last step). The PyTorch column is the tutorial's run (shared/reference/RESULTS.md, W2): it starts");
Console.WriteLine("from PyTorch's random data and initial weights, which Kiln's generator does not reproduce, so only the order of");
Console.WriteLine("magnitude compares: Kiln's final losses below differ from PyTorch's by up to ~10x.");
foreach (var line in summary) Console.WriteLine("  " + line);

if (runs.TryGetValue("static", out var staticRun) && runs.TryGetValue("nn", out var dynamicRun))
{
    var (staticLosses, dynamicLosses) = (staticRun.Run.Losses, dynamicRun.Run.Losses);
    // The relative difference grows as the loss falls: near 1e-6 the residuals ŷ − y are ~4e-5 differences of numbers
    // near 1, so float32 rounding alone moves the loss by ~1e-4 of itself (tests/Runtime.Tests/Samples explains).
    int worstStep = Enumerable.Range(0, steps).MaxBy(t => Math.Abs(staticLosses[t] - dynamicLosses[t]) / Math.Abs((double)dynamicLosses[t]));
    double worstStepDifference = Math.Abs(staticLosses[worstStep] - dynamicLosses[worstStep]) / Math.Abs((double)dynamicLosses[worstStep]);
    Console.WriteLine();
    Console.WriteLine("Static graph vs dynamic tape (the nn model, same initial weights, same update by hand):");
    Console.WriteLine($"  final loss    static {staticLosses[^1]:0.000000e+00}   dynamic {dynamicLosses[^1]:0.000000e+00}   " +
        $"(largest relative difference {worstStepDifference:0.0e+00}, at step {worstStep}, loss {dynamicLosses[worstStep]:0.0e+00})");
    Console.WriteLine($"  median step   static {staticRun.MedianStepMicroseconds,8:F0} µs   dynamic {dynamicRun.MedianStepMicroseconds,8:F0} µs   " +
        $"({Compare.SpeedNote(dynamicRun.MedianStepMicroseconds, staticRun.MedianStepMicroseconds)})");

    // Both steps include the same update by hand (p -= lr * grad, which allocates a temporary per parameter), so the
    // loss and gradients alone are timed too: the same [Compile] method run eagerly with Backward, and as LossGraph.
    var (x, y) = TwoLayerStyles.RandomData(new Rng(0));
    const int rounds = 300;
    var (tapeMicroseconds, graphMicroseconds) = TimeLossAndGradients(new StaticTwoLayerNet(TwoLayerStyles.InputSize, TwoLayerStyles.HiddenSize, TwoLayerStyles.OutputSize, new Rng(1)), x, y, rounds);
    Console.WriteLine($"  loss + grads  static {graphMicroseconds,8:F0} µs   dynamic {tapeMicroseconds,8:F0} µs   " +
        $"({Compare.SpeedNote(tapeMicroseconds, graphMicroseconds)}; median of {rounds} interleaved calls each)");
    Console.WriteLine();
    Console.WriteLine(staticRun.Run.Graph!.Summary);
}
return 0;

static (double TapeMicroseconds, double GraphMicroseconds) TimeLossAndGradients(StaticTwoLayerNet model, Tensor x, Tensor y, int rounds)
{
    var tape = new List<double>(rounds);
    var graph = new List<double>(rounds);
    for (int round = -rounds / 10; round < rounds; round++)   // the first tenth warms up the JIT and the arena
    {
        long start = Stopwatch.GetTimestamp();
        model.ZeroGrad();
        model.Loss(x, y).Backward();
        long middle = Stopwatch.GetTimestamp();
        model.ZeroGrad();
        model.LossGraph.ForwardBackward(x, y);
        long end = Stopwatch.GetTimestamp();
        if (round < 0) continue;
        tape.Add(Stopwatch.GetElapsedTime(start, middle).TotalMicroseconds);
        graph.Add(Stopwatch.GetElapsedTime(middle, end).TotalMicroseconds);
    }
    return (Median(tape), Median(graph));
}

static double Median(List<double> values)
{
    if (values.Count == 0) return double.NaN;
    var sorted = values.Order().ToList();
    int middle = sorted.Count / 2;
    return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
