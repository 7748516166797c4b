using System.Runtime.CompilerServices;
namespace Kiln.Kernels;

/// <summary>Reductions along one axis of a tensor viewed as [outer, size, inner] (eager ops and generated code alike).</summary>
public static class Reduction
{
    /// <summary>
    /// Largest value along the middle axis of [outer, size, inner] and, unless <paramref name="indices"/> is empty, its
    /// index. PyTorch's semantics (checked against torch 1.13 on CPU): a NaN beats every number and the first NaN's
    /// index is reported; among equal maxima the first index wins (+0 and −0 tie, so the first of them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaxAlong(ReadOnlySpan<float> x, Span<float> values, Span<int> indices, int outer, int size, int inner)
    {
        Check(x.Length, values.Length, outer, size, inner, "MaxAlong");
        if (!indices.IsEmpty && indices.Length < outer * inner)
            throw new ArgumentException($"MaxAlong: indices hold {indices.Length} elements, need {outer * inner}.");
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int best = ArgMax(x, o, i, size, inner);
                values[o * inner + i] = x[(o * size + best) * inner + i];
                if (!indices.IsEmpty) indices[o * inner + i] = best;
            }
    }

    /// <summary>The index of the largest value along the middle axis of [outer, size, inner], by <see cref="MaxAlong"/>'s rule (NaN wins, first on ties).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ArgMaxAlong(ReadOnlySpan<float> x, Span<int> indices, int outer, int size, int inner)
    {
        if (outer < 0 || size < 1 || inner < 0 || x.Length < outer * size * inner)
            throw new ArgumentException($"ArgMaxAlong: x holds {x.Length} elements, need {outer}x{size}x{inner} (size at least 1).");
        if (indices.Length < outer * inner)
            throw new ArgumentException($"ArgMaxAlong: indices hold {indices.Length} elements, need {outer * inner}.");
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
                indices[o * inner + i] = ArgMax(x, o, i, size, inner);
    }

    /// <summary>
    /// Gradient of <see cref="MaxAlong"/>: each output's gradient goes to the position its maximum came from (recomputed
    /// from <paramref name="x"/> with the same rule, so ties resolve as in the forward pass); everything else is zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaxAlongBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradInput, int outer, int size, int inner)
    {
        Check(x.Length, gradOutput.Length, outer, size, inner, "MaxAlongBackward");
        if (gradInput.Length < x.Length) throw new ArgumentException($"MaxAlongBackward: gradInput holds {gradInput.Length} elements, need {x.Length}.");
        gradInput.Slice(0, outer * size * inner).Clear();
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
                gradInput[(o * size + ArgMax(x, o, i, size, inner)) * inner + i] = gradOutput[o * inner + i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static int ArgMax(ReadOnlySpan<float> x, int o, int i, int size, int inner)
    {
        int best = 0;
        float bestValue = x[o * size * inner + i];
        if (float.IsNaN(bestValue)) return 0;
        for (int r = 1; r < size; r++)
        {
            float v = x[(o * size + r) * inner + i];
            if (v > bestValue) { bestValue = v; best = r; }
            else if (float.IsNaN(v)) return r;
        }
        return best;
    }

    static void Check(int xLength, int outputLength, int outer, int size, int inner, string name)
    {
        if (size <= 0) throw new ArgumentException($"{name}: the reduced axis is empty.");
        if (xLength < (long)outer * size * inner || outputLength < (long)outer * inner)
            throw new ArgumentException($"{name}: buffers too small for [{outer},{size},{inner}] (input {xLength}, output {outputLength}).");
    }
}
