using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Kiln.Kernels;

public enum BinaryOp { Add, Subtract, Multiply, Divide }

/// <summary>Broadcasting elementwise maps and the reductions that undo broadcasting in gradients.</summary>
public static class Elementwise
{
    /// <summary>out = a ∘ b where both shapes broadcast to <paramref name="outShape"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Binary(BinaryOp op, ReadOnlySpan<float> a, int[] aShape, ReadOnlySpan<float> b, int[] bShape, Span<float> result, int[] outShape)
    {
        if (a.Length == result.Length && b.Length == result.Length)
        {
            Apply(op, a, b, result);
            return;
        }
        if (b.Length == 1 && a.Length == result.Length)
        {
            ApplyScalarRight(op, a, b[0], result);
            return;
        }
        if (a.Length == 1 && b.Length == result.Length)
        {
            ApplyScalarLeft(op, a[0], b, result);
            return;
        }
        if (result.Length == 0) return;

        int rank = outShape.Length;
        // Bias adds and other broadcasts run every step: keep their bookkeeping on the stack.
        Span<int> aStrides = rank <= 16 ? stackalloc int[rank] : new int[rank];
        Span<int> bStrides = rank <= 16 ? stackalloc int[rank] : new int[rank];
        Span<int> index = rank <= 16 ? stackalloc int[rank] : new int[rank];
        index.Clear();
        BroadcastStrides(aShape, outShape, aStrides);
        BroadcastStrides(bShape, outShape, bStrides);
        int inner = outShape[rank - 1];
        int rows = result.Length / Math.Max(inner, 1);
        int aInner = aStrides[rank - 1], bInner = bStrides[rank - 1];
        for (int row = 0; row < rows; row++)
        {
            int aOff = 0, bOff = 0;
            for (int d = 0; d < rank - 1; d++)
            {
                aOff += index[d] * aStrides[d];
                bOff += index[d] * bStrides[d];
            }
            var dst = result.Slice(row * inner, inner);
            if (aInner == 1 && bInner == 1) Apply(op, a.Slice(aOff, inner), b.Slice(bOff, inner), dst);
            else if (aInner == 1) ApplyScalarRight(op, a.Slice(aOff, inner), b[bOff], dst);
            else if (bInner == 1) ApplyScalarLeft(op, a[aOff], b.Slice(bOff, inner), dst);
            else dst.Fill(Scalar(op, a[aOff], b[bOff]));
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++index[d] < outShape[d]) break;
                index[d] = 0;
            }
        }
    }

    /// <summary>Strides of <paramref name="shape"/> viewed at <paramref name="outShape"/>: 0 along broadcast dimensions.</summary>
    public static int[] BroadcastStrides(int[] shape, int[] outShape)
    {
        var strides = new int[outShape.Length];
        BroadcastStrides(shape, outShape, strides);
        return strides;
    }

    static void BroadcastStrides(int[] shape, int[] outShape, Span<int> strides)
    {
        int rank = outShape.Length, offset = rank - shape.Length;
        strides[..offset].Clear();
        int s = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            strides[d + offset] = shape[d] == 1 ? 0 : s;
            s *= shape[d];
        }
    }

    static float Scalar(BinaryOp op, float x, float y) => op switch
    {
        BinaryOp.Add => x + y,
        BinaryOp.Subtract => x - y,
        BinaryOp.Multiply => x * y,
        _ => x / y,
    };

    // The four arithmetic ops run in Kiln's own loops (SpanLoops), not TensorPrimitives': its generic instantiations are
    // jitted as tier-0 code first and stay so for the first seconds of a process (call counting waits while new methods
    // keep being compiled), which left a tensor-style training step's elementwise passes over 100 000-float weights
    // running unoptimised, with Vector512.Load as a call. One IEEE operation per element: the same bits as TensorPrimitives.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Apply(BinaryOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> dst)
    {
        switch (op)
        {
            case BinaryOp.Add: SpanLoops.Apply<SpanLoops.AddOp>(x, y, dst); break;
            case BinaryOp.Subtract: SpanLoops.Apply<SpanLoops.SubtractOp>(x, y, dst); break;
            case BinaryOp.Multiply: SpanLoops.Apply<SpanLoops.MultiplyOp>(x, y, dst); break;
            default: SpanLoops.Apply<SpanLoops.DivideOp>(x, y, dst); break;
        }
    }

    /// <summary>dst[i] = x[i] op y, as <c>TensorPrimitives</c>' span-scalar overloads compute it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ApplyScalarRight(BinaryOp op, ReadOnlySpan<float> x, float y, Span<float> dst)
    {
        switch (op)
        {
            case BinaryOp.Add: SpanLoops.ApplyScalar<SpanLoops.AddOp>(x, y, dst); break;
            case BinaryOp.Subtract: SpanLoops.ApplyScalar<SpanLoops.SubtractOp>(x, y, dst); break;
            case BinaryOp.Multiply: SpanLoops.ApplyScalar<SpanLoops.MultiplyOp>(x, y, dst); break;
            default: SpanLoops.ApplyScalar<SpanLoops.DivideOp>(x, y, dst); break;
        }
    }

    /// <summary>dst[i] = x op y[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ApplyScalarLeft(BinaryOp op, float x, ReadOnlySpan<float> y, Span<float> dst)
    {
        switch (op)
        {
            case BinaryOp.Add: SpanLoops.ApplyScalar<SpanLoops.AddOp>(y, x, dst); break;
            case BinaryOp.Subtract: SpanLoops.ApplyScalar<SpanLoops.Reversed<SpanLoops.SubtractOp>>(y, x, dst); break;
            case BinaryOp.Multiply: SpanLoops.ApplyScalar<SpanLoops.MultiplyOp>(y, x, dst); break;
            default: SpanLoops.ApplyScalar<SpanLoops.Reversed<SpanLoops.DivideOp>>(y, x, dst); break;
        }
    }

    /// <summary>Sums <paramref name="src"/> (shape <paramref name="shape"/>) over one dimension, keeping it as size 1.</summary>
    public static float[] SumDim(ReadOnlySpan<float> src, int[] shape, int dim)
    {
        var (outer, size, inner) = ShapeUtil.SplitAt(shape, dim);
        var result = new float[outer * inner];
        SumDim(src, outer, size, inner, result);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SumDim(ReadOnlySpan<float> src, int outer, int size, int inner, Span<float> result)
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) result[o] = TensorPrimitives.Sum(src.Slice(o * size, size));
            return;
        }
        result[..(outer * inner)].Clear();
        for (int o = 0; o < outer; o++)
        {
            var dst = result.Slice(o * inner, inner);
            for (int r = 0; r < size; r++) SpanLoops.AddInPlace(dst, src.Slice((o * size + r) * inner, inner));
        }
    }

    /// <summary>Reduces a broadcast result back to <paramref name="target"/> by summing the broadcast dimensions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float[] SumToShape(float[] src, int[] shape, int[] target)
    {
        if (ShapeUtil.SameShape(shape, target)) return src;
        if (ShapeUtil.CountInt(target) == 1) return new[] { TensorPrimitives.Sum(src) };
        int offset = shape.Length - target.Length;
        var current = src;
        var currentShape = (int[])shape.Clone();
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            int targetDim = d - offset >= 0 ? target[d - offset] : 1;
            if (targetDim == 1 && currentShape[d] != 1)
            {
                current = SumDim(current, currentShape, d);
                currentShape[d] = 1;
            }
        }
        return current;
    }
}
