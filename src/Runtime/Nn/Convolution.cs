namespace Kiln.Nn;

/// <summary>
/// 1-D convolution (nn.Conv1d) over [N, C_in, L] or [C_in, L]. Weight [C_out, C_in, K] with PyTorch's default
/// initialisation: kaiming_uniform(a = sqrt(5)), i.e. U(-1/sqrt(C_in·K), 1/sqrt(C_in·K)), and the same bound for the bias.
/// </summary>
public sealed class Conv1d : Module, ITensorModule
{
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, bool bias = true, Rng? rng = null)
    {
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"Conv1d: channels and kernel size must be positive, got in {inChannels}, out {outChannels}, kernel {kernelSize}.");
        if (stride <= 0 || padding < 0)
            throw new ArgumentOutOfRangeException(nameof(stride), $"Conv1d: stride must be positive and padding non-negative, got stride {stride}, padding {padding}.");
        (InChannels, OutChannels, KernelSize, Stride, Padding) = (inChannels, outChannels, kernelSize, stride, padding);
        Weight = new Parameter(Init.KaimingUniform(Tensor.Zeros(outChannels, inChannels, kernelSize), Math.Sqrt(5), rng));
        if (bias) Bias = new Parameter(Init.FanInUniform(Tensor.Zeros(outChannels), inChannels * kernelSize, rng));
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    public Tensor Forward(Tensor input) => Ops.Conv1d(input, Weight, Bias, Stride, Padding);

    protected override string ExtraRepr() =>
        $"{InChannels}, {OutChannels}, kernel_size=({KernelSize},), stride=({Stride},)" + (Padding != 0 ? $", padding=({Padding},)" : "") + (Bias is null ? ", bias=False" : "");
}

/// <summary>
/// 2-D convolution (nn.Conv2d) over [N, C_in, H, W] or [C_in, H, W]. Weight [C_out, C_in, KH, KW] with PyTorch's
/// default initialisation: U(-1/sqrt(C_in·KH·KW), 1/sqrt(C_in·KH·KW)) for weight and bias.
/// </summary>
public sealed class Conv2d : Module, ITensorModule
{
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, bool bias = true, Rng? rng = null)
        : this(inChannels, outChannels, (kernelSize, kernelSize), (stride, stride), (padding, padding), bias, rng)
    {
    }

    /// <param name="stride">Defaults to (1, 1).</param>
    /// <param name="padding">Defaults to (0, 0).</param>
    public Conv2d(int inChannels, int outChannels, (int Height, int Width) kernelSize, (int Height, int Width)? stride = null,
        (int Height, int Width)? padding = null, bool bias = true, Rng? rng = null)
    {
        var s = stride ?? (1, 1);
        var p = padding ?? (0, 0);
        if (inChannels <= 0 || outChannels <= 0 || kernelSize.Height <= 0 || kernelSize.Width <= 0)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"Conv2d: channels and kernel size must be positive, got in {inChannels}, out {outChannels}, kernel {kernelSize}.");
        if (s.Height <= 0 || s.Width <= 0 || p.Height < 0 || p.Width < 0)
            throw new ArgumentOutOfRangeException(nameof(stride), $"Conv2d: stride must be positive and padding non-negative, got stride {s}, padding {p}.");
        (InChannels, OutChannels, KernelSize, Stride, Padding) = (inChannels, outChannels, kernelSize, s, p);
        Weight = new Parameter(Init.KaimingUniform(Tensor.Zeros(outChannels, inChannels, kernelSize.Height, kernelSize.Width), Math.Sqrt(5), rng));
        if (bias) Bias = new Parameter(Init.FanInUniform(Tensor.Zeros(outChannels), inChannels * kernelSize.Height * kernelSize.Width, rng));
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public (int Height, int Width) KernelSize { get; }
    public (int Height, int Width) Stride { get; }
    public (int Height, int Width) Padding { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    public Tensor Forward(Tensor input) => Ops.Conv2d(input, Weight, Bias, Stride, Padding);

    protected override string ExtraRepr() =>
        $"{InChannels}, {OutChannels}, kernel_size=({KernelSize.Height}, {KernelSize.Width}), stride=({Stride.Height}, {Stride.Width})" +
        (Padding != (0, 0) ? $", padding=({Padding.Height}, {Padding.Width})" : "") + (Bias is null ? ", bias=False" : "");
}
