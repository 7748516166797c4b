using System.Numerics.Tensors;
using Kiln.Kernels;

namespace Kiln;

public static partial class Ops
{
    /// <summary>Sum of all elements, as a 0-d tensor.</summary>
    public static Tensor Sum(Tensor x)
    {
        var output = Result(new[] { TensorPrimitives.Sum(x.Storage) }, Array.Empty<int>());
        return Autograd.ShouldRecord(x) ? Autograd.Record(output, "Sum", new[] { x }, g => new Tensor?[] { Tensor.Full(g.Storage[0], x.Dims) }) : output;
    }

    public static Tensor Mean(Tensor x)
    {
        if (x.Count == 0) throw new ArgumentException("Mean: the tensor is empty.");
        var output = Result(new[] { TensorPrimitives.Sum(x.Storage) / x.Count }, Array.Empty<int>());
        return Autograd.ShouldRecord(x) ? Autograd.Record(output, "Mean", new[] { x }, g => new Tensor?[] { Tensor.Full(g.Storage[0] / x.Count, x.Dims) }) : output;
    }

    public static Tensor Sum(Tensor x, int dim, bool keepDim = false) => Sum(x, new[] { dim }, keepDim);
    public static Tensor Mean(Tensor x, int dim, bool keepDim = false) => Mean(x, new[] { dim }, keepDim);

    public static Tensor Sum(Tensor x, int[] dims, bool keepDim = false) => Reduce(x, dims, keepDim, "Sum", mean: false);
    public static Tensor Mean(Tensor x, int[] dims, bool keepDim = false) => Reduce(x, dims, keepDim, "Mean", mean: true);

    static Tensor Reduce(Tensor x, int[] dims, bool keepDim, string name, bool mean)
    {
        var reduced = NormalizeDims(dims, x.Rank, name);
        var keepShape = (int[])x.Dims.Clone();
        float[] data = x.Storage;
        int reducedCount = 1;
        for (int i = reduced.Length - 1; i >= 0; i--)
        {
            int d = reduced[i];
            reducedCount *= keepShape[d];
            data = Elementwise.SumDim(data, keepShape, d);
            keepShape[d] = 1;
        }
        if (ReferenceEquals(data, x.Storage)) data = (float[])data.Clone();
        if (mean)
        {
            if (reducedCount == 0) throw new ArgumentException($"Mean: reducing {x.ShapeString} over empty dimensions.");
            TensorPrimitives.Divide(data, reducedCount, data);
        }
        var outShape = keepDim ? keepShape : DropDims(x.Dims, reduced);
        var output = Tensor.Wrap(data, outShape);
        if (!Autograd.ShouldRecord(x)) return output;
        float scale = mean ? 1f / reducedCount : 1f;
        return Autograd.Record(output, name, new[] { x }, g =>
        {
            var expanded = new float[x.Count];
            Elementwise.Binary(BinaryOp.Multiply, g.Storage, keepShape, stackalloc float[] { scale }, Array.Empty<int>(), expanded, x.Dims);
            return new Tensor?[] { Result(expanded, x.Dims) };
        });
    }

    static int[] NormalizeDims(int[] dims, int rank, string op)
    {
        var result = new SortedSet<int>();
        foreach (int d in dims)
            if (!result.Add(ShapeUtil.NormalizeDim(d, rank, op)))
                throw new ArgumentException($"{op}: dimension {d} appears twice in [{string.Join(",", dims)}].");
        return result.ToArray();
    }

    static int[] DropDims(int[] shape, int[] sortedDims)
    {
        var result = new List<int>(shape.Length);
        for (int i = 0; i < shape.Length; i++) if (Array.BinarySearch(sortedDims, i) < 0) result.Add(shape[i]);
        return result.ToArray();
    }

    /// <summary>
    /// Largest value along <paramref name="dim"/> and its index, with <see cref="Kernels.Reduction.MaxAlong"/>: the first
    /// on ties and the first NaN wins, as torch 1.13 on CPU.
    /// </summary>
    public static (Tensor Values, IntTensor Indices) Max(Tensor x, int dim, bool keepDim = false)
    {
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "Max");
        var (outer, size, inner) = ShapeUtil.SplitAt(x.Dims, d);
        if (size == 0) throw new ArgumentException($"Max: dimension {dim} of {x.ShapeString} is empty.");
        var values = Uninitialized(outer * inner);
        var indices = new int[outer * inner];
        Kernels.Reduction.MaxAlong(x.Storage, values, indices, outer, size, inner);
        var keepShape = (int[])x.Dims.Clone();
        keepShape[d] = 1;
        var outShape = keepDim ? keepShape : DropDims(x.Dims, new[] { d });
        var output = Tensor.Wrap(values, outShape);
        var indexTensor = IntTensor.Wrap(indices, outShape);
        if (Autograd.ShouldRecord(x))
            Autograd.Record(output, "Max", new[] { x }, g =>
            {
                var gx = Uninitialized(x.Count);
                Kernels.Reduction.MaxAlongBackward(x.Storage, g.Storage, gx, outer, size, inner);
                return new Tensor?[] { Tensor.Wrap(gx, x.Dims) };
            });
        return (output, indexTensor);
    }

    /// <summary>Index of the largest value along <paramref name="dim"/>.</summary>
    public static IntTensor ArgMax(Tensor x, int dim, bool keepDim = false)
    {
        using (Autograd.NoGrad()) return Max(x, dim, keepDim).Indices;
    }
}
