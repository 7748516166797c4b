using System.Diagnostics;
using System.Globalization;
using System.Text;
using Kiln.Compiled;
using Kiln.Data;
using Kiln.Nn;
using Kiln.Optim;

namespace Kiln;

/// <summary>
/// Runs a model's dynamic mode (the tape) and static mode (its generated graph) side by side from identical initial
/// weights: two instances of the model, the second loaded with the first's state dict, each with its own optimizer
/// from the same factory, step through the same batches in lockstep. Each step records both losses and how far the
/// static gradients are from the dynamic ones (before either optimizer steps), the time of each step (zero_grad,
/// loss, gradients, optimizer step; the comparison itself is not timed) and the bytes it allocated on this thread.
/// <code>
/// var result = Compare.Run(() =&gt; new Mlp(), (m, b) =&gt; m.Loss(b.Features, b.Labels),
///     (m, b) =&gt; m.LossGraph.ForwardBackward(b.Features, b.Labels), p =&gt; new Sgd(p, lr: 0.1f),
///     loader, steps: 50, graph: m =&gt; m.LossGraph);
/// result.Print();
/// </code>
/// </summary>
public static class Compare
{
    /// <param name="createModel">Builds a model; called twice, and the second instance gets the first's weights.</param>
    /// <param name="dynamicLoss">The loss on the tape (e.g. the [Compile] method called directly); Compare calls Backward.</param>
    /// <param name="staticLoss">The loss through the graph, accumulating the gradients into the parameters' Grad
    /// (e.g. <c>LossGraph.ForwardBackward</c>).</param>
    /// <param name="createOptimizer">Builds an optimizer over a model's parameters; called once per mode.</param>
    /// <param name="batches">The batches, taken in order; enumerated again (a new epoch of a loader) when they run out.</param>
    /// <param name="steps">How many steps each mode trains.</param>
    /// <param name="graph">The static model's graph, for its op and kernel counts and arena bytes.</param>
    /// <param name="warmupSteps">Steps left out of the time and allocation medians (JIT, arena planning).</param>
    /// <param name="name">The title of the report.</param>
    public static CompareResult Run<TModel>(
        Func<TModel> createModel,
        Func<TModel, Batch, Tensor> dynamicLoss,
        Func<TModel, Batch, Tensor> staticLoss,
        Func<IEnumerable<Tensor>, Optimizer> createOptimizer,
        IEnumerable<Batch> batches,
        int steps,
        Func<TModel, CompiledGraph>? graph = null,
        int warmupSteps = 3,
        string? name = null)
        where TModel : Module
    {
        ArgumentNullException.ThrowIfNull(createModel);
        ArgumentNullException.ThrowIfNull(dynamicLoss);
        ArgumentNullException.ThrowIfNull(staticLoss);
        ArgumentNullException.ThrowIfNull(createOptimizer);
        ArgumentNullException.ThrowIfNull(batches);
        if (steps <= 0) throw new ArgumentOutOfRangeException(nameof(steps), $"Compare: steps must be positive, got {steps}.");
        if (warmupSteps < 0 || warmupSteps >= steps)
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), $"Compare: warmupSteps must be in [0, {steps}), got {warmupSteps}.");

        var dynamicModel = createModel();
        var staticModel = createModel();
        if (ReferenceEquals(dynamicModel, staticModel)) throw new ArgumentException("Compare: createModel must build a new model on each call.", nameof(createModel));
        staticModel.LoadStateDict(dynamicModel.StateDict());
        var parameterNames = dynamicModel.NamedParameters().Select(p => p.Name).ToArray();
        var dynamicParameters = dynamicModel.Parameters().ToArray<Tensor>();
        var staticParameters = staticModel.Parameters().ToArray<Tensor>();
        var dynamicOptimizer = createOptimizer(dynamicParameters);
        var staticOptimizer = createOptimizer(staticParameters);

        var dynamicMode = new Mode(steps);
        var staticMode = new Mode(steps);
        double worstGradient = 0;
        int worstGradientStep = -1;
        string? worstGradientParameter = null;
        using var source = new BatchSource(batches);
        for (int t = 0; t < steps; t++)
        {
            var batch = source.Next();
            dynamicMode.Forward(t, () =>
            {
                dynamicOptimizer.ZeroGrad();
                var loss = dynamicLoss(dynamicModel, batch);
                loss.Backward();
                return loss.Item();
            });
            staticMode.Forward(t, () =>
            {
                staticOptimizer.ZeroGrad();
                return staticLoss(staticModel, batch).Item();
            });
            for (int p = 0; p < dynamicParameters.Length; p++)
            {
                double difference = GradientDifference(dynamicParameters[p].Grad, staticParameters[p].Grad);
                if (difference > worstGradient || worstGradientStep < 0)
                    (worstGradient, worstGradientStep, worstGradientParameter) = (difference, t, parameterNames[p]);
            }
            dynamicMode.Update(t, dynamicOptimizer.Step);
            staticMode.Update(t, staticOptimizer.Step);
        }

        var programs = new List<CompareProgram>();
        if (graph is not null)
        {
            var compiled = graph(staticModel);
            foreach (var program in compiled.Programs)
                programs.Add(new CompareProgram(program.Name, program.OpCount, program.KernelCount, compiled.PlannedArenaBytes(program.Name)));
        }
        int worstLossStep = Enumerable.Range(0, steps).MaxBy(t => Relative(dynamicMode.Losses[t], staticMode.Losses[t]));
        return new CompareResult(
            name ?? typeof(TModel).Name, steps, warmupSteps, dynamicMode.Losses, staticMode.Losses,
            Relative(dynamicMode.Losses[worstLossStep], staticMode.Losses[worstLossStep]), worstLossStep,
            worstGradient, worstGradientStep, worstGradientParameter ?? "",
            dynamicMode.MedianMicroseconds(warmupSteps), staticMode.MedianMicroseconds(warmupSteps),
            dynamicMode.MedianBytes(warmupSteps), staticMode.MedianBytes(warmupSteps), programs);
    }

    /// <summary>
    /// "static 1.8x faster" or "static 1.05x slower" from the two times per step: the ratio is always the larger time
    /// over the smaller, with two decimals below 1.1x so that a small difference never prints as "1.0x" in either direction.
    /// </summary>
    public static string SpeedNote(double dynamicMicroseconds, double staticMicroseconds)
    {
        if (!(dynamicMicroseconds > 0) || !(staticMicroseconds > 0)) return "";
        if (dynamicMicroseconds == staticMicroseconds) return "same time";
        bool faster = staticMicroseconds < dynamicMicroseconds;
        double ratio = faster ? dynamicMicroseconds / staticMicroseconds : staticMicroseconds / dynamicMicroseconds;
        string formatted = ratio.ToString(ratio < 1.1 ? "F2" : "F1", CultureInfo.InvariantCulture);
        return $"static {formatted}x {(faster ? "faster" : "slower")}";
    }

    /// <summary>|a − b| relative to |a|; 0 when both are zero, infinity when only one is or either is not finite.</summary>
    static double Relative(float expected, float actual)
    {
        if (expected == actual) return 0;
        if (!float.IsFinite(expected) || !float.IsFinite(actual) || expected == 0) return double.PositiveInfinity;
        return Math.Abs((double)expected - actual) / Math.Abs((double)expected);
    }

    /// <summary>
    /// The largest elementwise difference relative to the dynamic gradient's largest magnitude: an element near zero
    /// cannot be compared relative to itself after a different, equally valid, summation order.
    /// </summary>
    static double GradientDifference(Tensor? expected, Tensor? actual)
    {
        if (expected is null && actual is null) return 0;
        if (expected is null || actual is null || expected.Count != actual.Count) return double.PositiveInfinity;
        ReadOnlySpan<float> e = expected.Data, a = actual.Data;
        double scale = 0, largest = 0;
        for (int i = 0; i < e.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(e[i]));
            double d = Math.Abs((double)e[i] - a[i]);
            if (double.IsNaN(d)) return double.PositiveInfinity;
            largest = Math.Max(largest, d);
        }
        return largest == 0 ? 0 : scale == 0 ? double.PositiveInfinity : largest / scale;
    }

    /// <summary>One mode's per-step losses, times and allocations; a step is timed in two parts around the comparison.</summary>
    sealed class Mode(int steps)
    {
        public readonly float[] Losses = new float[steps];
        readonly double[] microseconds = new double[steps];
        readonly long[] bytes = new long[steps];

        public void Forward(int step, Func<float> run)
        {
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            Losses[step] = run();
            microseconds[step] += Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            bytes[step] += GC.GetAllocatedBytesForCurrentThread() - allocated;
        }

        public void Update(int step, Action run)
        {
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            run();
            microseconds[step] += Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            bytes[step] += GC.GetAllocatedBytesForCurrentThread() - allocated;
        }

        public double MedianMicroseconds(int skip) => Median(microseconds.Skip(skip).ToArray());

        public long MedianBytes(int skip) => (long)Median(bytes.Skip(skip).Select(b => (double)b).ToArray());

        static double Median(double[] values)
        {
            Array.Sort(values);
            int middle = values.Length / 2;
            return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
        }
    }

    /// <summary>The batches in order, starting over (a new epoch) when they run out.</summary>
    sealed class BatchSource(IEnumerable<Batch> batches) : IDisposable
    {
        IEnumerator<Batch> enumerator = batches.GetEnumerator();

        public Batch Next()
        {
            if (enumerator.MoveNext()) return enumerator.Current;
            enumerator.Dispose();
            enumerator = batches.GetEnumerator();
            if (!enumerator.MoveNext()) throw new ArgumentException("Compare: the batch source yields no batches.", nameof(batches));
            return enumerator.Current;
        }

        public void Dispose() => enumerator.Dispose();
    }
}

