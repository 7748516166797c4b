namespace Kiln;

/// <summary>
/// The one bound on the threads Kiln's kernels use: every parallel kernel — the GEMM's strips, the eager
/// convolution's and the generated code's (<see cref="Compiled.ChunkedConvolution"/>) batch chunks — runs on at most
/// <see cref="Max"/> threads, the caller's included. <c>Threads.Max = 1</c> (or <see cref="Set"/>(1)) keeps every
/// kernel on the calling thread, so "one thread" means one core. Defaults to <see cref="Environment.ProcessorCount"/>
/// (which honours <c>DOTNET_PROCESSOR_COUNT</c>).
/// </summary>
/// <remarks>
/// Read at each call, so a change applies to the next kernel. A compiled graph sizes its convolution scratch for the
/// chunk count of the moment its arena is planned; raising the bound afterwards leaves those convolutions serial
/// (never wrong), lowering it just uses fewer chunks.
/// </remarks>
public static class Threads
{
    static int max = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Threads a parallel kernel may use, the caller's included; at least 1.</summary>
    public static int Max
    {
        get => Volatile.Read(ref max);
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "Threads.Max: at least one thread is needed.");
            Volatile.Write(ref max, value);
        }
    }

    /// <summary>Sets <see cref="Max"/>.</summary>
    public static void Set(int count) => Max = count;
}
