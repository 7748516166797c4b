using System.Runtime.CompilerServices;
using Kiln.Kernels;

namespace Kiln;

public static partial class Ops
{
    /// <summary>
    /// torch.matmul: 1-D·1-D is a dot product, 2-D·2-D a matrix product, a 1-D operand is promoted to a matrix
    /// and the added dimension removed afterwards, and leading (batch) dimensions broadcast.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank == 0 || b.Rank == 0)
            throw new ArgumentException($"MatMul: {a.ShapeString} x {b.ShapeString}: both arguments need at least one dimension.");
        int k = a.Dims[^1];
        int kb = b.Rank == 1 ? b.Dims[0] : b.Dims[^2];
        if (k != kb)
            throw new ArgumentException($"MatMul: {a.ShapeString} x {b.ShapeString}: inner dimensions {k} and {kb} differ.");

        // Promote vectors to matrices; remember which dimensions to drop from the result.
        var a2 = a.Rank == 1 ? new[] { 1, k } : a.Dims;
        var b2 = b.Rank == 1 ? new[] { k, 1 } : b.Dims;
        int m = a2[^2], n = b2[^1];
        var aBatch = a2[..^2];
        var bBatch = b2[..^2];
        if (!BatchesBroadcast(aBatch, bBatch))
            throw new ArgumentException($"MatMul: {a.ShapeString} x {b.ShapeString}: batch dimensions {ShapeUtil.Format(aBatch)} and {ShapeUtil.Format(bBatch)} cannot be broadcast.");
        var batch = ShapeUtil.SameShape(aBatch, bBatch) ? aBatch : ShapeUtil.Broadcast(aBatch, bBatch, "MatMul");
        int batchCount = ShapeUtil.CountInt(batch);

        var outShape = new List<int>(batch);
        if (a.Rank > 1) outShape.Add(m);
        if (b.Rank > 1) outShape.Add(n);

        var result = Uninitialized(batchCount * m * n);
        if (bBatch.Length == 0 && aBatch.Length > 0)
            Gemm.Multiply(a.Storage, b.Storage, result, batchCount * m, n, k); // [..., m, k] x [k, n]: one GEMM over all rows
        else
            BatchedGemm(a.Storage, aBatch, b.Storage, bBatch, batch, result, m, n, k, transposeA: false, transposeB: false);

