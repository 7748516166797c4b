using System.Globalization;
using Kiln;
using Kiln.Data;
using Kiln.Optim;
using Kiln.Samples.AdamByHand;

// Usage: dotnet run -c Release --project samples/AdamByHand [-- --steps N]
int steps = 3;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--steps" && i + 1 < args.Length) steps = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else { Console.Error.WriteLine("AdamByHand [--steps N]   (default 3)"); return 1; }
}

Console.WriteLine("Linear(2, 2, no bias) -> Sigmoid -> MSE on x = [1, 2], y = [4, 1]; Adam lr 1e-3, betas (0.9, 0.999), eps 1e-8");
Console.WriteLine("initial W = PyTorch's under torch.manual_seed(0): " + Format(TinyNet.PyTorchInitialWeight));
Console.WriteLine("gradient: by hand (float64), the tape (Loss + Backward), the graph (LossGraph.ForwardBackward); W after: hand-written Adam, Kiln's Adam on each");
var results = AdamWalkthrough.Run(steps);
foreach (var r in results)
{
    Console.WriteLine();
    Console.WriteLine($"step {r.Step}  loss {r.Loss:F7}");
    Console.WriteLine($"  grad by hand        {Format(r.HandGradient)}");
    Console.WriteLine($"  grad tape           {Format(r.TapeGradient)}");
    Console.WriteLine($"  grad graph          {Format(r.GraphGradient)}");
    Console.WriteLine($"  W after, by hand    {Format(r.HandWeight)}");
    Console.WriteLine($"  W after, Adam tape  {Format(r.AdamWeight)}");
    Console.WriteLine($"  W after, Adam graph {Format(r.GraphAdamWeight)}");
    Console.WriteLine($"  max |grad difference| {r.GradientDifference:0.0e+00}   max |W difference| {r.WeightDifference:0.0e+00}");
}
Console.WriteLine();
Console.WriteLine($"over {steps} step(s): max |grad difference| {results.Max(r => r.GradientDifference):0.0e+00}, " +
    $"max |W difference| {results.Max(r => r.WeightDifference):0.0e+00}   (PyTorch step 1: loss 5.8602610, grad-hand difference 1.5e-08)");

// The same model in both modes, side by side, for 200 steps on its one example.
Console.WriteLine();
var example = new TensorDataset(Tensor.FromArray(AdamWalkthrough.X, 1, 2), Tensor.FromArray(AdamWalkthrough.Y, 1, 2));
var single = new DataLoader(example, batchSize: 1);
Compare.Run(() => new TinyNet(),
    (m, b) => m.Loss(((Tensor)b.Features).Reshape(2), ((Tensor)b.Labels).Reshape(2)),
    (m, b) => m.LossGraph.ForwardBackward(((Tensor)b.Features).Reshape(2), ((Tensor)b.Labels).Reshape(2)),
    p => new Adam(p, AdamWalkthrough.LearningRate), single, steps: 200, graph: m => m.LossGraph, warmupSteps: 20, name: "TinyNet").Print();
return 0;

static string Format(float[] w) => string.Create(CultureInfo.InvariantCulture, $"[[{w[0],10:F7}, {w[1],10:F7}], [{w[2],10:F7}, {w[3],10:F7}]]");
