using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Kiln.Kernels;

/// <summary>
/// The shape of one 2-D convolution (torch's conv2d without dilation or groups): input [N, Cin, H, W], weight
/// [Cout, Cin, KH, KW], output [N, Cout, OH, OW]. A 1-D convolution is the case H = KH = 1 (see <see cref="For1d"/>).
/// </summary>
public readonly record struct Conv2dGeometry(
    int Batch, int InChannels, int Height, int Width,
    int OutChannels, int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth, int PaddingHeight, int PaddingWidth)
{
    public static Conv2dGeometry For1d(int batch, int inChannels, int length, int outChannels, int kernel, int stride, int padding) =>
        new(batch, inChannels, 1, length, outChannels, 1, kernel, 1, stride, 0, padding);

    public int OutputHeight => (Height + 2 * PaddingHeight - KernelHeight) / StrideHeight + 1;
    public int OutputWidth => (Width + 2 * PaddingWidth - KernelWidth) / StrideWidth + 1;

    /// <summary>Rows of the im2col matrix: one per weight element of an output channel (Cin·KH·KW).</summary>
    public int PatchSize => InChannels * KernelHeight * KernelWidth;

    public int InputImageSize => InChannels * Height * Width;
    public int OutputPlaneSize => OutputHeight * OutputWidth;
    public int OutputImageSize => OutChannels * OutputPlaneSize;

    /// <summary>
    /// Floats the <c>columnsScratch</c> buffer of the kernels needs (0 for a 1×1 kernel at stride 1 without padding):
    /// the im2col matrix, or where the direct kernels apply, the larger of it and their padded copies.
    /// </summary>
    public int ColumnsLength => IsPointwise ? 0
        : DirectConvolution.Applies(this) ? Math.Max(Im2ColLength, DirectConvolution.ScratchLength(this)) : Im2ColLength;

    /// <summary>Floats of one image's im2col matrix.</summary>
    internal int Im2ColLength => PatchSize * OutputPlaneSize;

    /// <summary>A 1×1 kernel at stride 1 without padding: the image itself is the im2col matrix.</summary>
    public bool IsPointwise => KernelHeight == 1 && KernelWidth == 1 && StrideHeight == 1 && StrideWidth == 1 && PaddingHeight == 0 && PaddingWidth == 0;
}

/// <summary>
/// Convolution kernels over caller-owned buffers, so generated code can run them on its own memory. Stride-1
/// convolutions with few channels run the direct kernels (<see cref="DirectConvolution"/>: no im2col matrix); the
/// rest run im2col + GEMM, one batch item at a time so the columns buffer stays the size of one image's patches.
/// </summary>
public static class Convolution
{
    /// <summary>Which implementation a call runs (tests pin one to compare them on one machine).</summary>
    internal enum Path { Auto, Im2Col, Direct256, Direct512 }

    /// <summary>The direct kernels' vector width for <paramref name="path"/>, or null for im2col.</summary>
    internal static bool? DirectWidth(Path path, in Conv2dGeometry g) => path switch
    {
        Path.Auto => DirectConvolution.Applies(g) ? DirectConvolution.HardwareWide : null,
        Path.Direct256 => false,
        Path.Direct512 => true,
        _ => null,
    };

    /// <summary>Multiply-adds below which a convolution stays on one thread (thread hand-off costs more than it saves).</summary>
    const long ParallelConvolutionWork = 1L << 22;

    /// <summary>Per-image multiply-adds from which one image's GEMM is big enough to be split across cores by the GEMM itself.</summary>
    const long ParallelImageWork = 1L << 21;