/// <summary>One program of the compiled graph: graph ops, the fused kernels they became, and its largest planned arena.</summary>
public sealed record CompareProgram(string Name, int Ops, int Kernels, long ArenaBytes);

/// <summary>What <see cref="Compare.Run"/> measured; <see cref="ToString"/> is the side-by-side table.</summary>
public sealed record CompareResult(
    string Name,
    int Steps,
    int WarmupSteps,
    IReadOnlyList<float> DynamicLosses,
    IReadOnlyList<float> StaticLosses,
    double MaxLossDifference,
    int WorstLossStep,
    double MaxGradientDifference,
    int WorstGradientStep,
    string WorstGradientParameter,
    double DynamicMicrosecondsPerStep,
    double StaticMicrosecondsPerStep,
    long DynamicBytesPerStep,
    long StaticBytesPerStep,
    IReadOnlyList<CompareProgram> Programs)
{
    /// <summary>Whether every step's loss and every gradient agree within <paramref name="tolerance"/> (relative).</summary>
    public bool Agrees(double tolerance = 1e-4) => MaxLossDifference <= tolerance && MaxGradientDifference <= tolerance;

    /// <summary>Dynamic time per step over static time per step.</summary>
    public double Speedup => DynamicMicrosecondsPerStep / StaticMicrosecondsPerStep;

    /// <summary>Writes the table to <paramref name="writer"/> (the console by default).</summary>
    public void Print(TextWriter? writer = null) => (writer ?? Console.Out).Write(ToString());

    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        void Row(string label, string dynamicValue, string staticValue, string note = "") =>
            sb.Append(c, $"  {label,-18}{dynamicValue,18}{staticValue,18}").Append(note.Length > 0 ? "   " + note : "").Append('\n');

        sb.Append(c, $"{Name}: dynamic (tape) vs static (graph), same initial weights, {Steps} steps; medians over the last {Steps - WarmupSteps} (after {WarmupSteps} warm-up)\n");
        Row("", "dynamic", "static");
        Row("loss, first step", DynamicLosses[0].ToString("G6", c), StaticLosses[0].ToString("G6", c));
        Row("loss, last step", DynamicLosses[^1].ToString("G6", c), StaticLosses[^1].ToString("G6", c));
        Row("time / step", DynamicMicrosecondsPerStep.ToString("N0", c) + " µs", StaticMicrosecondsPerStep.ToString("N0", c) + " µs",
            Compare.SpeedNote(DynamicMicrosecondsPerStep, StaticMicrosecondsPerStep));
        Row("allocated / step", DynamicBytesPerStep.ToString("N0", c) + " B", StaticBytesPerStep.ToString("N0", c) + " B");
        sb.Append(c, $"  agreement         loss: max relative difference {MaxLossDifference:0.0e+00} (step {WorstLossStep}); ")
          .Append(c, $"gradients: max relative difference {MaxGradientDifference:0.0e+00} ({WorstGradientParameter}, step {WorstGradientStep})\n");
        foreach (var p in Programs)
            sb.Append(c, $"  graph {p.Name}: {p.Ops} ops -> {p.Kernels} fused kernels, arena ")
              .Append(p.ArenaBytes > 0 ? p.ArenaBytes.ToString("N0", c) + " bytes" : "not planned (not called)").Append('\n');
        return sb.ToString();
    }
}
