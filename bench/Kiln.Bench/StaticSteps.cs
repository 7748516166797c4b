using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Kiln.Bench.Models;
using Kiln.Compiled;
using Kiln.Kernels;
using Kiln.Nn;
using Kiln.Optim;
using Kiln.Samples.RnnClassifier;

namespace Kiln.Bench;

/// <summary>
/// One model trained two ways from the same initial weights: the dynamic step (the [Compile] method called
/// directly, so the eager ops record the tape, then Backward) and the static step (the generated graph's
/// ForwardBackward, which accumulates into each parameter's Grad), both followed by the same optimizer.
/// </summary>
public sealed class StaticComparison
{
    public required Func<float> DynamicStep { get; init; }
    public required Func<float> StaticStep { get; init; }
    /// <summary>The static step's graph call alone (no optimizer), to separate the graph's allocations from the optimizer's.</summary>
    public required Action ForwardBackward { get; init; }
    /// <summary>The largest difference between the two models' gradients, relative to the gradient's largest magnitude (after a step of each).</summary>
    public required Func<double> GradientDifference { get; init; }
    public required CompiledGraph Graph { get; init; }
    public required int BatchSize { get; init; }
}

/// <summary>A static-vs-dynamic workload; <paramref name="PyTorchWorkload"/> names its PyTorch reference figure.</summary>
public sealed record StaticWorkload(string Name, string PyTorchWorkload, Func<StaticComparison> Create);

public static partial class StaticSteps
{
    const string TrainingProgram = "forward+backward";

    public static IEnumerable<StaticWorkload> All()
    {
        // PyTorch's "linreg (batch 10)" is d2l's concise linear regression: Linear(2, 1), MSE, SGD(0.03), batches of 10.
        yield return new("linear regression (b 10, W1)", "linreg (batch 10)", () =>
        {
            var rng = new Rng(1);
            var x = Tensor.Randn(new[] { 10, 2 }, rng);
            var y = Tensor.Randn(new[] { 10, 1 }, rng);
            return Compare(() => new LinearRegressionNet(), p => new Sgd(p, lr: 0.03f), 10,
                m => m.Loss(x, y), m => m.LossGraph.ForwardBackward(x, y), m => m.LossGraph);
        });
        // PyTorch's "two-layer custom module" is the same net (Linear-ReLU-Linear, sum of squares) with SGD(1e-4).
        yield return new("two-layer nn + SGD (N=64)", "two-layer custom module", () => TwoLayer(p => new Sgd(p, lr: 1e-4f)));
        yield return new("two-layer nn + Adam (N=64)", "two-layer nn + Adam", () => TwoLayer(p => new Adam(p, lr: 1e-4f)));
        yield return new("FMNIST MLP + SGD (batch 64)", "fmnist mlp (batch 64)", () =>
        {
            var (x, y) = Images(new[] { 64, 784 }, new Rng(3));
            return Compare(() => new FashionMlp(), p => new Sgd(p, lr: 0.1f), 64,
                m => m.Loss(x, y), m => m.LossGraph.ForwardBackward(x, y), m => m.LossGraph);
        });
        yield return new("softmax regression (b 256)", "softmax regression (batch 256)", () =>
        {
            var (x, y) = Images(new[] { 256, 784 }, new Rng(4));
            return Compare(() => new SoftmaxRegression(), p => new Sgd(p, lr: 0.1f), 256,
                m => m.Loss(x, y), m => m.LossGraph.ForwardBackward(x, y), m => m.LossGraph);
        });
        yield return new("RNN W5 + Adam (batch 64)", "rnn classifier (batch 64)", () =>
        {
            // samples/RnnClassifier's model: Embedding(53, 10) -> 2-layer Rnn(10, 20) -> Linear(120, 3); random 6-token strings.
            var rng = new Rng(6);
            var tokens = new int[64 * StringClassifier.Steps];
            for (int i = 0; i < tokens.Length; i++) tokens[i] = rng.NextInt(1, StringClassifier.Vocabulary);
            var labels = new int[64];
            for (int i = 0; i < labels.Length; i++) labels[i] = rng.NextInt(0, StringClassifier.Classes);
            var x = IntTensor.FromArray(tokens, 64, StringClassifier.Steps);
            var y = IntTensor.FromArray(labels, 64);
            return Compare(() => new StringClassifier(new Rng(0)), p => new Adam(p, lr: 1e-3f), 64,
                m => m.Loss(x, y), m => m.LossGraph.ForwardBackward(x, y), m => m.LossGraph);
        });
        yield return new("CNN W6 (batch 128)", "cnn (batch 128)", () =>
        {
            var (x, y) = Images(new[] { 128, 1, 28, 28 }, new Rng(5));
            return Compare(() => new SmallCnn(), p => new Sgd(p, lr: 0.05f, momentum: 0.9f), 128,
                m => m.Loss(x, y), m => m.LossGraph.ForwardBackward(x, y), m => m.LossGraph);
        });
    }

