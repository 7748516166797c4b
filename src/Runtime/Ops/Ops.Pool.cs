using Kiln.Kernels;

namespace Kiln;

public static partial class Ops
{
    /// <summary>torch.nn.functional.max_pool1d over x [N, C, L] (or [C, L]); the stride defaults to the kernel size.</summary>
    public static Tensor MaxPool1d(Tensor x, int kernel, int? stride = null, int padding = 0) =>
        Pool1d("MaxPool1d", x, kernel, stride ?? kernel, padding, max: true);

    /// <summary>torch.nn.functional.avg_pool1d (count_include_pad=True) over x [N, C, L] (or [C, L]).</summary>
    public static Tensor AvgPool1d(Tensor x, int kernel, int? stride = null, int padding = 0) =>
        Pool1d("AvgPool1d", x, kernel, stride ?? kernel, padding, max: false);

    /// <summary>torch.nn.functional.max_pool2d with a square window over x [N, C, H, W] (or [C, H, W]).</summary>
    public static Tensor MaxPool2d(Tensor x, int kernel, int? stride = null, int padding = 0) =>
        Pool2d("MaxPool2d", x, (kernel, kernel), stride is int s ? (s, s) : (kernel, kernel), (padding, padding), max: true);

    /// <summary>torch.nn.functional.max_pool2d with (height, width) kernel, stride (default: the kernel) and padding.</summary>
    public static Tensor MaxPool2d(Tensor x, (int Height, int Width) kernel, (int Height, int Width)? stride = null, (int Height, int Width) padding = default) =>
        Pool2d("MaxPool2d", x, kernel, stride ?? kernel, padding, max: true);

    /// <summary>torch.nn.functional.avg_pool2d (count_include_pad=True) with a square window.</summary>
    public static Tensor AvgPool2d(Tensor x, int kernel, int? stride = null, int padding = 0) =>
        Pool2d("AvgPool2d", x, (kernel, kernel), stride is int s ? (s, s) : (kernel, kernel), (padding, padding), max: false);

    /// <summary>torch.nn.functional.avg_pool2d (count_include_pad=True) with (height, width) kernel, stride and padding.</summary>
    public static Tensor AvgPool2d(Tensor x, (int Height, int Width) kernel, (int Height, int Width)? stride = null, (int Height, int Width) padding = default) =>
        Pool2d("AvgPool2d", x, kernel, stride ?? kernel, padding, max: false);

    static Tensor Pool1d(string name, Tensor x, int kernel, int stride, int padding, bool max)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 2 && x.Rank != 3) throw new ArgumentException($"{name}: input must be 3-D [N, C, L] (or 2-D [C, L]), got {x.ShapeString}.");
        CheckPoolWindow(name, x, kernel, stride, padding);
        // Batched or not, every leading element is one independent plane to pool.
        int planes = ShapeUtil.CountInt(x.Dims.AsSpan(0, x.Rank - 1)), length = x.Dims[^1];
        var g = Pool2dGeometry.For1d(planes, length, kernel, stride, padding);
        if (kernel > length + 2 * padding)
            throw new ArgumentException($"{name}: input {x.ShapeString}: kernel size {kernel} is larger than the padded input size {length + 2 * padding}.");
        var outShape = (int[])x.Dims.Clone();
        outShape[^1] = g.OutputWidth;
        return PoolCore(name, x, g, outShape, max);
    }

    static Tensor Pool2d(string name, Tensor x, (int Height, int Width) kernel, (int Height, int Width) stride, (int Height, int Width) padding, bool max)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 3 && x.Rank != 4) throw new ArgumentException($"{name}: input must be 4-D [N, C, H, W] (or 3-D [C, H, W]), got {x.ShapeString}.");
        CheckPoolWindow(name, x, kernel.Height, stride.Height, padding.Height);
        CheckPoolWindow(name, x, kernel.Width, stride.Width, padding.Width);
        int planes = ShapeUtil.CountInt(x.Dims.AsSpan(0, x.Rank - 2)), height = x.Dims[^2], width = x.Dims[^1];
        var g = new Pool2dGeometry(planes, height, width, kernel.Height, kernel.Width, stride.Height, stride.Width, padding.Height, padding.Width);
        int paddedHeight = height + 2 * padding.Height, paddedWidth = width + 2 * padding.Width;
        if (kernel.Height > paddedHeight || kernel.Width > paddedWidth)
            throw new ArgumentException($"{name}: input {x.ShapeString}: kernel size {kernel.Height}x{kernel.Width} is larger than the padded input size {paddedHeight}x{paddedWidth}.");
        var outShape = (int[])x.Dims.Clone();
        outShape[^2] = g.OutputHeight;
        outShape[^1] = g.OutputWidth;
        return PoolCore(name, x, g, outShape, max);
    }

    static void CheckPoolWindow(string name, Tensor x, int kernel, int stride, int padding)
    {
        if (kernel <= 0) throw new ArgumentOutOfRangeException(nameof(kernel), $"{name}: kernel size must be positive, got {kernel} (input {x.ShapeString}).");
        if (stride <= 0) throw new ArgumentOutOfRangeException(nameof(stride), $"{name}: stride must be positive, got {stride} (input {x.ShapeString}).");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), $"{name}: padding must be non-negative, got {padding} (input {x.ShapeString}).");
        // torch's rule: a window may never lie entirely in the padding.
        if (padding > kernel / 2)
            throw new ArgumentOutOfRangeException(nameof(padding), $"{name}: padding {padding} must be at most half the kernel size {kernel} (input {x.ShapeString}).");
    }

    static Tensor PoolCore(string name, Tensor x, Pool2dGeometry g, int[] outShape, bool max)
    {
        var result = Uninitialized((int)ShapeUtil.Count(outShape, name)); // both forward kernels write every output
        bool record = Autograd.ShouldRecord(x);
        int[]? argmax = null;
        if (max)
        {
            // MaxPool2dForward writes every index; the node hands the array back when the reverse pass releases it.
            argmax = record ? GradientPool.TryRentIndices(result.Length) ?? GC.AllocateUninitializedArray<int>(result.Length) : null;
            Pooling.MaxPool2dForward(x.Storage, result, argmax, g);
        }
        else Pooling.AvgPool2dForward(x.Storage, result, g);
        var output = Tensor.Wrap(result, outShape);
        if (!record) return output;
        return Autograd.Record(output, name, new[] { x }, gradOutput =>
        {
            var gx = Uninitialized(x.Count); // both backward kernels clear it first
            if (max) Pooling.MaxPool2dBackward(gradOutput.Storage, argmax, gx, g);
            else Pooling.AvgPool2dBackward(gradOutput.Storage, gx, g);
            return new Tensor?[] { Tensor.Wrap(gx, x.Dims) };
        }, onRelease: argmax is null ? null : () => GradientPool.ReturnIndices(argmax));
    }
}
