using System.Runtime.CompilerServices;

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
/// Per thread (a pass runs on one thread) and element type, only arrays of at least 4096 elements (smaller ones are
/// cheap gen-0 allocations), at most 32 arrays and 64 MB held (the oldest make room for new ones). Forward results are never pooled:
/// the caller may keep any of them.
/// </remarks>
internal static class GradientPool
{
    /// <summary>A free float array of exactly <paramref name="length"/> elements (contents undefined), or null.</summary>
    public static float[]? TryRent(int length) => Free<float>.TryRent(length);

    /// <summary>Takes back a float array nothing references any more.</summary>
    public static void Return(float[] array) => Free<float>.Return(array);

    /// <summary>
    /// The same for saved indices a rule needs until its node is released (max pooling's argmax): the node hands them
    /// back when the reverse pass releases it, after which nothing can run the rule again.
    /// </summary>
    public static int[]? TryRentIndices(int length) => Free<int>.TryRent(length);

    /// <inheritdoc cref="TryRentIndices"/>
    public static void ReturnIndices(int[] array) => Free<int>.Return(array);
}

/// <summary>The free arrays of one element type, per thread.</summary>
file static class Free<T> where T : unmanaged
{
    const int MinimumLength = 4096;
    const long MaximumBytes = 64L << 20;
    const int MaximumArrays = 32;

    [ThreadStatic] static List<T[]>? free;
    [ThreadStatic] static long freeBytes;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T[]? TryRent(int length)
    {
        var list = free;
        if (list is null || length < MinimumLength) return null;
        for (int i = list.Count - 1; i >= 0; i--)
        {
            var array = list[i];
            if (array.Length != length) continue;
            list.RemoveAt(i); // keeps the rest oldest first, for Return's eviction
            freeBytes -= (long)length * Unsafe.SizeOf<T>();
            return array;
        }
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Return(T[] array)
    {
        if (array.Length < MinimumLength) return;
        long bytes = (long)array.Length * Unsafe.SizeOf<T>();
        if (bytes > MaximumBytes) return;
        var list = free ??= new List<T[]>(MaximumArrays);
        // Full: the oldest arrays go, so the shapes of the model training now win over those of one trained before
        // (else arrays no current op asks for would fill the pool for good and every gradient would be allocated again).
        while (list.Count >= MaximumArrays || freeBytes + bytes > MaximumBytes)
        {
            freeBytes -= (long)list[0].Length * Unsafe.SizeOf<T>();
            list.RemoveAt(0);
        }
        list.Add(array);
        freeBytes += bytes;
    }
}
