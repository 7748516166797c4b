using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Kiln.Kernels;

/// <summary>
/// Row lookups in an embedding table [rows, dim] and the scatter-add that is their gradient. Both check every index
/// against the table (eager ops and generated code call these, so an index out of range fails the same way in both
/// modes, naming the index, its position and the table).
/// </summary>
public static class Embedding
{
    /// <summary>
    /// output[i, :] = weight[indices[i], :] for a table of weight.Length / dim rows.
    /// </summary>
    /// <param name="indexShape">The shape of the index tensor, for the error message only; null means [indices.Length].</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is negative or not below the number of rows.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gather(ReadOnlySpan<float> weight, int dim, ReadOnlySpan<int> indices, Span<float> output, int[]? indexShape = null)
    {
        if (output.Length < (long)indices.Length * dim)
            throw new ArgumentException($"Embedding.Gather: output holds {output.Length} floats, {(long)indices.Length * dim} needed.");
        CheckTableIndices(indices, weight.Length, dim, indexShape);
        for (int i = 0; i < indices.Length; i++) weight.Slice(indices[i] * dim, dim).CopyTo(output.Slice(i * dim, dim));
    }

    /// <summary>
    /// gradWeight[indices[i], :] += gradOutput[i, :] for every position whose index is not
    /// <paramref name="skippedRow"/> (the padding row, which gets no gradient; pass −1 to skip none).
    /// </summary>
    /// <param name="indexShape">The shape of the index tensor, for the error message only; null means [indices.Length].</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is negative or not below gradWeight.Length / dim.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScatterAdd(ReadOnlySpan<float> gradOutput, ReadOnlySpan<int> indices, int dim, Span<float> gradWeight, int skippedRow = -1, int[]? indexShape = null)
    {
        if (gradOutput.Length < (long)indices.Length * dim)
            throw new ArgumentException($"Embedding.ScatterAdd: gradOutput holds {gradOutput.Length} floats, {(long)indices.Length * dim} needed.");
        CheckTableIndices(indices, gradWeight.Length, dim, indexShape);
        for (int i = 0; i < indices.Length; i++)
        {
            int row = indices[i];
            if (row == skippedRow) continue;
            var target = gradWeight.Slice(row * dim, dim);
            SpanLoops.AddInPlace(target, gradOutput.Slice(i * dim, dim));
        }
    }

    /// <summary>A table of tableLength floats in rows of dim (dim 0 holds nothing to read: no row count, no check).</summary>
    static void CheckTableIndices(ReadOnlySpan<int> indices, int tableLength, int dim, int[]? indexShape)
    {
        if (dim > 0) CheckIndices(indices, tableLength / dim, dim, indexShape);
    }

    /// <summary>
    /// Throws on the first index outside [0, rows): "Embedding: index 10 at position 2 of indices [2,2] is outside the
    /// table of 10 rows (weight [10,4])." (the message of the eager op, which this check serves too).
    /// </summary>
    /// <param name="indexShape">The shape of the index tensor, for the message only; null means [indices.Length].</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CheckIndices(ReadOnlySpan<int> indices, int rows, int dim, int[]? indexShape = null)
    {
        int bad = IndexOutside(indices, rows);
        if (bad < 0) return;
        string shape = indexShape is null ? $"[{indices.Length}]" : "[" + string.Join(",", indexShape) + "]";
        throw new ArgumentOutOfRangeException(nameof(indices),
            $"Embedding: index {indices[bad]} at position {bad} of indices {shape} is outside the table of {rows} rows (weight [{rows},{dim}]).");
    }

    /// <summary>The position of the first index outside [0, rows), or −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static int IndexOutside(ReadOnlySpan<int> indices, int rows)
    {
        for (int i = 0; i < indices.Length; i++)
            if ((uint)indices[i] >= (uint)rows) return i;
        return -1;
    }
}
