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

/// <summary>nn.MaxPool2d over [N, C, H, W] or [C, H, W]; the stride defaults to the kernel size.</summary>
public sealed class MaxPool2d : Module, ITensorModule
{
    public MaxPool2d(int kernelSize, int? stride = null, int padding = 0)
        : this((kernelSize, kernelSize), stride is int s ? (s, s) : null, (padding, padding))
    {
    }

    public MaxPool2d((int Height, int Width) kernelSize, (int Height, int Width)? stride = null, (int Height, int Width) padding = default)
    {
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding;
    }

    public (int Height, int Width) KernelSize { get; }
    public (int Height, int Width) Stride { get; }
    public (int Height, int Width) Padding { get; }

    public Tensor Forward(Tensor input) => Ops.MaxPool2d(input, KernelSize, Stride, Padding);

    protected override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}";
}

/// <summary>nn.AvgPool2d (count_include_pad=True) over [N, C, H, W] or [C, H, W]; the stride defaults to the kernel size.</summary>
public sealed class AvgPool2d : Module, ITensorModule
{
    public AvgPool2d(int kernelSize, int? stride = null, int padding = 0)
        : this((kernelSize, kernelSize), stride is int s ? (s, s) : null, (padding, padding))
    {
    }

    public AvgPool2d((int Height, int Width) kernelSize, (int Height, int Width)? stride = null, (int Height, int Width) padding = default)
    {
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding;
    }

    public (int Height, int Width) KernelSize { get; }
    public (int Height, int Width) Stride { get; }
    public (int Height, int Width) Padding { get; }

    public Tensor Forward(Tensor input) => Ops.AvgPool2d(input, KernelSize, Stride, Padding);

    protected override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}";
}
