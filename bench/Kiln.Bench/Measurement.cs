using System.Diagnostics;

namespace Kiln.Bench;

/// <summary>Wall-clock statistics of one benchmark, in seconds per call.</summary>
public readonly record struct Timing(double Median, double Min, double Mean, int Runs);

public static class Measurement
{
    /// <summary>
    /// Runs <paramref name="action"/> until <paramref name="warmup"/> has elapsed (so tiered JIT and PGO have
    /// settled and the caches and scratch buffers are warm), then times single calls for about
    /// <paramref name="budget"/>, at least <paramref name="minRuns"/> of them. The median is the headline: the
    /// machine is shared, and the median ignores the calls another process interrupted.
    /// </summary>
    public static Timing Time(Action action, TimeSpan warmup, TimeSpan budget, int minRuns = 25)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < warmup) action();

        var samples = new List<double>(1024);
        clock.Restart();
        while (samples.Count < minRuns || clock.Elapsed < budget)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            samples.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            if (samples.Count >= 200_000) break;
        }
        samples.Sort();
        return new Timing(samples[samples.Count / 2], samples[0], samples.Average(), samples.Count);
    }

    public static string FormatSeconds(double seconds) => seconds switch
    {
        >= 1 => $"{seconds:F2} s",
        >= 1e-3 => $"{seconds * 1e3:F2} ms",
        _ => $"{seconds * 1e6:F1} µs",
    };
}
