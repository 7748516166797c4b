namespace Kiln;

public partial class Tensor
{
    public static Tensor operator +(Tensor a, Tensor b) => Ops.Add(a, b);
    public static Tensor operator -(Tensor a, Tensor b) => Ops.Sub(a, b);
    public static Tensor operator *(Tensor a, Tensor b) => Ops.Mul(a, b);
    public static Tensor operator /(Tensor a, Tensor b) => Ops.Div(a, b);
    public static Tensor operator -(Tensor a) => Ops.Neg(a);

    public static Tensor operator +(Tensor a, float b) => Ops.Add(a, b);
    public static Tensor operator +(float a, Tensor b) => Ops.Add(b, a);
    public static Tensor operator -(Tensor a, float b) => Ops.Sub(a, b);
    public static Tensor operator -(float a, Tensor b) => Ops.Sub(a, b);
    public static Tensor operator *(Tensor a, float b) => Ops.Mul(a, b);
    public static Tensor operator *(float a, Tensor b) => Ops.Mul(b, a);
    public static Tensor operator /(Tensor a, float b) => Ops.Div(a, b);
    public static Tensor operator /(float a, Tensor b) => Ops.Div(a, b);

    // Comparisons give float 0/1 masks and record no gradient (as torch's bool results). There is no == on Tensor:
    // C# would then lose reference equality (null checks, dictionaries), so use Eq/Ne for elementwise equality.
    public static Tensor operator <(Tensor a, Tensor b) => Ops.Lt(a, b);
    public static Tensor operator >(Tensor a, Tensor b) => Ops.Gt(a, b);
    public static Tensor operator <=(Tensor a, Tensor b) => Ops.Le(a, b);
    public static Tensor operator >=(Tensor a, Tensor b) => Ops.Ge(a, b);
    public static Tensor operator <(Tensor a, float b) => Ops.Lt(a, b);
    public static Tensor operator >(Tensor a, float b) => Ops.Gt(a, b);
    public static Tensor operator <=(Tensor a, float b) => Ops.Le(a, b);
    public static Tensor operator >=(Tensor a, float b) => Ops.Ge(a, b);

    public Tensor Eq(Tensor other) => Ops.Eq(this, other);
    public Tensor Ne(Tensor other) => Ops.Ne(this, other);
    public Tensor Lt(Tensor other) => Ops.Lt(this, other);
    public Tensor Le(Tensor other) => Ops.Le(this, other);
    public Tensor Gt(Tensor other) => Ops.Gt(this, other);
    public Tensor Ge(Tensor other) => Ops.Ge(this, other);
    public Tensor Eq(float other) => Ops.Eq(this, other);
    public Tensor Ne(float other) => Ops.Ne(this, other);
    public Tensor Lt(float other) => Ops.Lt(this, other);
    public Tensor Le(float other) => Ops.Le(this, other);
    public Tensor Gt(float other) => Ops.Gt(this, other);
    public Tensor Ge(float other) => Ops.Ge(this, other);
    /// <summary>torch's masked_fill: <paramref name="value"/> where the mask is non-zero.</summary>
    public Tensor MaskedFill(Tensor mask, float value) => Ops.MaskedFill(this, mask, value);
    /// <summary>Index of the largest value along <paramref name="dim"/> (the first on ties).</summary>
    public IntTensor ArgMax(int dim, bool keepDim = false) => Ops.ArgMax(this, dim, keepDim);
    /// <summary>Index of the largest value in the flattened tensor, as a 0-d IntTensor (torch's argmax()).</summary>
    public IntTensor ArgMax() => Ops.ArgMax(Ops.Reshape(this, -1), 0);
    public Tensor Unsqueeze(int dim) => Ops.Unsqueeze(this, dim);
    /// <summary>Removes every dimension of size 1.</summary>
    public Tensor Squeeze() => Ops.Squeeze(this);
    /// <summary>Removes dimension <paramref name="dim"/> if its size is 1 (otherwise returns the tensor unchanged, as torch).</summary>
    public Tensor Squeeze(int dim) => Ops.Squeeze(this, dim);

