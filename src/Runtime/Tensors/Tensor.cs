using System.Runtime.CompilerServices;
namespace Kiln;

/// <summary>
/// A dense float32 tensor, row-major and always contiguous. Ops allocate new tensors; <see cref="Reshape"/>
/// shares storage like torch's view. When gradients are enabled and an input requires grad, an op records a
/// <see cref="GradNode"/> on its output: the tape is rebuilt by every forward pass.
/// </summary>
public partial class Tensor
{
    internal readonly float[] Storage;
    readonly int[] shape;
    bool requiresGrad;

    internal Tensor(float[] storage, int[] shape)
    {
        ShapeUtil.CheckStorageFits(storage.Length, shape, "Tensor");
        Storage = storage;
        this.shape = shape;
    }

    /// <summary>A copy of the shape.</summary>
    public int[] Shape => (int[])shape.Clone();

    /// <summary>The shape without copying; callers must not mutate it.</summary>
    internal int[] Dims => shape;

    public int Rank => shape.Length;
    public int Count => Storage.Length;

    /// <summary>The tensor's values, for kernels and in-place updates (the optimizers use it).</summary>
    public Span<float> Data => Storage;

    public int Size(int dim) => shape[ShapeUtil.NormalizeDim(dim, shape.Length, "Size")];

    /// <summary>Whether gradients flow to this tensor. Only leaves (tensors no op produced) may be switched.</summary>
    public bool RequiresGrad
    {
        get => requiresGrad;
        set
        {
            if (GradFn is not null && !value)
                throw new InvalidOperationException("RequiresGrad: only leaf tensors can be switched off; use Detach() on a result of an op.");
            requiresGrad = value;
        }
    }

    public Tensor? Grad { get; set; }

    /// <summary>The node that produced this tensor on the tape, or null for a leaf.</summary>
    internal GradNode? GradFn { get; private set; }

    public bool IsLeaf => GradFn is null;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void AttachGradFn(GradNode node)
    {
        GradFn = node;
        requiresGrad = true;
    }

    // ---- factories ----

    public static Tensor FromArray(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        return new Tensor((float[])data.Clone(), (int[])shape.Clone());
    }

    /// <summary>Wraps an array without copying it (the tensor aliases <paramref name="data"/>).</summary>
    public static Tensor Wrap(float[] data, params int[] shape) => new(data, (int[])shape.Clone());

    public static Tensor Scalar(float value) => new(new[] { value }, Array.Empty<int>());

    public static Tensor Zeros(params int[] shape) => new(new float[ShapeUtil.Count(shape, "Zeros")], (int[])shape.Clone());

    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor Full(float value, params int[] shape)
    {
        var data = new float[ShapeUtil.Count(shape, "Full")];
        data.AsSpan().Fill(value);
        return new Tensor(data, (int[])shape.Clone());
    }

    public static Tensor ZerosLike(Tensor t) => Zeros(t.shape);
    public static Tensor OnesLike(Tensor t) => Ones(t.shape);

    /// <summary>Standard normal samples from <paramref name="rng"/> (the default generator when null).</summary>
    public static Tensor Randn(int[] shape, Rng? rng = null)
    {
        var t = Zeros(shape);
        (rng ?? Rng.Default).FillNormal(t.Storage);
        return t;
    }

    public static Tensor Randn(params int[] shape) => Randn(shape, null);

    /// <summary>Uniform samples in [0, 1).</summary>
    public static Tensor Rand(int[] shape, Rng? rng = null)
    {
        var t = Zeros(shape);
        (rng ?? Rng.Default).FillUniform(t.Storage, 0f, 1f);
        return t;
    }

    public static Tensor Rand(params int[] shape) => Rand(shape, null);

    /// <summary>0, 1, …, n-1 as floats.</summary>
    public static Tensor Arange(int n)
    {
        var t = Zeros(n);
        for (int i = 0; i < n; i++) t.Storage[i] = i;
        return t;
    }

    // ---- reading ----

    public float[] ToArray() => (float[])Storage.Clone();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Item()
    {
        ShapeUtil.CheckOneElement(Storage.Length, shape);
        return Storage[0];
    }

    /// <summary>Reads one element by its full index.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[params int[] index]
    {
        get => Storage[ShapeUtil.FlatIndex(shape, index)];
        set
        {
            Autograd.EnsureMutable(this, "indexer");
            Storage[ShapeUtil.FlatIndex(shape, index)] = value;
        }
    }

    /// <summary>
    /// Rows <paramref name="range"/> of the first dimension, torch's x[a:b]: <c>x[10..20]</c>, <c>x[^5..]</c>. A copy that
    /// records its gradient; bounds clamp to the size as Python slicing does. See <see cref="Slice"/> for other dimensions.
    /// </summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public Tensor this[Range range] => Ops.Slice(this, range);

    /// <summary>torch's x[:, start:end] along <paramref name="dim"/> (see <see cref="Ops.Slice(Tensor, int, int, int)"/>).</summary>
    public Tensor Slice(int dim, int start, int end) => Ops.Slice(this, dim, start, end);

    /// <summary>A new leaf sharing nothing with the tape (and copying nothing: storage is shared).</summary>
    public Tensor Detach() => new(Storage, shape);

    public Tensor Clone() => new((float[])Storage.Clone(), shape);

    public override string ToString() => TensorFormatter.Format(this);

    internal string ShapeString => ShapeUtil.Format(shape);
}

public partial class Tensor
{
    /// <summary>Runs the reverse pass from this tensor, accumulating into every leaf's <see cref="Grad"/>.</summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false) => Autograd.RunBackward(this, gradient, retainGraph);
}
