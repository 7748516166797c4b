using System.Buffers;
using System.Numerics.Tensors;
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
        if (x.Rank != 2 && x.Rank != 3) throw new ArgumentException($"{name}: input must be 3-D [N, C_in, L] (or 2-D [C_in, L]), got {x.ShapeString}.");
        if (weight.Rank != 3) throw new ArgumentException($"{name}: weight must be 3-D [C_out, C_in, K], got {weight.ShapeString}.");
        CheckStrideAndPadding(name, x, stride, padding);
        var batched = x.Rank == 2 ? Unsqueeze(x, 0) : x;
        var g = Conv2dGeometry.For1d(batched.Dims[0], batched.Dims[1], batched.Dims[2], weight.Dims[0], weight.Dims[2], stride, padding);
        CheckConvolution(name, x, weight, bias, g, oneDimensional: true);
        var y = ConvolutionCore(name, batched, weight, bias, g);
        return x.Rank == 2 ? Squeeze(y, 0) : y;
    }

    /// <summary>
    /// torch.nn.functional.conv2d with the same stride and padding along both axes: x [N, Cin, H, W] (or unbatched
    /// [Cin, H, W]), weight [Cout, Cin, KH, KW] (kernels may be rectangular), bias [Cout].
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0) =>
        Conv2d(x, weight, bias, (stride, stride), (padding, padding));

    /// <summary>torch.nn.functional.conv2d with (height, width) stride and padding.</summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, (int Height, int Width) stride, (int Height, int Width) padding)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        const string name = "Conv2d";
        if (x.Rank != 3 && x.Rank != 4) throw new ArgumentException($"{name}: input must be 4-D [N, C_in, H, W] (or 3-D [C_in, H, W]), got {x.ShapeString}.");
        if (weight.Rank != 4) throw new ArgumentException($"{name}: weight must be 4-D [C_out, C_in, KH, KW], got {weight.ShapeString}.");
        CheckStrideAndPadding(name, x, stride.Height, padding.Height);
        CheckStrideAndPadding(name, x, stride.Width, padding.Width);
        var batched = x.Rank == 3 ? Unsqueeze(x, 0) : x;
        var g = new Conv2dGeometry(batched.Dims[0], batched.Dims[1], batched.Dims[2], batched.Dims[3], weight.Dims[0], weight.Dims[2], weight.Dims[3],
            stride.Height, stride.Width, padding.Height, padding.Width);
        CheckConvolution(name, x, weight, bias, g, oneDimensional: false);
        var y = ConvolutionCore(name, batched, weight, bias, g);
        return x.Rank == 3 ? Squeeze(y, 0) : y;
    }

    static void CheckStrideAndPadding(string name, Tensor x, int stride, int padding)
    {
        if (stride <= 0) throw new ArgumentOutOfRangeException(nameof(stride), $"{name}: stride must be positive, got {stride} (input {x.ShapeString}).");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), $"{name}: padding must be non-negative, got {padding} (input {x.ShapeString}).");
    }

    /// <summary>Checks the weight and bias against the input; messages show the input as the caller passed it.</summary>
    static void CheckConvolution(string name, Tensor x, Tensor weight, Tensor? bias, in Conv2dGeometry g, bool oneDimensional)
    {
        foreach (int d in weight.Dims)
            if (d == 0) throw new ArgumentException($"{name}: weight {weight.ShapeString} has a zero-sized dimension.");
        if (weight.Dims[1] != g.InChannels)
            throw new ArgumentException($"{name}: input {x.ShapeString} and weight {weight.ShapeString}: the input has {g.InChannels} channels but the weight expects {weight.Dims[1]}.");
        if (bias is not null && (bias.Rank != 1 || bias.Dims[0] != g.OutChannels))
            throw new ArgumentException($"{name}: bias {bias.ShapeString} does not match weight {weight.ShapeString} (expected [{g.OutChannels}]).");
        int paddedHeight = g.Height + 2 * g.PaddingHeight, paddedWidth = g.Width + 2 * g.PaddingWidth;
        if (g.KernelHeight > paddedHeight || g.KernelWidth > paddedWidth)
        {
            string kernel = oneDimensional ? g.KernelWidth.ToString() : $"{g.KernelHeight}x{g.KernelWidth}";
            string padded = oneDimensional ? paddedWidth.ToString() : $"{paddedHeight}x{paddedWidth}";
            throw new ArgumentException($"{name}: input {x.ShapeString} and weight {weight.ShapeString}: kernel size {kernel} is larger than the padded input size {padded}.");
        }
    }

    static Tensor ConvolutionCore(string name, Tensor x, Tensor weight, Tensor? bias, Conv2dGeometry g)
    {
        // x is batched here: [N, Cin, L] or [N, Cin, H, W]
        var outShape = x.Rank == 3
            ? new[] { g.Batch, g.OutChannels, g.OutputWidth }
            : new[] { g.Batch, g.OutChannels, g.OutputHeight, g.OutputWidth };
        // Conv2dForward fills each output image with the bias (or zeros) before adding the product: every element is written.
        var result = Uninitialized((int)ShapeUtil.Count(outShape, name));
        float[]? biasData = bias?.Storage;
        ForEachBatchChunk(g, (chunk, start, sub, columns) =>
            Convolution.Conv2dForward(x.Storage.AsSpan(start * g.InputImageSize, sub.Batch * g.InputImageSize), weight.Storage, biasData,
                result.AsSpan(start * g.OutputImageSize, sub.Batch * g.OutputImageSize), columns, sub));
        var output = Tensor.Wrap(result, outShape);

        var inputs = bias is null ? new[] { x, weight } : new[] { x, weight, bias };
        if (!Autograd.ShouldRecord(inputs)) return output;
        return Autograd.Record(output, name, inputs, gradOutput =>
        {
            var grads = new Tensor?[inputs.Length];
            var gy = gradOutput.Storage;
            if (x.RequiresGrad)
            {
                var gx = Uninitialized(x.Count); // every image written (not accumulated) by Conv2dBackwardInput
                ForEachBatchChunk(g, (chunk, start, sub, columns) =>
                    Convolution.Conv2dBackwardInput(gy.AsSpan(start * g.OutputImageSize, sub.Batch * g.OutputImageSize), weight.Storage,
                        gx.AsSpan(start * g.InputImageSize, sub.Batch * g.InputImageSize), columns, sub));
                grads[0] = Tensor.Wrap(gx, x.Dims);
            }
            bool needWeight = weight.RequiresGrad, needBias = bias is not null && bias.RequiresGrad;
            if (needWeight || needBias)
            {
                // Each chunk sums its images into its own buffers; the chunks' sums are added afterwards.
                int chunks = BatchChunks(g);
                var gw = new float[chunks][];
                var gb = new float[chunks][];
                for (int i = 0; i < chunks; i++)
                {
                    gw[i] = needWeight ? new float[weight.Count] : Array.Empty<float>();
                    gb[i] = needBias ? new float[g.OutChannels] : Array.Empty<float>();
                }
                ForEachBatchChunk(g, (chunk, start, sub, columns) =>
                    Convolution.Conv2dBackwardWeight(x.Storage.AsSpan(start * g.InputImageSize, sub.Batch * g.InputImageSize),
                        gy.AsSpan(start * g.OutputImageSize, sub.Batch * g.OutputImageSize), gw[chunk], gb[chunk], columns, sub));
                for (int i = 1; i < chunks; i++)
                {
                    TensorPrimitives.Add(gw[0], gw[i], gw[0]);
                    TensorPrimitives.Add(gb[0], gb[i], gb[0]);
                }
                if (needWeight) grads[1] = Tensor.Wrap(gw[0], weight.Dims);
                if (needBias) grads[2] = Tensor.Wrap(gb[0], bias!.Dims);
            }
            return grads;
        });
    }

    delegate void BatchChunkBody(int chunk, int start, Conv2dGeometry chunkGeometry, Span<float> columnsScratch);

    static int BatchChunks(in Conv2dGeometry g) => Convolution.BatchChunks(g);

    /// <summary>
    /// Runs <paramref name="body"/> over contiguous chunks of the batch (in parallel when there are several), each
    /// with its own pooled im2col scratch; the columns are not kept for the backward pass, which rebuilds them.
    /// </summary>
    static void ForEachBatchChunk(Conv2dGeometry g, BatchChunkBody body)
    {
        int chunks = BatchChunks(g);
        void Run(int chunk)
        {
            int start = (int)((long)g.Batch * chunk / chunks), end = (int)((long)g.Batch * (chunk + 1) / chunks);
            var columns = ArrayPool<float>.Shared.Rent(g.ColumnsLength);
            try
            {
                body(chunk, start, g with { Batch = end - start }, columns);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(columns);
            }
        }
        if (chunks == 1) Run(0);
        // chunks <= Threads.Max (BatchChunks), and the calling thread runs chunks too.
        else Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, Run);
    }
}
