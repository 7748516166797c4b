using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Kiln.Kernels;

/// <summary>
/// Fused gradients of the pointwise activations. Each performs the float operations of the op-by-op rule it
/// replaces, in the same order and with the same roundings, without temporaries. The destination may be the
/// gradient's own buffer but must not overlap x or y (the sigmoid, tanh and square gradients stage there).
/// </summary>
public static class Activation
{
    /// <summary>1 where x &gt; threshold, else 0 (NaN gives 0).</summary>
    public static void GreaterThanMask(ReadOnlySpan<float> x, float threshold, Span<float> destination)
    {
        CheckLengths(x.Length, x.Length, destination.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var t = new Vector<float>(threshold);
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref float d = ref MemoryMarshal.GetReference(destination);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
                Vector.ConditionalSelect(Vector.GreaterThan<float>(Vector.LoadUnsafe(ref xs, (nuint)i), t), Vector<float>.One, Vector<float>.Zero)
                    .StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < x.Length; i++) destination[i] = x[i] > threshold ? 1f : 0f;
    }

    /// <summary>
    /// Gradient of relu: g · (x &gt; 0 ? 1 : 0). It multiplies by the mask rather than selecting, so where x ≤ 0 a
    /// negative g gives −0 and an infinite or NaN g gives NaN, exactly as g times a 0/1 mask tensor does.
    /// </summary>
    public static void ReluBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, Span<float> gradInput)
    {
        CheckLengths(gradOutput.Length, x.Length, gradInput.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref float gs = ref MemoryMarshal.GetReference(gradOutput);
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref float d = ref MemoryMarshal.GetReference(gradInput);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var mask = Vector.ConditionalSelect(Vector.GreaterThan<float>(Vector.LoadUnsafe(ref xs, (nuint)i), Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero);
                (Vector.LoadUnsafe(ref gs, (nuint)i) * mask).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < x.Length; i++) gradInput[i] = gradOutput[i] * (x[i] > 0f ? 1f : 0f);
    }

    /// <summary>Gradient of clamp: g · (min ≤ x ≤ max ? 1 : 0), multiplying by the mask as <see cref="ReluBackward"/> does.</summary>
    public static void ClampBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, float min, float max, Span<float> gradInput)
    {
        CheckLengths(gradOutput.Length, x.Length, gradInput.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var lo = new Vector<float>(min);
            var hi = new Vector<float>(max);
            ref float gs = ref MemoryMarshal.GetReference(gradOutput);
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref float d = ref MemoryMarshal.GetReference(gradInput);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var xv = Vector.LoadUnsafe(ref xs, (nuint)i);
                var inside = Vector.GreaterThanOrEqual<float>(xv, lo) & Vector.LessThanOrEqual<float>(xv, hi);
                var mask = Vector.ConditionalSelect(inside, Vector<float>.One, Vector<float>.Zero);
                (Vector.LoadUnsafe(ref gs, (nuint)i) * mask).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < x.Length; i++) gradInput[i] = gradOutput[i] * (x[i] >= min && x[i] <= max ? 1f : 0f);
    }

    /// <summary>Gradient of sigmoid from its output y: g · (y · (1 − y)).</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> y, Span<float> gradInput)
    {
        CheckLengths(gradOutput.Length, y.Length, gradInput.Length);
        TensorPrimitives.Subtract(1f, y, gradInput);
        TensorPrimitives.Multiply(y, gradInput, gradInput);
        TensorPrimitives.Multiply(gradOutput, gradInput, gradInput);
    }

    /// <summary>Gradient of tanh from its output y: g · (1 − y · y).</summary>
    public static void TanhBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> y, Span<float> gradInput)
    {
        CheckLengths(gradOutput.Length, y.Length, gradInput.Length);
        TensorPrimitives.Multiply(y, y, gradInput);
        TensorPrimitives.Subtract(1f, gradInput, gradInput);
        TensorPrimitives.Multiply(gradOutput, gradInput, gradInput);
    }

    /// <summary>Gradient of x²: g · (x · 2).</summary>
    public static void SquareBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, Span<float> gradInput)
    {
        CheckLengths(gradOutput.Length, x.Length, gradInput.Length);
        TensorPrimitives.Multiply(x, 2f, gradInput);
        TensorPrimitives.Multiply(gradOutput, gradInput, gradInput);
    }

    static void CheckLengths(int gradOutput, int x, int destination)
    {
        if (gradOutput != x || destination != x)
            throw new ArgumentException($"Activation: lengths differ (gradient {gradOutput}, input {x}, destination {destination}).");
    }
}