    /// <summary>
    /// Contiguous chunks of the batch to run in parallel (the eager op and generated code share this policy): one
    /// per allowed thread (<see cref="Kiln.Threads.Max"/>) when the convolution is large enough to pay for the
    /// threads, else one. Images whose own GEMM is large run one at a time, so the two levels of splitting never
    /// oversubscribe the cores.
    /// </summary>
    public static int BatchChunks(in Conv2dGeometry g)
    {
        long perImage = (long)g.OutChannels * g.PatchSize * g.OutputPlaneSize;
        int threads = Kiln.Threads.Max;
        if (threads < 2 || g.Batch < 2 || perImage * g.Batch < ParallelConvolutionWork || perImage >= ParallelImageWork) return 1;
        return Math.Min(g.Batch, threads);
    }

    /// <summary>y = conv(x, weight) + bias; <paramref name="bias"/> may be empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Conv2dForward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y,
        Span<float> columnsScratch, in Conv2dGeometry g) => Conv2dForward(x, weight, bias, y, columnsScratch, g, Path.Auto);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Conv2dForward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y,
        Span<float> columnsScratch, in Conv2dGeometry g, Path path)
    {
        CheckBuffers(x.Length, weight.Length, y.Length, columnsScratch.Length, g, "Conv2dForward");
        if (!bias.IsEmpty && bias.Length < g.OutChannels)
            throw new ArgumentException($"Conv2dForward: bias holds {bias.Length} floats, {g.OutChannels} needed.");
        if (DirectWidth(path, g) is bool wide)
        {
            DirectConvolution.Forward(x, weight, bias, y, columnsScratch, g, wide);
            return;
        }
        int inSize = g.InputImageSize, outSize = g.OutputImageSize, plane = g.OutputPlaneSize, patch = g.PatchSize;
        for (int n = 0; n < g.Batch; n++)
        {
            var yImage = y.Slice(n * outSize, outSize);
            if (bias.IsEmpty) yImage.Clear();
            else for (int c = 0; c < g.OutChannels; c++) SpanLoops.Fill(yImage.Slice(c * plane, plane), bias[c]);
            ReadOnlySpan<float> columns = Columns(x.Slice(n * inSize, inSize), columnsScratch, g);
            // [Cout, patch] · [patch, OH·OW]
            Gemm.Multiply(weight, columns, yImage, g.OutChannels, plane, patch, accumulate: true);
        }
    }

    /// <summary>gradInput = col2im(weightᵀ · gradOutput), written (not accumulated) into <paramref name="gradInput"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Conv2dBackwardInput(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, Span<float> gradInput,
        Span<float> columnsScratch, in Conv2dGeometry g) => Conv2dBackwardInput(gradOutput, weight, gradInput, columnsScratch, g, Path.Auto);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Conv2dBackwardInput(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, Span<float> gradInput,
        Span<float> columnsScratch, in Conv2dGeometry g, Path path)
    {
        CheckBuffers(gradInput.Length, weight.Length, gradOutput.Length, columnsScratch.Length, g, "Conv2dBackwardInput");
        if (DirectWidth(path, g) is bool wide)
        {
            DirectConvolution.BackwardInput(gradOutput, weight, gradInput, columnsScratch, g, wide);
            return;
        }
        int inSize = g.InputImageSize, outSize = g.OutputImageSize, plane = g.OutputPlaneSize, patch = g.PatchSize;
        for (int n = 0; n < g.Batch; n++)
        {
            var gyImage = gradOutput.Slice(n * outSize, outSize);
            var gxImage = gradInput.Slice(n * inSize, inSize);
            if (g.IsPointwise)
            {
                Gemm.Multiply(weight, gyImage, gxImage, patch, plane, g.OutChannels, transposeA: true);
                continue;
            }
            var columns = columnsScratch[..g.Im2ColLength];
            Gemm.Multiply(weight, gyImage, columns, patch, plane, g.OutChannels, transposeA: true);
            gxImage.Clear();
            Col2Im(columns, gxImage, g);
        }
    }

    /// <summary>
    /// gradWeight (+)= Σₙ gradOutputₙ · im2col(xₙ)ᵀ and gradBias (+)= Σ gradOutput over batch and positions. Either
    /// gradient may be an empty span to skip it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Conv2dBackwardWeight(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradWeight, Span<float> gradBias,
        Span<float> columnsScratch, in Conv2dGeometry g, bool accumulate = false)
        => Conv2dBackwardWeight(x, gradOutput, gradWeight, gradBias, columnsScratch, g, accumulate, Path.Auto);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Conv2dBackwardWeight(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradWeight, Span<float> gradBias,
        Span<float> columnsScratch, in Conv2dGeometry g, bool accumulate, Path path)
    {
        int weightLength = g.OutChannels * g.PatchSize;
        CheckBuffers(x.Length, gradWeight.IsEmpty ? weightLength : gradWeight.Length, gradOutput.Length, columnsScratch.Length, g, "Conv2dBackwardWeight");
        if (!gradBias.IsEmpty && gradBias.Length < g.OutChannels)
            throw new ArgumentException($"Conv2dBackwardWeight: gradBias holds {gradBias.Length} floats, {g.OutChannels} needed.");
        int inSize = g.InputImageSize, outSize = g.OutputImageSize, plane = g.OutputPlaneSize, patch = g.PatchSize;
        bool direct = false;
        if (!gradWeight.IsEmpty && DirectWidth(path, g) is bool wide)
        {
            DirectConvolution.BackwardWeight(x, gradOutput, gradWeight, columnsScratch, g, accumulate, wide);
            direct = true;
        }
        if (!accumulate)
        {
            if (!gradWeight.IsEmpty && !direct) gradWeight[..weightLength].Clear();
            if (!gradBias.IsEmpty) gradBias[..g.OutChannels].Clear();
        }
        for (int n = 0; n < g.Batch; n++)
        {
            var gyImage = gradOutput.Slice(n * outSize, outSize);
            if (!gradWeight.IsEmpty && !direct)
            {
                ReadOnlySpan<float> columns = Columns(x.Slice(n * inSize, inSize), columnsScratch, g);
                // [Cout, OH·OW] · [patch, OH·OW]ᵀ
                Gemm.Multiply(gyImage, columns, gradWeight, g.OutChannels, patch, plane, transposeB: true, accumulate: true);
            }
            if (!gradBias.IsEmpty)
                for (int c = 0; c < g.OutChannels; c++) gradBias[c] += PlaneSum(gyImage.Slice(c * plane, plane));
        }
    }

    /// <summary>Σ plane, vectorised here rather than through TensorPrimitives, whose generic code starts out unoptimised.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static float PlaneSum(ReadOnlySpan<float> plane)
    {
        int i = 0;
        float total = 0;
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated && plane.Length >= 8)
        {
            var sums = System.Runtime.Intrinsics.Vector256<float>.Zero;
            for (; i <= plane.Length - 8; i += 8) sums += System.Runtime.Intrinsics.Vector256.Create(plane.Slice(i, 8));
            total = System.Runtime.Intrinsics.Vector256.Sum(sums);
        }
        for (; i < plane.Length; i++) total += plane[i];
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static ReadOnlySpan<float> Columns(ReadOnlySpan<float> image, Span<float> columnsScratch, in Conv2dGeometry g)
    {
        if (g.IsPointwise) return image;
        var columns = columnsScratch[..g.Im2ColLength];
        Im2Col(image, columns, g);
        return columns;
    }

    /// <summary>
    /// Unfolds one image [Cin, H, W] into columns [Cin·KH·KW, OH·OW]: row (c, i, j) holds input pixel
    /// (c, oh·SH − PH + i, ow·SW − PW + j) for every output position, 0 where that falls in the padding.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Im2Col(ReadOnlySpan<float> image, Span<float> columns, in Conv2dGeometry g)
    {
        int oh = g.OutputHeight, ow = g.OutputWidth, h = g.Height, w = g.Width;
        int row = 0;
        for (int c = 0; c < g.InChannels; c++)
        {
            var channel = image.Slice(c * h * w, h * w);
            for (int ki = 0; ki < g.KernelHeight; ki++)
                for (int kj = 0; kj < g.KernelWidth; kj++, row++)
                {
                    var dst = columns.Slice(row * oh * ow, oh * ow);
                    var (owStart, owEnd) = ValidRange(kj, g.StrideWidth, g.PaddingWidth, w, ow);
                    for (int y = 0; y < oh; y++)
                    {
                        var line = dst.Slice(y * ow, ow);
                        int iy = y * g.StrideHeight - g.PaddingHeight + ki;
                        if ((uint)iy >= (uint)h || owStart >= owEnd)
                        {
                            line.Clear();
                            continue;
                        }
                        line[..owStart].Clear();
                        line[owEnd..].Clear();
                        var src = channel.Slice(iy * w, w);
                        int ix = owStart * g.StrideWidth - g.PaddingWidth + kj;
                        if (g.StrideWidth == 1) src.Slice(ix, owEnd - owStart).CopyTo(line[owStart..owEnd]);
                        else for (int x = owStart; x < owEnd; x++, ix += g.StrideWidth) line[x] = src[ix];
                    }
                }
        }
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: adds every column entry back onto the pixel it was read from.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Col2Im(ReadOnlySpan<float> columns, Span<float> image, in Conv2dGeometry g)
    {
        int oh = g.OutputHeight, ow = g.OutputWidth, h = g.Height, w = g.Width;
        int row = 0;
        for (int c = 0; c < g.InChannels; c++)
        {
            var channel = image.Slice(c * h * w, h * w);
            for (int ki = 0; ki < g.KernelHeight; ki++)
                for (int kj = 0; kj < g.KernelWidth; kj++, row++)
                {
                    var src = columns.Slice(row * oh * ow, oh * ow);
                    var (owStart, owEnd) = ValidRange(kj, g.StrideWidth, g.PaddingWidth, w, ow);
                    if (owStart >= owEnd) continue;
                    for (int y = 0; y < oh; y++)
                    {
                        int iy = y * g.StrideHeight - g.PaddingHeight + ki;
                        if ((uint)iy >= (uint)h) continue;
                        var line = src.Slice(y * ow, ow);
                        var dst = channel.Slice(iy * w, w);
                        int ix = owStart * g.StrideWidth - g.PaddingWidth + kj;
                        if (g.StrideWidth == 1)
                        {
                            SpanLoops.AddInPlace(dst.Slice(ix, owEnd - owStart), line[owStart..owEnd]);
                        }
                        else for (int x = owStart; x < owEnd; x++, ix += g.StrideWidth) dst[ix] += line[x];
                    }
                }
        }
    }

    /// <summary>The output columns [start, end) whose input column x·stride − padding + k lies inside [0, width).</summary>
    static (int Start, int End) ValidRange(int k, int stride, int padding, int width, int outWidth)
    {
        int offset = k - padding;
        // smallest x with x·stride + offset >= 0, and one past the largest with x·stride + offset <= width − 1
        int start = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int end = width - 1 - offset < 0 ? 0 : (width - 1 - offset) / stride + 1;
        return (Math.Min(start, outWidth), Math.Clamp(end, 0, outWidth));
    }

    static void CheckBuffers(int inputLength, int weightLength, int outputLength, int scratchLength, in Conv2dGeometry g, string kernel)
    {
        if (g.OutputHeight <= 0 || g.OutputWidth <= 0 || g.StrideHeight <= 0 || g.StrideWidth <= 0)
            throw new ArgumentException($"{kernel}: invalid geometry {g}.");
        if (inputLength < (long)g.Batch * g.InputImageSize || weightLength < (long)g.OutChannels * g.PatchSize
            || outputLength < (long)g.Batch * g.OutputImageSize || scratchLength < g.ColumnsLength)
            throw new ArgumentException($"{kernel}: buffers too small for {g} (input {inputLength}, weight {weightLength}, output {outputLength}, columns {scratchLength}; need {g.ColumnsLength} columns).");
    }
}