    // Method forms of the common ops, as torch offers them on tensors.
    public Tensor MatMul(Tensor other) => Ops.MatMul(this, other);
    public Tensor Mm(Tensor other) => Ops.MatMul(this, other);
    public Tensor Sum() => Ops.Sum(this);
    public Tensor Sum(int dim, bool keepDim = false) => Ops.Sum(this, dim, keepDim);
    public Tensor Mean() => Ops.Mean(this);
    public Tensor Mean(int dim, bool keepDim = false) => Ops.Mean(this, dim, keepDim);
    public (Tensor Values, IntTensor Indices) Max(int dim, bool keepDim = false) => Ops.Max(this, dim, keepDim);
    public Tensor Reshape(params int[] shape) => Ops.Reshape(this, shape);
    public Tensor View(params int[] shape) => Ops.Reshape(this, shape);
    public Tensor Flatten(int startDim = 0, int endDim = -1) => Ops.Flatten(this, startDim, endDim);
    public Tensor Transpose(int dim0, int dim1) => Ops.Transpose(this, dim0, dim1);
    /// <summary>The transpose of a 2-D tensor (torch's <c>.t()</c>).</summary>
    public Tensor T() => Ops.Transpose(this, 0, 1);
    public Tensor Exp() => Ops.Exp(this);
    public Tensor Log() => Ops.Log(this);
    public Tensor Neg() => Ops.Neg(this);
    public Tensor Square() => Ops.Square(this);
    public Tensor Sqrt() => Ops.Sqrt(this);
    public Tensor Pow(float exponent) => Ops.Pow(this, exponent);
    public Tensor Sigmoid() => Ops.Sigmoid(this);
    public Tensor Tanh() => Ops.Tanh(this);
    public Tensor Relu() => Ops.Relu(this);
    public Tensor Clamp(float min = float.NegativeInfinity, float max = float.PositiveInfinity) => Ops.Clamp(this, min, max);
    public Tensor Softmax(int dim) => Ops.Softmax(this, dim);
    public Tensor LogSoftmax(int dim) => Ops.LogSoftmax(this, dim);
    public Tensor[] Chunk(int chunks, int dim = 0) => Ops.Chunk(this, chunks, dim);

    // In-place updates (torch's trailing-underscore methods), refused on tensors the tape needs.

    /// <summary>this += alpha · other (torch's add_(other, alpha=…)); shapes must match exactly.</summary>
    public Tensor AddInPlace(Tensor other, float alpha = 1f)
    {
        Autograd.EnsureMutable(this, "AddInPlace");
        if (!ShapeUtil.SameShape(shape, other.Dims))
            throw new ArgumentException($"AddInPlace: {ShapeString} and {other.ShapeString} differ.");
        Kernels.SpanLoops.MultiplyAddInPlace(Storage, other.Storage, alpha); // an optimizer's update: compiled optimised from the first step
        return this;
    }

    /// <summary>this -= other, elementwise with the same shape.</summary>
    public Tensor SubInPlace(Tensor other) => AddInPlace(other, -1f);

    public Tensor MulInPlace(float factor)
    {
        Autograd.EnsureMutable(this, "MulInPlace");
        Kernels.SpanLoops.Scale(Storage, factor);
        return this;
    }

    public Tensor FillInPlace(float value)
    {
        Autograd.EnsureMutable(this, "FillInPlace");
        Storage.AsSpan().Fill(value);
        return this;
    }

    public Tensor ZeroInPlace() => FillInPlace(0f);

    /// <summary>Copies values from a tensor of the same shape.</summary>
    public Tensor CopyFrom(Tensor source)
    {
        Autograd.EnsureMutable(this, "CopyFrom");
        if (!ShapeUtil.SameShape(shape, source.Dims))
            throw new ArgumentException($"CopyFrom: {ShapeString} and {source.ShapeString} differ.");
        source.Storage.CopyTo(Storage, 0);
        return this;
    }
}
