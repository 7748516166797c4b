using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Kiln.Kernels;

/// <summary>
/// Elementwise loops the kernels call many times per step on short rows (col2im adds a row of OW floats per kernel
/// tap and output row; the convolution fills each output plane with its bias). They compute exactly what
/// <c>TensorPrimitives.Add</c> and <c>Span.Fill</c> compute (an elementwise add has one rounding whatever the
/// order), but are compiled fully optimised from their first call: a generic <c>TensorPrimitives</c>
/// instantiation starts as instrumented tier-0 code and stays there for the first seconds of a process (call
/// counting is delayed while new methods keep being compiled), which made col2im several times slower in the first
/// training steps.
/// </summary>
internal static class SpanLoops
{
    /// <summary>target[i] += x[i] for i &lt; target.Length (x at least as long).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddInPlace(Span<float> target, ReadOnlySpan<float> x)
    {
        int n = target.Length;
        if (x.Length < n) throw new ArgumentException($"SpanLoops.AddInPlace: {x.Length} addends for {n} floats.");
        ref float t = ref MemoryMarshal.GetReference(target);
        ref float s = ref MemoryMarshal.GetReference(x);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var sum = Vector.LoadUnsafe(ref t, (nuint)i) + Vector.LoadUnsafe(ref s, (nuint)i);
                sum.StoreUnsafe(ref t, (nuint)i);
            }
        for (; i < n; i++) Unsafe.Add(ref t, i) += Unsafe.Add(ref s, i);
    }

    /// <summary>Every element of <paramref name="target"/> set to <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fill(Span<float> target, float value)
    {
        int n = target.Length;
        ref float t = ref MemoryMarshal.GetReference(target);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var v = new Vector<float>(value);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count) v.StoreUnsafe(ref t, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref t, i) = value;
    }

    /// <summary>
    /// The largest element, as <c>TensorPrimitives.Max</c> gives it: NaN if any element is NaN, +0 over −0. For the
    /// short rows of a loss (one per sample), where the generic version's per-call cost dominated the first steps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Max(ReadOnlySpan<float> x)
    {
        if (x.IsEmpty) throw new ArgumentException("SpanLoops.Max: the span is empty.");
        float max = x[0];
        if (float.IsNaN(max)) return max;
        for (int i = 1; i < x.Length; i++)
        {
            float v = x[i];
            if (float.IsNaN(v)) return v;
            if (v > max || (v == max && float.IsNegative(max))) max = v;
        }
        return max;
    }

    /// <summary>
    /// target[i] += x[i] · factor (a multiply, then an add: the rounding of <c>TensorPrimitives.MultiplyAdd</c>), for the
    /// GEMM's row updates on small products, which run a few hundred times per RNN step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAddInPlace(Span<float> target, ReadOnlySpan<float> x, float factor)
    {
        int n = target.Length;
        if (x.Length < n) throw new ArgumentException($"SpanLoops.MultiplyAddInPlace: {x.Length} factors for {n} floats.");
        ref float t = ref MemoryMarshal.GetReference(target);
        ref float s = ref MemoryMarshal.GetReference(x);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var f = new Vector<float>(factor);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var sum = Vector.LoadUnsafe(ref s, (nuint)i) * f + Vector.LoadUnsafe(ref t, (nuint)i);
                sum.StoreUnsafe(ref t, (nuint)i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref t, i) += Unsafe.Add(ref s, i) * factor;
    }

    /// <summary>x[i] *= factor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(Span<float> x, float factor)
    {
        int n = x.Length;
        ref float t = ref MemoryMarshal.GetReference(x);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var f = new Vector<float>(factor);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count) (Vector.LoadUnsafe(ref t, (nuint)i) * f).StoreUnsafe(ref t, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref t, i) *= factor;
    }
}