        var output = Result(result, outShape.ToArray());
        if (!Autograd.ShouldRecord(a, b)) return output;
        return Autograd.Record(output, "MatMul", new[] { a, b }, g =>
        {
            Tensor? ga = null, gb = null;
            var gs = g.Storage;
            if (a.RequiresGrad && bBatch.Length == 0 && a.Rank > 1 && Autograd.ZeroedLeafGradient(a) is { } aGrad)
                Gemm.Multiply(gs, b.Storage, aGrad, batchCount * m, k, n, transposeB: true, accumulate: true);
            else if (a.RequiresGrad)
            {
                // dA = dC · Bᵀ, summed over the batch dimensions A was broadcast along.
                var gaFull = Uninitialized(batchCount * m * k);
                if (bBatch.Length == 0) Gemm.Multiply(gs, b.Storage, gaFull, batchCount * m, k, n, transposeB: true);
                else BatchedGemm(gs, batch, b.Storage, bBatch, batch, gaFull, m, k, n, transposeA: false, transposeB: true);
                var gaShape = new List<int>(batch) { m, k }.ToArray();
                ga = Tensor.Wrap(Elementwise.SumToShape(gaFull, gaShape, a2), a.Dims);
            }
            if (b.RequiresGrad)
            {
                // dB = Aᵀ · dC, summed over the batch dimensions B was broadcast along.
                if (bBatch.Length == 0)
                {
                    // A leaf weight's zeroed gradient takes the product directly: no temporary, no second pass.
                    if (Autograd.ZeroedLeafGradient(b) is { } bGrad)
                        Gemm.Multiply(a.Storage, gs, bGrad, k, n, batchCount * m, transposeA: true, accumulate: true);
                    else
                    {
                        var gbData = Uninitialized(k * n);
                        Gemm.Multiply(a.Storage, gs, gbData, k, n, batchCount * m, transposeA: true);
                        gb = Result(gbData, b.Dims);
                    }
                }
                else
                {
                    var gbFull = Uninitialized(batchCount * k * n);
                    BatchedGemm(a.Storage, aBatch, gs, batch, batch, gbFull, k, n, m, transposeA: true, transposeB: false);
                    var gbShape = new List<int>(batch) { k, n }.ToArray();
                    gb = Tensor.Wrap(Elementwise.SumToShape(gbFull, gbShape, b2), b.Dims);
                }
            }
            return new[] { ga, gb };
        });
    }

    static bool BatchesBroadcast(int[] a, int[] b)
    {
        for (int i = 1; i <= Math.Min(a.Length, b.Length); i++)
            if (a[^i] != b[^i] && a[^i] != 1 && b[^i] != 1) return false;
        return true;
    }

    /// <summary>One GEMM per broadcast batch index; operand offsets follow each operand's own batch shape.</summary>
    static void BatchedGemm(float[] a, int[] aBatch, float[] b, int[] bBatch, int[] batch, float[] c, int m, int n, int k, bool transposeA, bool transposeB)
    {
        int batchCount = ShapeUtil.CountInt(batch);
        var aStrides = Elementwise.BroadcastStrides(aBatch, batch);
        var bStrides = Elementwise.BroadcastStrides(bBatch, batch);
        var index = new int[batch.Length];
        int aSize = m * k, bSize = k * n, cSize = m * n;
        for (int i = 0; i < batchCount; i++)
        {
            int aOff = 0, bOff = 0;
            for (int d = 0; d < batch.Length; d++)
            {
                aOff += index[d] * aStrides[d];
                bOff += index[d] * bStrides[d];
            }
            Gemm.Multiply(a.AsSpan(aOff * aSize, aSize), b.AsSpan(bOff * bSize, bSize), c.AsSpan(i * cSize, cSize), m, n, k, transposeA, transposeB);
            for (int d = batch.Length - 1; d >= 0; d--)
            {
                if (++index[d] < batch[d]) break;
                index[d] = 0;
            }
        }
    }

    /// <summary>y = x · Wᵀ + b with W in PyTorch's [out, in] layout; x may have any number of leading dimensions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2) throw new ArgumentException($"Linear: weight must be 2-D [out, in], got {weight.ShapeString}.");
        if (x.Rank == 0) throw new ArgumentException("Linear: the input needs at least one dimension.");
        int outFeatures = weight.Dims[0], inFeatures = weight.Dims[1];
        if (x.Dims[^1] != inFeatures)
            throw new ArgumentException($"Linear: {x.ShapeString} x {weight.ShapeString}ᵀ: input features {x.Dims[^1]} and weight's in-features {inFeatures} differ.");
        if (bias is not null && (bias.Rank != 1 || bias.Dims[0] != outFeatures))
            throw new ArgumentException($"Linear: bias {bias.ShapeString} does not match weight {weight.ShapeString} (expected [{outFeatures}]).");

        int rows = x.Count / Math.Max(inFeatures, 1);
        if (inFeatures == 0) rows = ShapeUtil.CountInt(x.Dims[..^1]);
        var outShape = (int[])x.Dims.Clone();
        outShape[^1] = outFeatures;
        var result = Uninitialized(rows * outFeatures);
        if (bias is not null)
            for (int r = 0; r < rows; r++) bias.Storage.CopyTo(result, r * outFeatures);
        Gemm.Multiply(x.Storage, weight.Storage, result, rows, outFeatures, inFeatures, transposeB: true, accumulate: bias is not null);
        var output = Result(result, outShape);

        var inputs = bias is null ? new[] { x, weight } : new[] { x, weight, bias };
        if (!Autograd.ShouldRecord(inputs)) return output;
        return Autograd.Record(output, "Linear", inputs, g =>
        {
            var grads = new Tensor?[inputs.Length];
            // A leaf's zeroed gradient (a parameter after ZeroGrad) takes its product directly, without a temporary
            // or the engine's second pass. Summing into +0 differs from summing a separate result and then adding
            // it to +0 only in the sign of a zero partial sum, which the final +0 addition erases: same bits.
            if (x.RequiresGrad)
            {
                if (Autograd.ZeroedLeafGradient(x) is { } xGrad)
                    Gemm.Multiply(g.Storage, weight.Storage, xGrad, rows, inFeatures, outFeatures, accumulate: true);
                else
                {
                    var gx = Uninitialized(x.Count);
                    Gemm.Multiply(g.Storage, weight.Storage, gx, rows, inFeatures, outFeatures);
                    grads[0] = Result(gx, x.Dims);
                }
            }
            if (weight.RequiresGrad)
            {
                if (Autograd.ZeroedLeafGradient(weight) is { } weightGrad)
                    Gemm.Multiply(g.Storage, x.Storage, weightGrad, outFeatures, inFeatures, rows, transposeA: true, accumulate: true);
                else
                {
                    var gw = Uninitialized(weight.Count);
                    Gemm.Multiply(g.Storage, x.Storage, gw, outFeatures, inFeatures, rows, transposeA: true);
                    grads[1] = Result(gw, weight.Dims);
                }
            }
            if (bias is not null && bias.RequiresGrad)
            {
                var gb = Uninitialized(outFeatures);
                Elementwise.SumDim(g.Storage, 1, rows, outFeatures, gb);
                grads[2] = Result(gb, bias.Dims);
            }
            return grads;
        });
    }

    /// <summary>Dot product of two vectors of the same length.</summary>
    public static Tensor Dot(Tensor a, Tensor b)
    {
        if (a.Rank != 1 || b.Rank != 1 || a.Count != b.Count)
            throw new ArgumentException($"Dot: {a.ShapeString} and {b.ShapeString} must be vectors of the same length.");
        return MatMul(a, b);
    }
}
