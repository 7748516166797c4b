namespace Kiln.Nn;

/// <summary>nn.MaxPool1d over [N, C, L] or [C, L]; the stride defaults to the kernel size.</summary>
public sealed class MaxPool1d(int kernelSize, int? stride = null, int padding = 0) : Module, ITensorModule
{
    public int KernelSize { get; } = kernelSize;
    public int Stride { get; } = stride ?? kernelSize;
    public int Padding { get; } = padding;

    public Tensor Forward(Tensor input) => Ops.MaxPool1d(input, KernelSize, Stride, Padding);

    protected override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}";
}

/// <summary>nn.AvgPool1d (count_include_pad=True) over [N, C, L] or [C, L]; the stride defaults to the kernel size.</summary>
public sealed class AvgPool1d(int kernelSize, int? stride = null, int padding = 0) : Module, ITensorModule
{
    public int KernelSize { get; } = kernelSize;
    public int Stride { get; } = stride ?? kernelSize;
    public int Padding { get; } = padding;

    public Tensor Forward(Tensor input) => Ops.AvgPool1d(input, KernelSize, Stride, Padding);

    protected override string ExtraRepr() => $"kernel_size=({KernelSize},), stride=({Stride},), padding=({Padding},)";
}

/// <summary>
/// The window of a 2-D pooling module (MaxPool2d, AvgPool2d): one size for both axes or a (height, width) pair;
/// the stride defaults to the kernel size.
/// </summary>
public abstract class Pool2dModule : Module, ITensorModule
{
    private protected Pool2dModule((int Height, int Width) kernelSize, (int Height, int Width)? stride, (int Height, int Width) padding)
    {
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding;
    }

    private protected static (int, int) Square(int size) => (size, size);

    public (int Height, int Width) KernelSize { get; }
    public (int Height, int Width) Stride { get; }
    public (int Height, int Width) Padding { get; }

    public abstract Tensor Forward(Tensor input);

    protected override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}";
}

/// <summary>nn.MaxPool2d over [N, C, H, W] or [C, H, W]; the stride defaults to the kernel size.</summary>
public sealed class MaxPool2d : Pool2dModule
{
    public MaxPool2d(int kernelSize, int? stride = null, int padding = 0)
        : base(Square(kernelSize), stride is int s ? Square(s) : null, Square(padding))
    {
    }

    public MaxPool2d((int Height, int Width) kernelSize, (int Height, int Width)? stride = null, (int Height, int Width) padding = default)
        : base(kernelSize, stride, padding)
    {
    }

    public override Tensor Forward(Tensor input) => Ops.MaxPool2d(input, KernelSize, Stride, Padding);
}

/// <summary>nn.AvgPool2d (count_include_pad=True) over [N, C, H, W] or [C, H, W]; the stride defaults to the kernel size.</summary>
public sealed class AvgPool2d : Pool2dModule
{
    public AvgPool2d(int kernelSize, int? stride = null, int padding = 0)
        : base(Square(kernelSize), stride is int s ? Square(s) : null, Square(padding))
    {
    }

    public AvgPool2d((int Height, int Width) kernelSize, (int Height, int Width)? stride = null, (int Height, int Width) padding = default)
        : base(kernelSize, stride, padding)
    {
    }

    public override Tensor Forward(Tensor input) => Ops.AvgPool2d(input, KernelSize, Stride, Padding);
}
