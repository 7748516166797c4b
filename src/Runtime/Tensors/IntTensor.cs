namespace Kiln;

/// <summary>An integer tensor for indices and class labels (torch's int64 tensors). Never differentiable.</summary>
public sealed class IntTensor
{
    internal readonly int[] Storage;
    readonly int[] shape;

    IntTensor(int[] storage, int[] shape)
    {
        ShapeUtil.CheckStorageFits(storage.Length, shape, "IntTensor");
        Storage = storage;
        this.shape = shape;
    }

    public static IntTensor FromArray(int[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        return new IntTensor((int[])data.Clone(), (int[])shape.Clone());
    }

    /// <summary>Wraps an array without copying it.</summary>
    public static IntTensor Wrap(int[] data, params int[] shape) => new(data, (int[])shape.Clone());

    public int[] Shape => (int[])shape.Clone();
    internal int[] Dims => shape;
    public int Rank => shape.Length;
    public int Size(int dim) => shape[ShapeUtil.NormalizeDim(dim, shape.Length, "Size")];
    public int Count => Storage.Length;
    public ReadOnlySpan<int> Data => Storage;
    public int[] ToArray() => (int[])Storage.Clone();

    public int Item()
    {
        ShapeUtil.CheckOneElement(Storage.Length, shape);
        return Storage[0];
    }

    [System.Runtime.CompilerServices.IndexerName("Element")]
    public int this[params int[] index] => Storage[ShapeUtil.FlatIndex(shape, index)];

    /// <summary>Rows <paramref name="range"/> of the first dimension (torch's y[a:b]), a copy; bounds clamp as Python slicing.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public IntTensor this[Range range]
    {
        get
        {
            if (shape.Length == 0) throw new ArgumentException("Slice: a 0-d tensor has no dimension to slice.");
            var (start, end) = ShapeUtil.RangeBounds(range, shape[0]);
            return Slice(0, start, end);
        }
    }

    /// <summary>torch's y[:, start:end] along <paramref name="dim"/>: a copy; negative bounds count from the end, both clamp to [0, size].</summary>
    public IntTensor Slice(int dim, int start, int end)
    {
        int d = ShapeUtil.NormalizeDim(dim, shape.Length, "Slice");
        var (from, length) = ShapeUtil.SliceBounds(shape[d], start, end);
        var (outer, size, inner) = ShapeUtil.SplitAt(shape, d);
        var outShape = (int[])shape.Clone();
        outShape[d] = length;
        var result = new int[outer * length * inner];
        for (int o = 0; o < outer; o++)
            Array.Copy(Storage, (o * size + from) * inner, result, o * length * inner, length * inner);
        return new IntTensor(result, outShape);
    }

    public IntTensor Reshape(params int[] newShape) => new(Storage, ShapeUtil.InferReshape(shape, newShape, "Reshape"));

    /// <summary>The values as a float tensor (torch's <c>.float()</c>).</summary>
    public Tensor ToFloat()
    {
        var data = new float[Storage.Length];
        for (int i = 0; i < data.Length; i++) data[i] = Storage[i];
        return Tensor.Wrap(data, shape);
    }

    // ---- elementwise comparisons and counting ----

    /// <summary>
    /// Elementwise equality (torch's <c>pred == y</c>): an IntTensor of 1 where the values are equal, else 0, with the
    /// shapes broadcast. C#'s reference equality is still <see cref="object.ReferenceEquals"/> (and <c>is null</c>);
    /// comparing with a null IntTensor throws.
    /// </summary>
    public static IntTensor operator ==(IntTensor a, IntTensor b) => Compare(a, b, equal: true, "==");

    /// <summary>Elementwise inequality: 1 where the values differ, else 0, with the shapes broadcast.</summary>
    public static IntTensor operator !=(IntTensor a, IntTensor b) => Compare(a, b, equal: false, "!=");

    /// <summary>1 where the value equals <paramref name="b"/>, else 0.</summary>
    public static IntTensor operator ==(IntTensor a, int b) => Compare(a, Wrap(new[] { b }), equal: true, "==");

    /// <summary>1 where the value differs from <paramref name="b"/>, else 0.</summary>
    public static IntTensor operator !=(IntTensor a, int b) => Compare(a, Wrap(new[] { b }), equal: false, "!=");

    public IntTensor Eq(IntTensor other) => this == other;
    public IntTensor Ne(IntTensor other) => this != other;

    /// <summary>Identity, as a tensor's hash in torch: the == operator compares elements, not tensors.</summary>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    static IntTensor Compare(IntTensor a, IntTensor b, bool equal, string op)
    {
        if (a is null || b is null)
            throw new ArgumentNullException(a is null ? nameof(a) : nameof(b), $"IntTensor {op}: compares elements, so both operands must be tensors; use 'is null' to test for null.");
        var shape = ShapeUtil.SameShape(a.shape, b.shape) ? a.shape : ShapeUtil.Broadcast(a.shape, b.shape, "IntTensor " + op);
        var x = a.BroadcastTo(shape);
        var y = b.BroadcastTo(shape);
        var result = new int[x.Length];
        for (int i = 0; i < result.Length; i++) result[i] = (x[i] == y[i]) == equal ? 1 : 0;
        return new IntTensor(result, shape);
    }

    int[] BroadcastTo(int[] target)
    {
        if (ShapeUtil.SameShape(shape, target)) return Storage;
        var result = new int[ShapeUtil.CountInt(target)];
        if (result.Length == 0) return result;
        var strides = Kernels.Elementwise.BroadcastStrides(shape, target);
        var index = new int[target.Length];
        int offset = 0;
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Storage[offset];
            for (int d = target.Length - 1; d >= 0; d--)
            {
                offset += strides[d];
                if (++index[d] < target[d]) break;
                offset -= strides[d] * target[d];
                index[d] = 0;
            }
        }
        return result;
    }

    /// <summary>
    /// The sum of all elements as a plain long (torch's <c>.sum().item()</c>), so accuracy reads
    /// <c>correct += (pred == y).Sum();</c>. A long, not a 0-d IntTensor: it cannot overflow for any tensor Kiln can hold,
    /// and an integer sum is never differentiable, so a tensor would add nothing.
    /// </summary>
    public long Sum()
    {
        long total = 0;
        foreach (int v in Storage) total += v;
        return total;
    }

    public override string ToString() => TensorFormatter.Format(this);
}
