namespace Kiln.Tests.Shared;

/// <summary>Measures what a call allocates once it has reached its steady state.</summary>
public static class SteadyState
{
    /// <summary>
    /// The fewest bytes <paramref name="call"/> allocated on this thread over <paramref name="callsPerWindow"/> calls,
    /// across several windows after a warm-up. A single window can catch one-off runtime work (tiered JIT
    /// installing rejitted code, a first-time type load); an allocation made by every call shows in every window.
    /// </summary>
    public static long AllocatedBytes(Action call, int warmupCalls = 50, int windows = 10, int callsPerWindow = 5)
    {
        for (int i = 0; i < warmupCalls; i++) call();
        long fewest = long.MaxValue;
        for (int w = 0; w < windows && fewest > 0; w++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < callsPerWindow; i++) call();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewest;
    }
}
