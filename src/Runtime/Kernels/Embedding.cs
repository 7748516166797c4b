using System.Numerics.Tensors;

namespace Kiln.Kernels;

/// <summary>Row lookups in an embedding table [rows, dim] and the scatter-add that is their gradient.</summary>
public static class Embedding
{
    /// <summary>output[i, :] = weight[indices[i], :]; the indices must already be inside the table.</summary>
    public static void Gather(ReadOnlySpan<float> weight, int dim, ReadOnlySpan<int> indices, Span<float> output)
    {
        if (output.Length < (long)indices.Length * dim)
            throw new ArgumentException($"Embedding.Gather: output holds {output.Length} floats, {(long)indices.Length * dim} needed.");
        for (int i = 0; i < indices.Length; i++) weight.Slice(indices[i] * dim, dim).CopyTo(output.Slice(i * dim, dim));
    }

    /// <summary>
    /// gradWeight[indices[i], :] += gradOutput[i, :] for every position whose index is not
    /// <paramref name="skippedRow"/> (the padding row, which gets no gradient; pass −1 to skip none).
    /// </summary>
    public static void ScatterAdd(ReadOnlySpan<float> gradOutput, ReadOnlySpan<int> indices, int dim, Span<float> gradWeight, int skippedRow = -1)
    {
        if (gradOutput.Length < (long)indices.Length * dim)
            throw new ArgumentException($"Embedding.ScatterAdd: gradOutput holds {gradOutput.Length} floats, {(long)indices.Length * dim} needed.");
        for (int i = 0; i < indices.Length; i++)
        {
            int row = indices[i];
            if (row == skippedRow) continue;
            var target = gradWeight.Slice(row * dim, dim);
            TensorPrimitives.Add(target, gradOutput.Slice(i * dim, dim), target);
        }
    }
}
