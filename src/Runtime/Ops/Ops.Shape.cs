using System.Runtime.CompilerServices;
namespace Kiln;

public static partial class Ops
{
    /// <summary>Same data, new shape (one -1 is inferred); shares storage with the input like torch's view.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        var newShape = ShapeUtil.InferReshape(x.Dims, shape, "Reshape");
        var output = Result(x.Storage, newShape);
        return Autograd.ShouldRecord(x)
            ? Autograd.Record(output, "Reshape", new[] { x }, g => new Tensor?[] { Result(g.Storage, x.Dims) })
            : output;
    }

    /// <summary>Merges dimensions startDim..endDim into one. Defaults follow torch.flatten (everything into one
    /// dimension); the nn.Flatten module keeps the batch dimension by defaulting to startDim 1.</summary>
    public static Tensor Flatten(Tensor x, int startDim = 0, int endDim = -1)
    {
        if (x.Rank == 0) return Reshape(x, 1);
        int start = ShapeUtil.NormalizeDim(startDim, x.Rank, "Flatten");
        int end = ShapeUtil.NormalizeDim(endDim, x.Rank, "Flatten");
        if (start > end) throw new ArgumentException($"Flatten: startDim {startDim} comes after endDim {endDim} for {x.ShapeString}.");
        var shape = new List<int>();
        for (int i = 0; i < start; i++) shape.Add(x.Dims[i]);
        int merged = 1;
        for (int i = start; i <= end; i++) merged *= x.Dims[i];
        shape.Add(merged);
        for (int i = end + 1; i < x.Rank; i++) shape.Add(x.Dims[i]);
        return Reshape(x, shape.ToArray());
    }

    /// <summary>Inserts a dimension of size 1 at <paramref name="dim"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor Unsqueeze(Tensor x, int dim)
    {
        int d = ShapeUtil.NormalizeDim(dim, x.Rank + 1, "Unsqueeze");
        var shape = x.Dims.ToList();
        shape.Insert(d, 1);
        return Reshape(x, shape.ToArray());
    }

    /// <summary>Removes a dimension of size 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor Squeeze(Tensor x, int dim)
    {
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "Squeeze");
        if (x.Dims[d] != 1) return x;
        var shape = x.Dims.ToList();
        shape.RemoveAt(d);
        return Reshape(x, shape.ToArray());
    }

    /// <summary>Swaps two dimensions (a copy: Kiln tensors are always contiguous), with <see cref="Kernels.Layout.SwapAxes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor Transpose(Tensor x, int dim0, int dim1)
    {
        int a = ShapeUtil.NormalizeDim(dim0, x.Rank, "Transpose");
        int b = ShapeUtil.NormalizeDim(dim1, x.Rank, "Transpose");
        if (a == b)
        {
            var identity = new int[x.Rank];
            for (int i = 0; i < identity.Length; i++) identity[i] = i;
            return Permute(x, identity);
        }
        if (a > b) (a, b) = (b, a);
        var outShape = (int[])x.Dims.Clone();
        (outShape[a], outShape[b]) = (outShape[b], outShape[a]);
        var result = Uninitialized(x.Count);
        SwapAxes(x.Storage, result, x.Dims, a, b);
        var output = Result(result, outShape);
        if (!Autograd.ShouldRecord(x)) return output;
        return Autograd.Record(output, "Transpose", new[] { x }, g =>
        {
            var gx = Uninitialized(x.Count);
            SwapAxes(g.Storage, gx, outShape, a, b);
            return new Tensor?[] { Result(gx, x.Dims) };
        });
    }

    /// <summary>Swaps axes a &lt; b of a tensor of shape <paramref name="dims"/> (the view [outer, A, middle, B, inner]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void SwapAxes(ReadOnlySpan<float> src, Span<float> dst, int[] dims, int a, int b)
    {
        int outer = 1, middle = 1, inner = 1;
        for (int i = 0; i < a; i++) outer *= dims[i];
        for (int i = a + 1; i < b; i++) middle *= dims[i];
        for (int i = b + 1; i < dims.Length; i++) inner *= dims[i];
        Kernels.Layout.SwapAxes(src, dst, outer, dims[a], middle, dims[b], inner);
    }

    /// <summary>Reorders dimensions: output dimension i is input dimension perm[i].</summary>
    public static Tensor Permute(Tensor x, params int[] perm)
    {
        if (perm.Length != x.Rank) throw new ArgumentException($"Permute: {perm.Length} dimensions given for {x.ShapeString}.");
        var seen = new bool[perm.Length];
        var p = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++)
        {
            p[i] = ShapeUtil.NormalizeDim(perm[i], x.Rank, "Permute");
            if (seen[p[i]]) throw new ArgumentException($"Permute: dimension {perm[i]} repeats in [{string.Join(",", perm)}].");
            seen[p[i]] = true;
        }
        var outShape = new int[p.Length];
        for (int i = 0; i < p.Length; i++) outShape[i] = x.Dims[p[i]];
        var result = Uninitialized(x.Count);
        Kernels.Layout.Permute(x.Storage, x.Dims, p, result);
        var output = Tensor.Wrap(result, outShape);
        if (!Autograd.ShouldRecord(x)) return output;
        var inverse = new int[p.Length];
        for (int i = 0; i < p.Length; i++) inverse[p[i]] = i;
        return Autograd.Record(output, "Permute", new[] { x }, g => new Tensor?[] { Permute(g, inverse) });
    }

    /// <summary>Joins tensors along <paramref name="dim"/>; all other dimensions must agree.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        if (tensors.Count == 0) throw new ArgumentException("Concat: no tensors given.");
        var first = tensors[0];
        int d = ShapeUtil.NormalizeDim(dim, first.Rank, "Concat");
        int total = 0;
        foreach (var t in tensors)
        {
            if (t.Rank != first.Rank)
                throw new ArgumentException($"Concat: {first.ShapeString} and {t.ShapeString} have different ranks.");
            for (int i = 0; i < t.Rank; i++)
                if (i != d && t.Dims[i] != first.Dims[i])
                    throw new ArgumentException($"Concat: {first.ShapeString} and {t.ShapeString} differ in dimension {i} (concatenating along {d}).");
            total += t.Dims[d];
        }
        var outShape = (int[])first.Dims.Clone();
        outShape[d] = total;
        var (outer, _, inner) = ShapeUtil.SplitAt(outShape, d);
        var result = Uninitialized(ShapeUtil.CountInt(outShape));
        int offset = 0;
        foreach (var t in tensors)
        {
            int block = t.Dims[d] * inner;
            Kernels.Layout.CopyBlocks(t.Storage, block, 0, result, total * inner, offset * inner, outer, block);
            offset += t.Dims[d];
        }
        var output = Tensor.Wrap(result, outShape);
        var inputs = tensors.ToArray();
        if (!Autograd.ShouldRecord(inputs)) return output;
        return Autograd.Record(output, "Concat", inputs, g =>
        {
            var grads = new Tensor?[inputs.Length];
            int start = 0;
            for (int i = 0; i < inputs.Length; i++)
            {
                int length = inputs[i].Dims[d];
                if (inputs[i].RequiresGrad) grads[i] = Narrow(g, d, start, length);
                start += length;
            }
            return grads;
        });
    }

    /// <summary>Stacks same-shaped tensors along a new dimension.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        if (tensors.Count == 0) throw new ArgumentException("Stack: no tensors given.");
        int d = ShapeUtil.NormalizeDim(dim, tensors[0].Rank + 1, "Stack");
        foreach (var t in tensors)
            if (!ShapeUtil.SameShape(t.Dims, tensors[0].Dims))
                throw new ArgumentException($"Stack: {tensors[0].ShapeString} and {t.ShapeString} differ.");
        return Concat(tensors.Select(t => Unsqueeze(t, d)).ToArray(), d);
    }

    /// <summary>The slice start..start+length along <paramref name="dim"/> (a copy).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor Narrow(Tensor x, int dim, int start, int length)
    {
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "Narrow");
        int size = x.Dims[d];
        if (start < 0 || length < 0 || (long)start + length > size)
            throw new ArgumentOutOfRangeException(nameof(start), $"Narrow: [{start}, {(long)start + length}) is outside dimension {d} of {x.ShapeString}.");
        var (outer, _, inner) = ShapeUtil.SplitAt(x.Dims, d);
        var outShape = (int[])x.Dims.Clone();
        outShape[d] = length;
        var result = Uninitialized(outer * length * inner);
        Kernels.Layout.CopyBlocks(x.Storage, size * inner, start * inner, result, length * inner, 0, outer, length * inner);
        var output = Tensor.Wrap(result, outShape);
        if (!Autograd.ShouldRecord(x)) return output;
        return Autograd.Record(output, "Narrow", new[] { x }, g =>
        {
            var gx = new float[x.Count];
            Kernels.Layout.CopyBlocks(g.Storage, length * inner, 0, gx, size * inner, start * inner, outer, length * inner);
            return new Tensor?[] { Tensor.Wrap(gx, x.Dims) };
        });
    }

    /// <summary>
    /// torch's x[start:end] along <paramref name="dim"/> (a copy, differentiable): negative bounds count from the end and
    /// both are clamped to [0, size] as Python slicing does, so an end past the size stops at it and an empty range
    /// gives a dimension of 0.
    /// </summary>
    public static Tensor Slice(Tensor x, int dim, int start, int end)
    {
        ArgumentNullException.ThrowIfNull(x);
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "Slice");
        var (from, length) = ShapeUtil.SliceBounds(x.Dims[d], start, end);
        return Narrow(x, d, from, length);
    }

    /// <summary>Rows <paramref name="range"/> of the first dimension (x[a..b], ^n counting from the end), clamped as <see cref="Slice"/>.</summary>
    public static Tensor Slice(Tensor x, Range range)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank == 0) throw new ArgumentException("Slice: a 0-d tensor has no dimension to slice.");
        var (start, end) = ShapeUtil.RangeBounds(range, x.Dims[0]);
        return Slice(x, 0, start, end);
    }

    /// <summary>Row <paramref name="index"/> along <paramref name="dim"/>, with that dimension removed (torch's x[:, i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor Select(Tensor x, int dim, int index)
    {
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "Select");
        int i = index < 0 ? index + x.Dims[d] : index;
        if (i < 0 || i >= x.Dims[d])
            throw new ArgumentOutOfRangeException(nameof(index), $"Select: index {index} is out of range for dimension {d} of size {x.Dims[d]} ({x.ShapeString}).");
        return Squeeze(Narrow(x, d, i, 1), d);
    }

    /// <summary>torch.chunk: pieces of ceil(size / chunks) along <paramref name="dim"/>, the last one smaller.</summary>
    public static Tensor[] Chunk(Tensor x, int chunks, int dim = 0)
    {
        if (chunks <= 0) throw new ArgumentOutOfRangeException(nameof(chunks), $"Chunk: chunks must be positive, got {chunks}.");
        int d = ShapeUtil.NormalizeDim(dim, x.Rank, "Chunk");
        int size = x.Dims[d];
        int step = (size + chunks - 1) / chunks;
        if (step == 0) return new[] { Narrow(x, d, 0, 0) };
        var result = new List<Tensor>();
        for (int start = 0; start < size; start += step) result.Add(Narrow(x, d, start, Math.Min(step, size - start)));
        return result.ToArray();
    }
}
