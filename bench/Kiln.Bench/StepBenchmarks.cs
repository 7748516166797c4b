namespace Kiln.Bench;

/// <summary>
/// One training step of a workload in one execution mode. <paramref name="Mode"/> is "eager" for the dynamic
/// runtime; the generator's compiled graphs add "static" rows for the same workloads, so the table lines them up.
/// <paramref name="CreateStep"/> builds fresh state (data, parameters, optimizer) and returns the step to time.
/// </summary>
public sealed record StepBenchmark(string Workload, string Mode, Func<Action> CreateStep);

public static class StepBenchmarks
{
    /// <summary>Every step benchmark; a new mode registers its rows here.</summary>
    public static IEnumerable<StepBenchmark> All() => EagerSteps.All();

    public static void Run(TimeSpan warmup, TimeSpan budget, string? filter)
    {
        // The mean includes the garbage collections the steps' allocations cause; the ratio uses medians, as PyTorch's reference does.
        Console.WriteLine($"Training steps (wall time per step; PyTorch: median, 1 thread, from {PyTorchReference.Source})");
        Console.WriteLine($"  {"workload",-28} {"mode",-7} {"median",10} {"mean",10} {"min",10} {"runs",7} {"PyTorch",10} {"PyTorch/Kiln",12}");
        foreach (var bench in All())
        {
            if (filter is not null && !bench.Workload.Contains(filter, StringComparison.OrdinalIgnoreCase)) continue;
            var step = bench.CreateStep();
            var timing = Measurement.Time(step, warmup, budget);
            string reference = "", ratio = "";
            if (PyTorchReference.StepSeconds(bench.Workload) is double torch)
            {
                reference = Measurement.FormatSeconds(torch);
                ratio = $"{torch / timing.Median:F2}x";
            }
            Console.WriteLine($"  {bench.Workload,-28} {bench.Mode,-7} {Measurement.FormatSeconds(timing.Median),10} {Measurement.FormatSeconds(timing.Mean),10} {Measurement.FormatSeconds(timing.Min),10} {timing.Runs,7} {reference,10} {ratio,12}");
        }
        Console.WriteLine();
    }
}
