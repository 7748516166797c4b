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
/// training steps. The four arithmetic ops (<see cref="Apply{TOp}"/>, <see cref="ApplyScalar{TOp}"/>) serve the eager
/// tensor arithmetic and the in-place updates the same way.
/// </summary>
internal static class SpanLoops
{
    /// <summary>target[i] += x[i] for i &lt; target.Length (x at least as long).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddInPlace(Span<float> target, ReadOnlySpan<float> x)
    {
        int n = target.Length;
        if (x.Length < n) throw new ArgumentException($"SpanLoops.AddInPlace: {x.Length} addends for {n} floats.");
        Apply<AddOp>(target, x, target);
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
    public static void Scale(Span<float> x, float factor) => ApplyScalar<MultiplyOp>(x, factor, x);

    /// <summary>One IEEE operation on two floats, in scalar and vector form (the same bits lane by lane).</summary>
    public interface IArithmetic
    {
        static abstract float Apply(float x, float y);
        static abstract Vector<float> Apply(Vector<float> x, Vector<float> y);
    }

    public readonly struct AddOp : IArithmetic
    {
        public static float Apply(float x, float y) => x + y;
        public static Vector<float> Apply(Vector<float> x, Vector<float> y) => x + y;
    }

    public readonly struct SubtractOp : IArithmetic
    {
        public static float Apply(float x, float y) => x - y;
        public static Vector<float> Apply(Vector<float> x, Vector<float> y) => x - y;
    }

    public readonly struct MultiplyOp : IArithmetic
    {
        public static float Apply(float x, float y) => x * y;
        public static Vector<float> Apply(Vector<float> x, Vector<float> y) => x * y;
    }

    public readonly struct DivideOp : IArithmetic
    {
        public static float Apply(float x, float y) => x / y;
        public static Vector<float> Apply(Vector<float> x, Vector<float> y) => x / y;
    }

    /// <summary>TOp with its operands swapped: a scalar on the left (a − x[i], a / x[i]) through <see cref="ApplyScalar{TOp}"/>.</summary>
    public readonly struct Reversed<TOp> : IArithmetic where TOp : struct, IArithmetic
    {
        public static float Apply(float x, float y) => TOp.Apply(y, x);
        public static Vector<float> Apply(Vector<float> x, Vector<float> y) => TOp.Apply(y, x);
    }

    /// <summary>dst[i] = x[i] op y[i] for i &lt; dst.Length (x and y at least as long).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> dst) where TOp : struct, IArithmetic
    {
        int n = dst.Length;
        if (x.Length < n || y.Length < n) throw new ArgumentException($"Elementwise: operands of {x.Length} and {y.Length} floats for {n} results.");
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        ref float d = ref MemoryMarshal.GetReference(dst);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                TOp.Apply(Vector.LoadUnsafe(ref xs, (nuint)i), Vector.LoadUnsafe(ref ys, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref d, i) = TOp.Apply(Unsafe.Add(ref xs, i), Unsafe.Add(ref ys, i));
    }

    /// <summary>dst[i] = x[i] op y for i &lt; dst.Length (x at least as long).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ApplyScalar<TOp>(ReadOnlySpan<float> x, float y, Span<float> dst) where TOp : struct, IArithmetic
    {
        int n = dst.Length;
        if (x.Length < n) throw new ArgumentException($"Elementwise: an operand of {x.Length} floats for {n} results.");
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float d = ref MemoryMarshal.GetReference(dst);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var yv = new Vector<float>(y);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                TOp.Apply(Vector.LoadUnsafe(ref xs, (nuint)i), yv).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref d, i) = TOp.Apply(Unsafe.Add(ref xs, i), y);
    }
}
