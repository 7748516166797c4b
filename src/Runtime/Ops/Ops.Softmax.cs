namespace Kiln;

public static partial class Ops
{
    public static Tensor Softmax(Tensor x, int dim) => SoftmaxCore(x, dim, log: false);
    public static Tensor LogSoftmax(Tensor x, int dim) => SoftmaxCore(x, dim, log: true);

    static Tensor SoftmaxCore(Tensor x, int dim, bool log)
    {
        string name = log ? "LogSoftmax" : "Softmax";
        // A 0-d tensor is a one-element row (torch accepts dim 0 or -1) and stays 0-d.
        if (x.Rank == 0) return Reshape(SoftmaxCore(Reshape(x, 1), dim, log), Array.Empty<int>());
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, name);
        var (outer, size, inner) = ShapeUtil.SplitAt(x.Dims, d);
        var result = new float[x.Count];
        Kernels.Softmax.Forward(x.Storage, result, outer, size, inner, log);
        var output = Result(result, x.Dims);
        if (!Autograd.ShouldRecord(x)) return output;
        return Autograd.Record(output, name, new[] { x }, g =>
        {
            var gx = new float[x.Count];
            Kernels.Softmax.Backward(result, g.Storage, gx, outer, size, inner, log);
            return new Tensor?[] { Result(gx, x.Dims) };
        });
    }
}