    static StaticComparison TwoLayer(Func<IEnumerable<Tensor>, Optimizer> optimizer)
    {
        var rng = new Rng(2);
        var x = Tensor.Randn(new[] { 64, 1000 }, rng);
        var y = Tensor.Randn(new[] { 64, 10 }, rng);
        return Compare(() => new TwoLayerNet(), optimizer, 64, m => m.Loss(x, y), m => m.LossGraph.ForwardBackward(x, y), m => m.LossGraph);
    }

    /// <summary>Synthetic data of Fashion-MNIST's shape: pixels uniform in [0, 1), labels uniform over the 10 classes.</summary>
    static (Tensor Images, IntTensor Labels) Images(int[] shape, Rng rng)
    {
        var images = Tensor.Rand(shape, rng);
        var labels = new int[shape[0]];
        for (int i = 0; i < labels.Length; i++) labels[i] = rng.NextInt(0, 10);
        return (images, IntTensor.FromArray(labels, labels.Length));
    }

    /// <summary>Two models from the same seed (so the same initial weights), one per mode, each with its own optimizer.</summary>
    static StaticComparison Compare<TModel>(Func<TModel> createModel, Func<IEnumerable<Tensor>, Optimizer> createOptimizer, int batchSize,
        Func<TModel, Tensor> dynamicLoss, Func<TModel, Tensor> staticForwardBackward, Func<TModel, CompiledGraph> graph)
        where TModel : Module
    {
        Rng.ManualSeed(0);
        var dynamicModel = createModel();
        Rng.ManualSeed(0);
        var staticModel = createModel();
        var dynamicOptimizer = createOptimizer(dynamicModel.Parameters());
        var staticOptimizer = createOptimizer(staticModel.Parameters());
        return new StaticComparison
        {
            DynamicStep = () =>
            {
                var loss = dynamicLoss(dynamicModel);
                float value = loss.Item();
                dynamicOptimizer.ZeroGrad();
                loss.Backward();
                dynamicOptimizer.Step();
                return value;
            },
            StaticStep = () =>
            {
                // ForwardBackward accumulates, so the gradients are cleared first (in place: no allocation).
                staticOptimizer.ZeroGrad();
                float value = staticForwardBackward(staticModel).Item();
                staticOptimizer.Step();
                return value;
            },
            ForwardBackward = () => staticForwardBackward(staticModel),
            GradientDifference = () => GradientDifference(dynamicModel, staticModel),
            Graph = graph(staticModel),
            BatchSize = batchSize,
        };
    }

