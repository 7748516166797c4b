using System.Diagnostics;
using Kiln.Samples.TwoLayer;

// Usage: dotnet run -c Release --project samples/TwoLayerNet [-- STYLE...]   (styles: tensors autograd myrelu nn adam module dynamic)
const int steps = 500;

// PyTorch's loss at step 499 for each style (shared/reference/RESULTS.md, W2); its RNG differs from Kiln's, so
// the curves differ step by step but should end at the same order of magnitude.
var pytorchFinal = new Dictionary<string, double>
{
    ["tensors"] = 3.0190e-05, ["autograd"] = 3.0190e-05, ["myrelu"] = 3.0190e-05, ["nn"] = 1.4574e-05,
    ["adam"] = 6.6505e-07, ["module"] = 1.4574e-05, ["dynamic"] = 1.2590,
};

var selected = TwoLayerStyles.All.Where(s => args.Length == 0 || args.Contains(s.Name, StringComparer.OrdinalIgnoreCase)).ToList();
if (selected.Count == 0)
{
    Console.Error.WriteLine($"Unknown style; choose from: {string.Join(' ', TwoLayerStyles.All.Select(s => s.Name))}");
    return 1;
}

Console.WriteLine($"Two-layer net (N={TwoLayerStyles.BatchSize}, {TwoLayerStyles.InputSize}->{TwoLayerStyles.HiddenSize}->{TwoLayerStyles.OutputSize}), {steps} steps, sum-of-squares loss");
var summary = new List<string>();
foreach (var style in selected)
{
    Console.WriteLine();
    Console.WriteLine($"== {style.Name}: {style.Description}");
    var clock = Stopwatch.StartNew();
    var losses = style.Train(steps, (t, loss) =>
    {
        if (t == 0 || t % 100 == 99) Console.WriteLine($"{t,4} {loss:G6}");
    });
    clock.Stop();
    double final = losses[^1];
    summary.Add($"{style.Name,-8} final loss {final,11:0.0000e+00}   PyTorch {pytorchFinal[style.Name],11:0.0000e+00}   {clock.Elapsed.TotalMilliseconds,7:F0} ms ({clock.Elapsed.TotalMilliseconds * 1000 / steps:F0} µs/step incl. JIT warm-up)");
}
Console.WriteLine();
Console.WriteLine("Summary (loss at the last step):");
foreach (var line in summary) Console.WriteLine("  " + line);
return 0;
