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

    public IntTensor Reshape(params int[] newShape) => new(Storage, ShapeUtil.InferReshape(shape, newShape, "Reshape"));

    /// <summary>The values as a float tensor (torch's <c>.float()</c>).</summary>
    public Tensor ToFloat()
    {
        var data = new float[Storage.Length];
        for (int i = 0; i < data.Length; i++) data[i] = Storage[i];
        return Tensor.Wrap(data, shape);
    }

    public override string ToString() => TensorFormatter.Format(this);
}