    static double GradientDifference(Module dynamicModel, Module staticModel)
    {
        double worst = 0;
        foreach (var (dynamicParameter, staticParameter) in dynamicModel.Parameters().Zip(staticModel.Parameters()))
        {
            var expected = dynamicParameter.Grad!.Data;
            var actual = staticParameter.Grad!.Data;
            double scale = 0, difference = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                scale = Math.Max(scale, Math.Abs(expected[i]));
                difference = Math.Max(difference, Math.Abs(expected[i] - actual[i]));
            }
            worst = Math.Max(worst, difference / Math.Max(scale, 1e-30));
        }
        return worst;
    }

    public static void Run(TimeSpan warmup, TimeSpan budget, string? filter, bool printSummaries, string? resultsPath = null)
    {
        var rows = new List<(StaticWorkload Workload, StaticComparison Comparison, Timing Dynamic, Timing Static, long DynamicBytes, long StaticBytes, long GraphBytes, double LossDifference, double GradientDifference, float DynamicLoss, float StaticLoss)>();
        var cold = new Dictionary<string, (double? Dynamic, double? Static)>();
        foreach (var workload in All())
        {
            if (filter is not null && !workload.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)) continue;
            // First, before this process has run any kernel of the workload: each mode's first steps in a fresh process.
            cold[workload.Name] = (ColdStart(workload.Name, "dynamic"), ColdStart(workload.Name, "static"));
            var comparison = workload.Create();
            // The first step of each mode, from the same initial weights, before any timing: the table prints how far their losses and gradients differ.
            float dynamicLoss = comparison.DynamicStep();
            float staticLoss = comparison.StaticStep();
            double difference = Math.Abs(dynamicLoss - staticLoss) / Math.Max(Math.Abs((double)dynamicLoss), 1e-30);
            double gradientDifference = comparison.GradientDifference();
            Action dynamicStep = () => comparison.DynamicStep();
            Action staticStep = () => comparison.StaticStep();
            var (dynamicTiming, staticTiming) = Measurement.TimeInterleaved(dynamicStep, staticStep, warmup, budget);
            long dynamicBytes = AllocatedBytesPerStep(dynamicStep, dynamicTiming);
            long staticBytes = AllocatedBytesPerStep(staticStep, staticTiming);
            // Leaves the gradients accumulated over these calls; the next step's ZeroGrad clears them.
            long graphBytes = AllocatedBytesPerStep(comparison.ForwardBackward, staticTiming);
            rows.Add((workload, comparison, dynamicTiming, staticTiming, dynamicBytes, staticBytes, graphBytes, difference, gradientDifference, dynamicLoss, staticLoss));
        }
        if (rows.Count == 0) return;

        Console.WriteLine($"Static vs dynamic training steps (median wall time per step: forward, loss Item, zero-grad, backward, update;");
        Console.WriteLine($"  dynamic = the [Compile] method run eagerly + tape Backward, static = <Method>Graph.ForwardBackward; both with Kiln.Threads.Max");
        Console.WriteLine($"  up to {Kiln.Threads.Max}, interleaved; PyTorch: median, 1 thread, from {PyTorchReference.Source}; ratios > 1 mean the first is slower)");
        Console.WriteLine($"  {"workload",-28} {"dynamic",10} {"static",10} {"PyTorch",10} {"dyn/static",10} {"PyTorch/static",14} {"PyTorch/dyn",11} {"runs d/s",13}");
        var lines = new List<string>();
        foreach (var r in rows)
        {
            double? torch = PyTorchReference.StepSeconds(r.Workload.PyTorchWorkload);
            string reference = torch is double t ? Measurement.FormatSeconds(t) : "-";
            string torchOverStatic = torch is double t1 ? Ratio(t1 / r.Static.Median) : "-";
            string torchOverDynamic = torch is double t2 ? Ratio(t2 / r.Dynamic.Median) : "-";
            Console.WriteLine($"  {r.Workload.Name,-28} {Measurement.FormatSeconds(r.Dynamic.Median),10} {Measurement.FormatSeconds(r.Static.Median),10} {reference,10} " +
                $"{Ratio(r.Dynamic.Median / r.Static.Median),10} {torchOverStatic,14} {torchOverDynamic,11} {$"{r.Dynamic.Runs}/{r.Static.Runs}",13}");
        }
        Console.WriteLine();

        Console.WriteLine($"First steps vs steady state (median of the first {ColdSteps} steps of a fresh process, one per workload and mode,");
        Console.WriteLine("  model and data built first, JIT included; steady = the medians above; goal: first/steady within 1.3x)");
        Console.WriteLine($"  {"workload",-28} {"dyn first",10} {"steady",10} {"ratio",7} {"static first",12} {"steady",10} {"ratio",7}");
        foreach (var r in rows)
        {
            var (dynamicCold, staticCold) = cold[r.Workload.Name];
            Console.WriteLine($"  {r.Workload.Name,-28} {FormatOptional(dynamicCold),10} {Measurement.FormatSeconds(r.Dynamic.Median),10} {OptionalRatio(dynamicCold, r.Dynamic.Median),7} " +
                $"{FormatOptional(staticCold),12} {Measurement.FormatSeconds(r.Static.Median),10} {OptionalRatio(staticCold, r.Static.Median),7}");
        }
        Console.WriteLine();

        Console.WriteLine($"Compiled graphs ({TrainingProgram} program, from Summary) and allocations per steady-state step (GC.GetAllocatedBytesForCurrentThread)");
        Console.WriteLine("  (static = the whole step, graph = ForwardBackward alone; the rest of a static step's bytes are the optimizer's)");
        Console.WriteLine($"  {"workload",-28} {"ops",5} {"kernels",7} {"arena bytes",12} {"alloc B/step dyn",16} {"static",7} {"graph",6} {"1st-step loss dyn",17} {"static",13} {"rel diff",8} {"grad diff",9}");
        foreach (var r in rows)
        {
            var (ops, kernels) = OpsAndKernels(r.Comparison.Graph.Summary);
            long arena = r.Comparison.Graph.ArenaBytes(TrainingProgram, r.Comparison.BatchSize);
            Console.WriteLine($"  {r.Workload.Name,-28} {ops,5} {kernels,7} {arena,12:N0} {r.DynamicBytes,16:N0} {r.StaticBytes,7:N0} {r.GraphBytes,6:N0} " +
                $"{r.DynamicLoss,17:G8} {r.StaticLoss,13:G8} {r.LossDifference,8:0.0E+0} {r.GradientDifference,9:0.0E+0}");
        }
        Console.WriteLine();

        if (printSummaries)
            foreach (var r in rows)
                Console.WriteLine(r.Comparison.Graph.Summary);

        if (resultsPath is null) return;
        // One section per thread setting: a 1-thread run and a 2-thread run fill the file side by side.
        var section = new System.Text.StringBuilder();
        section.AppendLine(CultureInfo.InvariantCulture, $"{ThreadsHeading}{Kiln.Threads.Max}");
        section.AppendLine();
        section.AppendLine(CultureInfo.InvariantCulture, $"Written by `Kiln.Bench static --threads {Kiln.Threads.Max}` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. CPU: {FmaPeak.CpuModel()} " +
            $"({Environment.ProcessorCount} logical cores visible to .NET, measured FMA peak {FmaPeak.Measure().GFlops:F1} GFLOP/s on 1 thread), .NET {Environment.Version}; " +
            $"PyTorch: 1-thread medians from {PyTorchReference.Source}.");
        section.AppendLine();
        section.AppendLine("| workload | dynamic | static | PyTorch | dyn/static | PyTorch/static | PyTorch/dyn | dynamic first 20 | static first 20 | alloc B/step dynamic | static |");
        section.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            double? torch = PyTorchReference.StepSeconds(r.Workload.PyTorchWorkload);
            var (dynamicCold, staticCold) = cold[r.Workload.Name];
            section.AppendLine(CultureInfo.InvariantCulture, $"| {r.Workload.Name} | {Measurement.FormatSeconds(r.Dynamic.Median)} | {Measurement.FormatSeconds(r.Static.Median)} | " +
                $"{(torch is double t ? Measurement.FormatSeconds(t) : "-")} | {Ratio(r.Dynamic.Median / r.Static.Median)} | {(torch is double t1 ? Ratio(t1 / r.Static.Median) : "-")} | " +
                $"{(torch is double t2 ? Ratio(t2 / r.Dynamic.Median) : "-")} | " +
                $"{FormatOptional(dynamicCold)} ({OptionalRatio(dynamicCold, r.Dynamic.Median)}) | {FormatOptional(staticCold)} ({OptionalRatio(staticCold, r.Static.Median)}) | " +
                $"{r.DynamicBytes:N0} | {r.StaticBytes:N0} |");
        }
        var sections = new SortedDictionary<int, string>();
        if (File.Exists(resultsPath))
            foreach (var (threads, text) in ThreadSections(File.ReadAllText(resultsPath))) sections[threads] = text;
        sections[Kiln.Threads.Max] = section.ToString();
        var md = new System.Text.StringBuilder();
        md.AppendLine("# Kiln.Bench: static vs dynamic vs PyTorch");
        md.AppendLine();
        md.AppendLine("Median wall time per training step (forward, loss Item, zero-grad, backward, update). *First 20*: median of the first");
        md.AppendLine("20 steps of a fresh process (JIT included); *steady*: after warm-up. Allocated bytes per steady-state step (this thread).");
        md.AppendLine("Ratios: PyTorch/x > 1 means Kiln is faster; dyn/static > 1 means the static graph is faster. One section per");
        md.AppendLine("`--threads` setting (each run replaces its own); the PyTorch column is always PyTorch's 1-thread figure.");
        foreach (var text in sections.Values)
        {
            md.AppendLine();
            md.Append(text.TrimEnd('\n', '\r'));
            md.AppendLine();
        }
        File.WriteAllText(resultsPath, md.ToString());
        Console.WriteLine($"Wrote {resultsPath}");
    }

    const string ThreadsHeading = "## Kiln.Threads.Max ";

    /// <summary>The per-thread-setting sections of an existing results file (older files without sections give none).</summary>
    static IEnumerable<(int Threads, string Text)> ThreadSections(string markdown)
    {
        var parts = markdown.Split("\n" + ThreadsHeading);
        for (int i = 1; i < parts.Length; i++)
        {
            int end = parts[i].IndexOf('\n');
            if (end > 0 && int.TryParse(parts[i][..end].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int threads))
                yield return (threads, ThreadsHeading + parts[i]);
        }
    }

    /// <summary>Steps a fresh process times for the first-steps column.</summary>
    public const int ColdSteps = 20;
    const string ColdMarker = "cold-median-seconds:";

    static string FormatOptional(double? seconds) => seconds is double s ? Measurement.FormatSeconds(s) : "-";
    static string OptionalRatio(double? cold, double steady) => cold is double c ? Ratio(c / steady) : "-";

    /// <summary>
    /// Runs this bench again as a child process (same executable, same --threads, same environment) that builds one
    /// workload and times its first <see cref="ColdSteps"/> steps in one mode: in this process the kernels are
    /// already compiled by the earlier workloads, so only a fresh process shows what a user's first steps cost.
    /// </summary>
    static double? ColdStart(string workload, string mode)
    {
        string[] own = Environment.GetCommandLineArgs();
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        // Under `dotnet Kiln.Bench.dll` the first argument is the assembly; an apphost needs none.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(own[0]);
        start.ArgumentList.Add("--cold");
        start.ArgumentList.Add(workload);
        start.ArgumentList.Add(mode);
        start.ArgumentList.Add("--threads");
        start.ArgumentList.Add(Kiln.Threads.Max.ToString(CultureInfo.InvariantCulture));
        using var child = Process.Start(start);
        if (child is null) return null;
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        foreach (var line in output.Split('\n'))
            if (line.StartsWith(ColdMarker, StringComparison.Ordinal))
                return double.Parse(line[ColdMarker.Length..], CultureInfo.InvariantCulture);
        return null;
    }

    /// <summary>The child side of <see cref="ColdStart"/>: prints the median of the first steps of one workload in one mode.</summary>
    public static void RunCold(string workloadName, string mode, int steps = ColdSteps)
    {
        var workload = All().Single(w => w.Name == workloadName);
        var comparison = workload.Create();
        Func<float> step = mode == "static" ? comparison.StaticStep : comparison.DynamicStep;
        var samples = new List<double>(steps);
        var collections = new List<int>(steps);
        for (int i = 0; i < steps; i++)
        {
            long start = Stopwatch.GetTimestamp();
            step();
            samples.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            collections.Add(GC.CollectionCount(0));
        }
        // Every step's time, in milliseconds, for a reader (the parent reads only the median), and the steps after
        // which a garbage collection had happened (a first collection changes the cost of fresh allocations).
        Console.WriteLine("steps (ms): " + string.Join(" ", samples.Select(s => (s * 1e3).ToString("F2", CultureInfo.InvariantCulture))));
        Console.WriteLine("steps that ended with a new gen-0 collection: " +
            string.Join(" ", Enumerable.Range(0, steps).Where(i => collections[i] > (i == 0 ? 0 : collections[i - 1])).Select(i => (i + 1).ToString(CultureInfo.InvariantCulture))));
        Console.WriteLine(ColdMarker + Timing.From(samples.Take(ColdSteps).ToList()).Median.ToString("R", CultureInfo.InvariantCulture));
    }

    static string Ratio(double value) => value.ToString("F2", CultureInfo.InvariantCulture) + "x";

    /// <summary>
    /// Bytes the calling thread allocates per step, over about 0.2 s of steps (at least 10). The GEMM's worker
    /// threads are not counted; they reuse their packing buffers, and every tensor a step creates is created here.
    /// </summary>
    static long AllocatedBytesPerStep(Action step, Timing timing)
    {
        int steps = (int)Math.Clamp(0.2 / timing.Median, 10, 2000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < steps; i++) step();
        return (GC.GetAllocatedBytesForCurrentThread() - before) / steps;
    }

    static (string Ops, string Kernels) OpsAndKernels(string summary)
    {
        var match = ProgramLine().Match(summary);
        return match.Success ? (match.Groups[1].Value, match.Groups[2].Value) : ("?", "?");
    }

    [GeneratedRegex(@"^forward\+backward: (\d+) graph ops in (\d+) kernels", RegexOptions.Multiline)]
    private static partial Regex ProgramLine();
}
