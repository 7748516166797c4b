using Kiln.Kernels;

namespace Kiln;

public static partial class Ops
{
    /// <summary>
    /// torch.nn.functional.conv1d: x [N, Cin, L] (or unbatched [Cin, L]), weight [Cout, Cin, K], bias [Cout];
    /// output [N, Cout, (L + 2·padding − K) / stride + 1].
    /// </summary>
    public static Tensor Conv1d(Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        const string name = "Conv1d";
        if (x.Rank == 2) return Squeeze(Conv1d(Unsqueeze(x, 0), weight, bias, stride, padding), 0);
        if (x.Rank != 3) throw new ArgumentException($"{name}: input must be 3-D [N, C_in, L] (or 2-D [C_in, L]), got {x.ShapeString}.");
        if (weight.Rank != 3) throw new ArgumentException($"{name}: weight must be 3-D [C_out, C_in, K], got {weight.ShapeString}.");
        CheckStrideAndPadding(name, stride, padding);
        var g = Conv2dGeometry.For1d(x.Dims[0], x.Dims[1], x.Dims[2], weight.Dims[0], weight.Dims[2], stride, padding);
        CheckConvolution(name, x, weight, bias, g);
        return ConvolutionCore(name, x, weight, bias, g);
    }

    /// <summary>
    /// torch.nn.functional.conv2d with the same stride and padding along both axes: x [N, Cin, H, W] (or unbatched
    /// [Cin, H, W]), weight [Cout, Cin, KH, KW] (kernels may be rectangular), bias [Cout].
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0)
    {
        CheckStrideAndPadding("Conv2d", stride, padding);
        return Conv2d(x, weight, bias, (stride, stride), (padding, padding));
    }

    /// <summary>torch.nn.functional.conv2d with (height, width) stride and padding.</summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, (int Height, int Width) stride, (int Height, int Width) padding)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        const string name = "Conv2d";
        if (x.Rank == 3) return Squeeze(Conv2d(Unsqueeze(x, 0), weight, bias, stride, padding), 0);
        if (x.Rank != 4) throw new ArgumentException($"{name}: input must be 4-D [N, C_in, H, W] (or 3-D [C_in, H, W]), got {x.ShapeString}.");
        if (weight.Rank != 4) throw new ArgumentException($"{name}: weight must be 4-D [C_out, C_in, KH, KW], got {weight.ShapeString}.");
        CheckStrideAndPadding(name, stride.Height, padding.Height);
        CheckStrideAndPadding(name, stride.Width, padding.Width);
        var g = new Conv2dGeometry(x.Dims[0], x.Dims[1], x.Dims[2], x.Dims[3], weight.Dims[0], weight.Dims[2], weight.Dims[3],
            stride.Height, stride.Width, padding.Height, padding.Width);
        CheckConvolution(name, x, weight, bias, g);
        return ConvolutionCore(name, x, weight, bias, g);
    }

    static void CheckStrideAndPadding(string name, int stride, int padding)
    {
        if (stride <= 0) throw new ArgumentOutOfRangeException(nameof(stride), $"{name}: stride must be positive, got {stride}.");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), $"{name}: padding must be non-negative, got {padding}.");
    }

    static void CheckConvolution(string name, Tensor x, Tensor weight, Tensor? bias, in Conv2dGeometry g)
    {
        foreach (int d in weight.Dims)
            if (d == 0) throw new ArgumentException($"{name}: weight {weight.ShapeString} has a zero-sized dimension.");
        if (weight.Dims[1] != x.Dims[1])
            throw new ArgumentException($"{name}: input {x.ShapeString} and weight {weight.ShapeString}: the input has {x.Dims[1]} channels but the weight expects {weight.Dims[1]}.");
        if (bias is not null && (bias.Rank != 1 || bias.Dims[0] != g.OutChannels))
            throw new ArgumentException($"{name}: bias {bias.ShapeString} does not match weight {weight.ShapeString} (expected [{g.OutChannels}]).");
        int paddedHeight = g.Height + 2 * g.PaddingHeight, paddedWidth = g.Width + 2 * g.PaddingWidth;
        if (g.KernelHeight > paddedHeight || g.KernelWidth > paddedWidth)
        {
            string kernel = x.Rank == 3 ? g.KernelWidth.ToString() : $"{g.KernelHeight}x{g.KernelWidth}";
            string padded = x.Rank == 3 ? paddedWidth.ToString() : $"{paddedHeight}x{paddedWidth}";
            throw new ArgumentException($"{name}: input {x.ShapeString} and weight {weight.ShapeString}: kernel size {kernel} is larger than the padded input size {padded}.");
        }
    }

    static Tensor ConvolutionCore(string name, Tensor x, Tensor weight, Tensor? bias, Conv2dGeometry g)
    {
        var outShape = x.Rank == 3
            ? new[] { g.Batch, g.OutChannels, g.OutputWidth }
            : new[] { g.Batch, g.OutChannels, g.OutputHeight, g.OutputWidth };
        var result = new float[ShapeUtil.Count(outShape, name)];
        var columns = new float[g.ColumnsLength];
        Convolution.Conv2dForward(x.Storage, weight.Storage, bias is null ? default : bias.Storage, result, columns, g);
        var output = Tensor.Wrap(result, outShape);

        var inputs = bias is null ? new[] { x, weight } : new[] { x, weight, bias };
        if (!Autograd.ShouldRecord(inputs)) return output;
        return Autograd.Record(output, name, inputs, gradOutput =>
        {
            var grads = new Tensor?[inputs.Length];
            var gy = gradOutput.Storage;
            if (x.RequiresGrad)
            {
                var gx = new float[x.Count];
                Convolution.Conv2dBackwardInput(gy, weight.Storage, gx, columns, g);
                grads[0] = Tensor.Wrap(gx, x.Dims);
            }
            bool needBias = bias is not null && bias.RequiresGrad;
            if (weight.RequiresGrad || needBias)
            {
                var gw = weight.RequiresGrad ? new float[weight.Count] : null;
                var gb = needBias ? new float[g.OutChannels] : null;
                Convolution.Conv2dBackwardWeight(x.Storage, gy, gw, gb, columns, g);
                if (gw is not null) grads[1] = Tensor.Wrap(gw, weight.Dims);
                if (gb is not null) grads[2] = Tensor.Wrap(gb, bias!.Dims);
            }
            return grads;
        });
    }
}
