using System.Diagnostics;

namespace Kiln.Bench;

/// <summary>Wall-clock statistics of one benchmark, in seconds per call.</summary>
public readonly record struct Timing(double Median, double Min, double Mean, int Runs)
{
    public static Timing From(List<double> samples)
    {
        samples.Sort();
        return new Timing(samples[samples.Count / 2], samples[0], samples.Average(), samples.Count);
    }
}

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
        WarmUp(action, warmup);
        return Timing.From(Sample(action, budget, minRuns));
    }

    public static void WarmUp(Action action, TimeSpan warmup)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < warmup) action();
    }

    /// <summary>Times single calls for about <paramref name="budget"/>, at least <paramref name="minRuns"/> of them.</summary>
    public static List<double> Sample(Action action, TimeSpan budget, int minRuns = 25)
    {
        var samples = new List<double>(1024);
        var clock = Stopwatch.StartNew();
        while (samples.Count < minRuns || clock.Elapsed < budget)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            samples.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            if (samples.Count >= 200_000) break;
        }
        return samples;
    }

    /// <summary>
    /// Times two actions in alternating slices of <paramref name="budget"/> / <paramref name="rounds"/> each, after
    /// warming both up: on a shared machine the load drifts, and interleaving exposes both to the same drift, so
    /// their ratio means more than two back-to-back measurements would.
    /// </summary>
    public static (Timing First, Timing Second) TimeInterleaved(Action first, Action second, TimeSpan warmup, TimeSpan budget, int rounds = 4, int minRuns = 25)
    {
        WarmUp(first, warmup);
        WarmUp(second, warmup);
        var slice = budget / rounds;
        int minPerSlice = (minRuns + rounds - 1) / rounds;
        var a = new List<double>();
        var b = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            a.AddRange(Sample(first, slice, minPerSlice));
            b.AddRange(Sample(second, slice, minPerSlice));
        }
        return (Timing.From(a), Timing.From(b));
    }

    public static string FormatSeconds(double seconds) => seconds switch
    {
        >= 1 => $"{seconds:F2} s",
        >= 1e-3 => $"{seconds * 1e3:F2} ms",
        _ => $"{seconds * 1e6:F1} µs",
    };
}
