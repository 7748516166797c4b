using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Kiln.Kernels;

/// <summary>Numerically stable softmax and log-softmax over the middle axis of an [outer, size, inner] layout.</summary>
public static class Softmax
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int outer, int size, int inner, bool log)
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) Row(x.Slice(o * size, size), y.Slice(o * size, size), log);
            return;
        }
        Span<float> column = size <= 1024 ? stackalloc float[size] : new float[size];
        Span<float> result = size <= 1024 ? stackalloc float[size] : new float[size];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int baseIndex = o * size * inner + i;
                for (int r = 0; r < size; r++) column[r] = x[baseIndex + r * inner];
                Row(column, result, log);
                for (int r = 0; r < size; r++) y[baseIndex + r * inner] = result[r];
            }
    }

    /// <summary>y = softmax(x) or log_softmax(x) of one contiguous row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row(ReadOnlySpan<float> x, Span<float> y, bool log)
    {
        if (x.Length == 0) return;
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        if (log)
        {
            // log_softmax = (x - max) - log(sum(exp(x - max))): never exp-then-log of a probability.
            float sum = SumExp(y);
            TensorPrimitives.Subtract(y, MathF.Log(sum), y);
        }
        else
        {
            TensorPrimitives.Exp(y, y);
            TensorPrimitives.Divide(y, TensorPrimitives.Sum(y), y);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static float SumExp(ReadOnlySpan<float> shifted)
    {
        Span<float> buffer = shifted.Length <= 1024 ? stackalloc float[shifted.Length] : new float[shifted.Length];
        TensorPrimitives.Exp(shifted, buffer);
        return TensorPrimitives.Sum(buffer);
    }

    /// <summary>
    /// Gradient of softmax (gx = y ⊙ (g − Σ g⊙y)) or log-softmax (gx = g − softmax ⊙ Σ g) from the forward output y.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx, int outer, int size, int inner, bool log)
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int b = o * size * inner + i;
                float s = 0;
                if (log)
                {
                    for (int r = 0; r < size; r++) s += g[b + r * inner];
                    for (int r = 0; r < size; r++) gx[b + r * inner] = g[b + r * inner] - MathF.Exp(y[b + r * inner]) * s;
                }
                else
                {
                    for (int r = 0; r < size; r++) s += g[b + r * inner] * y[b + r * inner];
                    for (int r = 0; r < size; r++) gx[b + r * inner] = y[b + r * inner] * (g[b + r * inner] - s);
                }
            }
    }
}
