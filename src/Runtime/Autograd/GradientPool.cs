namespace Kiln;

/// <summary>
/// Reuses the storage of the reverse pass's intermediate gradients. A gradient the engine owns (a built-in rule's
/// fresh result, see <see cref="GradNode.FreshGradients"/>) is dead once the rule it was passed to has run, or once it
/// has been added into another gradient or a leaf's <c>Grad</c>: nothing else references its array. The engine hands
/// such arrays back here, and the result buffers the rules allocate during a backward pass
/// (<see cref="Ops.Uninitialized"/>) come from here when one of the same length is free. A convolutional net's
/// backward pass allocates its [N, C, H, W] gradients once instead of every step (W6: ~11 MB per step, arrays of up to
/// 3.2 MB that would otherwise land on the large-object heap and force gen-2 collections).
/// </summary>
/// <remarks>
/// Per thread (a pass runs on one thread), only arrays of at least <see cref="MinimumLength"/> floats (smaller ones are
/// cheap gen-0 allocations) and at most <see cref="MaximumBytes"/> held in all. Forward results are never pooled:
/// the caller may keep any of them.
/// </remarks>
internal static class GradientPool
{
    const int MinimumLength = 4096;
    const long MaximumBytes = 64L << 20;
    const int MaximumArrays = 32;

    [ThreadStatic] static List<float[]>? free;
    [ThreadStatic] static long freeBytes;

    /// <summary>A free array of exactly <paramref name="length"/> floats (contents undefined), or null.</summary>
    public static float[]? TryRent(int length)
    {
        var list = free;
        if (list is null || length < MinimumLength) return null;
        for (int i = list.Count - 1; i >= 0; i--)
        {
            var array = list[i];
            if (array.Length != length) continue;
            list[i] = list[^1];
            list.RemoveAt(list.Count - 1);
            freeBytes -= (long)length * sizeof(float);
            return array;
        }
        return null;
    }

    /// <summary>Takes back an array nothing references any more.</summary>
    public static void Return(float[] array)
    {
        if (array.Length < MinimumLength) return;
        long bytes = (long)array.Length * sizeof(float);
        var list = free ??= new List<float[]>(MaximumArrays);
        if (list.Count >= MaximumArrays || freeBytes + bytes > MaximumBytes) return;
        list.Add(array);
        freeBytes += bytes;
    }
}
