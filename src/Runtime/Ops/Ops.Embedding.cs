using System.Runtime.CompilerServices;
namespace Kiln;

public static partial class Ops
{
    /// <summary>
    /// torch.nn.functional.embedding: looks up rows of <paramref name="weight"/> [rows, dim] for indices of any shape;
    /// the output has shape indices.shape + [dim]. The gradient adds each output row's gradient onto the row it came
    /// from, except the <paramref name="paddingIdx"/> row (negative values count from the end, as in torch), which
    /// gets none.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor Embedding(IntTensor indices, Tensor weight, int? paddingIdx = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(weight);
        const string name = "Embedding";
        if (weight.Rank != 2) throw new ArgumentException($"{name}: weight must be 2-D [num_embeddings, embedding_dim], got {weight.ShapeString}.");
        int rows = weight.Dims[0], dim = weight.Dims[1];
        int skippedRow = -1;
        if (paddingIdx is int pad)
        {
            if (pad < -rows || pad >= rows)
                throw new ArgumentOutOfRangeException(nameof(paddingIdx), $"{name}: padding index {pad} is outside the table of {rows} rows (weight {weight.ShapeString}).");
            skippedRow = pad < 0 ? pad + rows : pad;
        }
        var index = indices.Storage;
        var outShape = new int[indices.Rank + 1];
        indices.Dims.CopyTo(outShape, 0);
        outShape[^1] = dim;
        var result = Uninitialized((int)ShapeUtil.Count(outShape, name)); // every row gathered (Count checks the size fits an int)
        // The kernel checks every index (the same message in generated code); a table of zero-length rows gives it
        // no row count, so that one case is checked here.
        if (dim == 0) Kernels.Embedding.CheckIndices(index, rows, dim, indices.Dims);
        Kernels.Embedding.Gather(weight.Storage, dim, index, result, indices.Dims);
        var output = Tensor.Wrap(result, outShape);
        if (!Autograd.ShouldRecord(weight)) return output;
        return Autograd.Record(output, name, new[] { weight }, g =>
        {
            var gw = new float[weight.Count];
            Kernels.Embedding.ScatterAdd(g.Storage, index, dim, gw, skippedRow, indices.Dims);
            return new Tensor?[] { Tensor.Wrap(gw, weight.Dims) };
        });
    }
}
