using System.Diagnostics;
using System.Globalization;
using Kiln;
using Kiln.Accelerators;
using Kiln.DeviceBench;

// Kiln.DeviceBench [--device cuda|ilgpu-cpu] [--batches 128,1024] [--steps 20]
// Per model: parity (device vs cpu, 3 steps from the same weights and batch) and the median time of a training step
// at each batch size on the device and on the cpu, with kernels per step, bytes copied and which GEMM ran.
string deviceName = "cuda";
int[] batches = { 128, 1024 };
int steps = 20;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--device": deviceName = args[i + 1]; break;
        case "--batches": batches = args[i + 1].Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray(); break;
        case "--steps": steps = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

KilnDevice device;
try
{
    device = KilnDevice.Parse(deviceName);
    if (device.IsIlgpu) _ = device.Session;
}
catch (Exception e) when (e is DeviceUnavailableException or ArgumentException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

var invariant = CultureInfo.InvariantCulture;
Console.WriteLine($"# Kiln device bench, {DateTime.UtcNow:yyyy-MM-dd} UTC, device {device}, {Environment.ProcessorCount} CPU threads");
Console.WriteLine();
Console.WriteLine("| model (optimizer) | batch | parity vs cpu (3 steps) | device ms/step | cpu ms/step | kernels/step | H2D B/step | D2H B/step | GEMM |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|");

var workloads = new (string Name, Func<int, Func<KilnDevice, (DeviceGraph Graph, Func<float> Step)>> Bind)[]
{
    ("two-layer net 1000-100-10 (Adam)", batch =>
    {
        var x = Tensor.Randn(new[] { batch, 1000 }, new Rng(1));
        var y = Tensor.Randn(new[] { batch, 10 }, new Rng(2));
        return d => { var g = new TwoLayerNet(new Rng(3)).LossGraph.To(d, DeviceOptimizer.Adam(1e-4f)); return (g, () => g.Step(x, y)); };
    }),
    ("Fashion-MNIST MLP 784-256-10 (Adam)", batch =>
    {
        var x = Tensor.Randn(new[] { batch, 784 }, new Rng(1));
        var y = IntTensor.FromArray(Enumerable.Range(0, batch).Select(i => i * 7 % 10).ToArray(), batch);
        return d => { var g = new FashionMlp(new Rng(3)).LossGraph.To(d, DeviceOptimizer.Adam(1e-3f)); return (g, () => g.Step(x, y)); };
    }),
    ("CNN conv-pool-conv-pool-linear (SGD momentum)", batch =>
    {
        var x = Tensor.Randn(new[] { batch, 1, 28, 28 }, new Rng(1));
        var y = IntTensor.FromArray(Enumerable.Range(0, batch).Select(i => i * 7 % 10).ToArray(), batch);
        return d => { var g = new SmallCnn(new Rng(3)).LossGraph.To(d, DeviceOptimizer.Sgd(0.05f, momentum: 0.9f)); return (g, () => g.Step(x, y)); };
    }),
};

foreach (var (name, bind) in workloads)
{
    foreach (int batch in batches)
    {
        var make = bind(batch);
        try
        {
            var (cpuGraph, cpuStep) = make(KilnDevice.Cpu);
            var (deviceGraph, deviceStep) = make(device);
            using var _ = cpuGraph;
            using var __ = deviceGraph;
            double parity = 0;
            for (int s = 0; s < 3; s++)
            {
                float expected = cpuStep(), actual = deviceStep();
                parity = Math.Max(parity, Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), 1e-6));
            }
            double deviceMs = Median(deviceStep, steps), cpuMs = Median(cpuStep, steps);
            Console.WriteLine($"| {name} | {batch} | {parity.ToString("0.0e+0", invariant)} | {deviceMs.ToString("F3", invariant)} | {cpuMs.ToString("F3", invariant)} | " +
                              $"{deviceGraph.KernelsPerStep} | {deviceGraph.BytesToDevicePerStep.ToString("N0", invariant)} | {deviceGraph.BytesToHostPerStep} | {deviceGraph.GemmPath} |");
        }
        catch (NotSupportedException e)
        {
            Console.WriteLine($"| {name} | {batch} | not on the device: {e.Message.Replace("|", "/")} | | | | | | |");
        }
    }
}
return 0;

static double Median(Func<float> step, int steps)
{
    for (int i = 0; i < 3; i++) step();
    var times = new double[steps];
    for (int i = 0; i < steps; i++)
    {
        long start = Stopwatch.GetTimestamp();
        step();
        times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
    Array.Sort(times);
    return times[steps / 2];
}
