using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Kiln.Kernels;

/// <summary>
/// Stride-1 convolutions with few channels (the CNN's 1→8 and 8→16, 3×3) without an im2col matrix. Each image is
/// copied once into a zero-padded buffer of rows Wp = W + 2·PW wide; output position (oy, ox) then reads input tap
/// (ci, ki, kj) at the flat index ci·Hp·Wp + ki·Wp + kj + (oy·Wp + ox), so every tap is one contiguous run of the
/// padded image and an output channel is a sum of shifted, weighted copies of it. The kernels compute that sum over
/// the "wide" grid of OH × Wp positions (the last Wp − OW columns of each row are discarded) in register blocks of
/// 4 output channels × 4 (Vector512) or 2 (Vector256) vectors of positions, one weight broadcast and one input load
/// feeding several FMAs. The input gradient is the same kernel run on the output gradient with the weights flipped
/// and transposed (padding K − 1 − P); the weight gradient is 4 × 4 (or 4 × 2) tiles of dot products between output
/// gradient rows and shifted input runs, summed as vectors over the batch and reduced once at the end.
/// </summary>
internal static unsafe class DirectConvolution
{
    /// <summary>Output channels per register block.</summary>
    const int ChannelBlock = 4;

    /// <summary>Positions per register block at the widest width (4 × 16): the wide grid's rows are padded to it.</summary>
    const int PositionBlock = 64;

    /// <summary>Lanes of the widest vector: the weight gradient's per-tap partial sums are this wide.</summary>
    const int MaxLanes = 16;

    /// <summary>Weights per output channel above which im2col + the packed GEMM wins (and the tap offsets outgrow the stack).</summary>
    const int MaxPatch = 1024;

    /// <summary>Channels above which the packed GEMM's blocking pays for im2col.</summary>
    const int MaxChannels = 64;

    /// <summary>The widest vector this machine accelerates for the direct kernels, or null for none (im2col then).</summary>
    internal static readonly bool? HardwareWide =
        Vector512.IsHardwareAccelerated ? true : Vector256.IsHardwareAccelerated ? false : null;

    /// <summary>Whether the direct kernels handle <paramref name="g"/>: stride 1, padding below the kernel, few channels.</summary>
    public static bool Applies(in Conv2dGeometry g) =>
        HardwareWide is not null && g.StrideHeight == 1 && g.StrideWidth == 1 && !g.IsPointwise
        && g.PaddingHeight < g.KernelHeight && g.PaddingWidth < g.KernelWidth
        && g.InChannels <= MaxChannels && g.OutChannels <= MaxChannels
        && g.PatchSize <= MaxPatch && g.OutChannels * g.KernelHeight * g.KernelWidth <= MaxPatch;

    /// <summary>Floats of scratch the three direct kernels need for <paramref name="g"/> (the largest of the three).</summary>
    public static int ScratchLength(in Conv2dGeometry g)
    {
        var forward = Plan.Forward(g);
        var backward = Plan.BackwardInput(g);
        // The pooled epilogue (ConvReluPool) reads whole vectors past the last channel's wide rows: PoolOverread more floats.
        long forwardLength = forward.PaddedLength + forward.WideLength + ConvReluPool.PoolOverread + forward.PackedWeightLength;
        long inputLength = backward.PaddedLength + backward.WideLength + backward.PackedWeightLength;
        long weightLength = forward.PaddedLength + forward.WideLength + (long)RoundUp(g.OutChannels, ChannelBlock) * RoundUp(g.PatchSize, ChannelBlock) * MaxLanes;
        return checked((int)Math.Max(forwardLength, Math.Max(inputLength, weightLength)));
    }

    /// <summary>
    /// One direct convolution of a [Channels, Height, Width] source padded by (PadHeight, PadWidth) with a
    /// KernelHeight × KernelWidth kernel at stride 1, giving [OutChannels, OutHeight, OutWidth].
    /// </summary>
    readonly record struct Plan(int Channels, int Height, int Width, int PadHeight, int PadWidth, int KernelHeight, int KernelWidth, int OutChannels)
    {
        public static Plan Forward(in Conv2dGeometry g) =>
            new(g.InChannels, g.Height, g.Width, g.PaddingHeight, g.PaddingWidth, g.KernelHeight, g.KernelWidth, g.OutChannels);

        /// <summary>The input gradient as a forward convolution of the output gradient (full padding minus the forward's).</summary>
        public static Plan BackwardInput(in Conv2dGeometry g) =>
            new(g.OutChannels, g.OutputHeight, g.OutputWidth, g.KernelHeight - 1 - g.PaddingHeight, g.KernelWidth - 1 - g.PaddingWidth,
                g.KernelHeight, g.KernelWidth, g.InChannels);

        public int PaddedHeight => Height + 2 * PadHeight;
        public int PaddedWidth => Width + 2 * PadWidth;
        public int PaddedPlane => PaddedHeight * PaddedWidth;
        public int OutHeight => PaddedHeight - KernelHeight + 1;
        public int OutWidth => PaddedWidth - KernelWidth + 1;
        public int Taps => Channels * KernelHeight * KernelWidth;
        public int OutChannelsRounded => RoundUp(OutChannels, ChannelBlock);

        /// <summary>Positions of the wide grid (OutHeight rows of PaddedWidth), rounded up to whole register blocks.</summary>
        public int WideRow => RoundUp(OutHeight * PaddedWidth, PositionBlock);

        /// <summary>The padded copy plus the run the last block reads past the last channel's plane.</summary>
        public int PaddedLength => (Channels - 1) * PaddedPlane + (KernelHeight - 1) * PaddedWidth + KernelWidth + WideRow;

        public int WideLength => OutChannelsRounded * WideRow;
        public int PackedWeightLength => OutChannelsRounded * Taps;

        public int Offset(int tap)
        {
            int perChannel = KernelHeight * KernelWidth, c = tap / perChannel, k = tap % perChannel;
            return c * PaddedPlane + k / KernelWidth * PaddedWidth + k % KernelWidth;
        }
    }

    /// <summary>y = conv(x, weight) + bias for every image of the batch; <paramref name="bias"/> may be empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y,
        Span<float> scratch, in Conv2dGeometry g, bool wide)
    {
        var plan = Plan.Forward(g);
        fixed (float* px = x, pw = weight, pb = bias, py = y, ps = scratch)
        {
            float* padded = ps, wideOut = padded + plan.PaddedLength, packed = wideOut + plan.WideLength + ConvReluPool.PoolOverread;
            PackWeights(pw, packed, plan, g, transpose: false);
            Run(px, padded, wideOut, packed, pb, bias.Length > 0, py, null, plan, g.Batch, wide);
        }
    }

    /// <summary>
    /// The fused forward (<see cref="ConvReluPool"/>): the same wide grid per image, then instead of copying it out,
    /// each channel's 2×2 windows (+ bias) are pooled from it, the ReLU applied to the maximum, and only the pooled
    /// values (and the winning positions, when <paramref name="argmax"/> is not empty) are written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardPooled(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> pooled, Span<float> argmax,
        Span<float> scratch, in Conv2dGeometry g, bool wide)
    {
        var plan = Plan.Forward(g);
        fixed (float* px = x, pw = weight, pb = bias, pp = pooled, pa = argmax, ps = scratch)
        {
            float* padded = ps, wideOut = padded + plan.PaddedLength, packed = wideOut + plan.WideLength + ConvReluPool.PoolOverread;
            PackWeights(pw, packed, plan, g, transpose: false);
            Run(px, padded, wideOut, packed, pb, bias.Length > 0, pp, argmax.IsEmpty ? null : pa, plan, g.Batch, wide, pool: true);
        }
    }

    /// <summary>gradInput = the input gradient of every image (written, not accumulated).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardInput(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, Span<float> gradInput,
        Span<float> scratch, in Conv2dGeometry g, bool wide)
    {
        var plan = Plan.BackwardInput(g);
        fixed (float* pgy = gradOutput, pw = weight, pgx = gradInput, ps = scratch)
        {
            float* padded = ps, wideOut = padded + plan.PaddedLength, packed = wideOut + plan.WideLength;
            PackWeights(pw, packed, plan, g, transpose: true);
            Run(pgy, padded, wideOut, packed, null, false, pgx, null, plan, g.Batch, wide);
        }
    }

    /// <summary>
    /// The forward kernel over a batch: pad each source image, compute the wide grid block by block, then copy its
    /// valid columns (plus the bias) into the destination image, or with <paramref name="pool"/> write the pooled
    /// ReLU of each 2×2 window (plus the bias) and the windows' argmax (if not null) instead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Run(float* source, float* padded, float* wideOut, float* packed, float* bias, bool hasBias, float* destination, float* argmax,
        in Plan plan, int batch, bool wide, bool pool = false)
    {
        int taps = plan.Taps, wideRow = plan.WideRow, pw = plan.PaddedWidth, oh = plan.OutHeight, ow = plan.OutWidth;
        int sourceImage = plan.Channels * plan.Height * plan.Width, destinationImage = plan.OutChannels * oh * ow;
        int* offsets = stackalloc int[taps];
        for (int t = 0; t < taps; t++) offsets[t] = plan.Offset(t);
        // The borders and the tail stay zero: each image overwrites only the interior.
        new Span<float>(padded, plan.PaddedLength).Clear();
        for (int n = 0; n < batch; n++)
        {
            CopyIntoPadded(source + (long)n * sourceImage, padded, plan);
            for (int cb = 0; cb < plan.OutChannelsRounded; cb += ChannelBlock)
            {
                float* blockWeights = packed + cb * taps;
                float* blockOut = wideOut + cb * wideRow;
                if (wide)
                    for (int p = 0; p < wideRow; p += 4 * Vector512<float>.Count) ForwardBlock512(padded + p, offsets, taps, blockWeights, blockOut + p, wideRow);
                else
                    for (int p = 0; p < wideRow; p += 2 * Vector256<float>.Count) ForwardBlock256(padded + p, offsets, taps, blockWeights, blockOut + p, wideRow);
            }
            if (pool)
            {
                int pooledImage = plan.OutChannels * (oh / 2) * (ow / 2);
                ConvReluPool.PoolImage(wideOut, wideRow, pw, plan.OutChannels, oh, ow, hasBias ? bias : null,
                    destination + (long)n * pooledImage, argmax is null ? null : argmax + (long)n * pooledImage, wide);
                continue;
            }
            float* image = destination + (long)n * destinationImage;
            for (int c = 0; c < plan.OutChannels; c++)
            {
                float add = hasBias ? bias[c] : 0f;
                for (int r = 0; r < oh; r++)
                {
                    {
                    float* from = wideOut + c * wideRow + r * pw, to = image + (c * oh + r) * ow;
                    if (hasBias) AddRow(from, to, ow, add);
                    else CopyRow(from, to, ow);
                }
                }
            }
        }
    }

    /// <summary>to[i] = from[i] + add for i &lt; count (rows are short: 14 or 28 floats in the CNN, so no library call per row).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.AggressiveInlining)]
    static void AddRow(float* from, float* to, int count, float add)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && count >= Vector256<float>.Count)
        {
            var shift = Vector256.Create(add);
            for (; i <= count - Vector256<float>.Count; i += Vector256<float>.Count) (Vector256.Load(from + i) + shift).Store(to + i);
            // The rest as one vector ending at the row's end: it rewrites a few outputs with the same values.
            if (i < count) (Vector256.Load(from + count - Vector256<float>.Count) + shift).Store(to + count - Vector256<float>.Count);
            return;
        }
        for (; i < count; i++) to[i] = from[i] + add;
    }

    /// <summary>to[i] = from[i] for i &lt; count, without a library call per short row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.AggressiveInlining)]
    static void CopyRow(float* from, float* to, int count)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && count >= Vector256<float>.Count)
        {
            for (; i <= count - Vector256<float>.Count; i += Vector256<float>.Count) Vector256.Load(from + i).Store(to + i);
            if (i < count) Vector256.Load(from + count - Vector256<float>.Count).Store(to + count - Vector256<float>.Count);
            return;
        }
        for (; i < count; i++) to[i] = from[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void CopyIntoPadded(float* image, float* padded, in Plan plan)
    {
        int h = plan.Height, w = plan.Width, pw = plan.PaddedWidth;
        for (int c = 0; c < plan.Channels; c++)
        {
            float* plane = padded + c * plan.PaddedPlane + plan.PadHeight * pw + plan.PadWidth;
            for (int r = 0; r < h; r++) CopyRow(image + (c * h + r) * w, plane + r * pw, w);
        }
    }

    /// <summary>
    /// Packs the weights as [output-channel block][tap][4 channels] (zeros past the last channel), so a block's four
    /// broadcasts per tap are adjacent. Transposed: the input gradient's weights, w'[ci, co, ki, kj] = w[co, ci, KH−1−ki, KW−1−kj].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void PackWeights(float* weight, float* packed, in Plan plan, in Conv2dGeometry g, bool transpose)
    {
        int taps = plan.Taps, kernel = g.KernelHeight * g.KernelWidth;
        for (int cb = 0; cb < plan.OutChannelsRounded; cb += ChannelBlock)
            for (int t = 0; t < taps; t++)
                for (int j = 0; j < ChannelBlock; j++)
                {
                    int o = cb + j;
                    float value = 0f;
                    if (o < plan.OutChannels)
                    {
                        if (!transpose) value = weight[o * taps + t];
                        else
                        {
                            int co = t / kernel, k = t % kernel;
                            value = weight[(co * g.InChannels + o) * kernel + (kernel - 1 - k)];
                        }
                    }
                    packed[(cb + 0) * taps + t * ChannelBlock + j] = value;
                }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ForwardBlock512(float* input, int* offsets, int taps, float* weights, float* output, int wideRow)
    {
        var a00 = Vector512<float>.Zero; var a01 = a00; var a02 = a00; var a03 = a00;
        var a10 = a00; var a11 = a00; var a12 = a00; var a13 = a00;
        var a20 = a00; var a21 = a00; var a22 = a00; var a23 = a00;
        var a30 = a00; var a31 = a00; var a32 = a00; var a33 = a00;
        for (int t = 0; t < taps; t++, weights += ChannelBlock)
        {
            float* at = input + offsets[t];
            var x0 = Vector512.Load(at);
            var x1 = Vector512.Load(at + 16);
            var x2 = Vector512.Load(at + 32);
            var x3 = Vector512.Load(at + 48);
            var w = Vector512.Create(weights[0]);
            a00 = Vector512.FusedMultiplyAdd(x0, w, a00); a01 = Vector512.FusedMultiplyAdd(x1, w, a01);
            a02 = Vector512.FusedMultiplyAdd(x2, w, a02); a03 = Vector512.FusedMultiplyAdd(x3, w, a03);
            w = Vector512.Create(weights[1]);
            a10 = Vector512.FusedMultiplyAdd(x0, w, a10); a11 = Vector512.FusedMultiplyAdd(x1, w, a11);
            a12 = Vector512.FusedMultiplyAdd(x2, w, a12); a13 = Vector512.FusedMultiplyAdd(x3, w, a13);
            w = Vector512.Create(weights[2]);
            a20 = Vector512.FusedMultiplyAdd(x0, w, a20); a21 = Vector512.FusedMultiplyAdd(x1, w, a21);
            a22 = Vector512.FusedMultiplyAdd(x2, w, a22); a23 = Vector512.FusedMultiplyAdd(x3, w, a23);
            w = Vector512.Create(weights[3]);
            a30 = Vector512.FusedMultiplyAdd(x0, w, a30); a31 = Vector512.FusedMultiplyAdd(x1, w, a31);
            a32 = Vector512.FusedMultiplyAdd(x2, w, a32); a33 = Vector512.FusedMultiplyAdd(x3, w, a33);
        }
        a00.Store(output); a01.Store(output + 16); a02.Store(output + 32); a03.Store(output + 48);
        output += wideRow;
        a10.Store(output); a11.Store(output + 16); a12.Store(output + 32); a13.Store(output + 48);
        output += wideRow;
        a20.Store(output); a21.Store(output + 16); a22.Store(output + 32); a23.Store(output + 48);
        output += wideRow;
        a30.Store(output); a31.Store(output + 16); a32.Store(output + 32); a33.Store(output + 48);
    }

    /// <summary>Two vectors of positions, not four: AVX2 has 16 registers, and 4 × 2 accumulators plus loads fit them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ForwardBlock256(float* input, int* offsets, int taps, float* weights, float* output, int wideRow)
    {
        var a00 = Vector256<float>.Zero; var a01 = a00;
        var a10 = a00; var a11 = a00;
        var a20 = a00; var a21 = a00;
        var a30 = a00; var a31 = a00;
        for (int t = 0; t < taps; t++, weights += ChannelBlock)
        {
            float* at = input + offsets[t];
            var x0 = Vector256.Load(at);
            var x1 = Vector256.Load(at + 8);
            var w = Vector256.Create(weights[0]);
            a00 = Vector256.FusedMultiplyAdd(x0, w, a00); a01 = Vector256.FusedMultiplyAdd(x1, w, a01);
            w = Vector256.Create(weights[1]);
            a10 = Vector256.FusedMultiplyAdd(x0, w, a10); a11 = Vector256.FusedMultiplyAdd(x1, w, a11);
            w = Vector256.Create(weights[2]);
            a20 = Vector256.FusedMultiplyAdd(x0, w, a20); a21 = Vector256.FusedMultiplyAdd(x1, w, a21);
            w = Vector256.Create(weights[3]);
            a30 = Vector256.FusedMultiplyAdd(x0, w, a30); a31 = Vector256.FusedMultiplyAdd(x1, w, a31);
        }
        a00.Store(output); a01.Store(output + 8);
        output += wideRow;
        a10.Store(output); a11.Store(output + 8);
        output += wideRow;
        a20.Store(output); a21.Store(output + 8);
        output += wideRow;
        a30.Store(output); a31.Store(output + 8);
    }

    /// <summary>
    /// gradWeight (+)= Σₙ gradOutputₙ ⋆ xₙ: per image, the output gradient is laid out on the wide grid (zeros in
    /// the discarded columns and the tail) and each weight (co, tap) is the dot product of its row with the tap's
    /// shifted run of the padded input. Partial sums stay vectors across the batch and are reduced at the end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardWeight(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradWeight,
        Span<float> scratch, in Conv2dGeometry g, bool accumulate, bool wide)
    {
        fixed (float* px = x, pgy = gradOutput, pgw = gradWeight, ps = scratch)
            BackwardWeight(px, pgy, null, null, null, pgw, ps, g, accumulate, wide);
    }

    /// <summary>
    /// The weight gradient of the fused conv + ReLU + 2×2 max-pool (<see cref="ConvReluPool"/>) straight from its
    /// pooled gradient, value and argmax: each image's output gradient is scattered into the wide grid the dot
    /// products read, so the full-size gradient of the convolution is never written to memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardWeightPooled(ReadOnlySpan<float> x, ReadOnlySpan<float> gradPooled, ReadOnlySpan<float> pooled, ReadOnlySpan<float> argmax,
        Span<float> gradWeight, Span<float> scratch, in Conv2dGeometry g, bool accumulate, bool wide)
    {
        fixed (float* px = x, pgp = gradPooled, pp = pooled, pa = argmax, pgw = gradWeight, ps = scratch)
            BackwardWeight(px, null, pgp, pp, pa, pgw, ps, g, accumulate, wide);
    }

    /// <summary>The weight gradient from a dense output gradient <paramref name="pgy"/>, or (when it is null) from a pooled one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void BackwardWeight(float* px, float* pgy, float* gradPooled, float* pooled, float* argmax, float* pgw, float* ps,
        in Conv2dGeometry g, bool accumulate, bool wide)
    {
        var plan = Plan.Forward(g);
        int taps = plan.Taps, tapsRounded = RoundUp(taps, ChannelBlock), wideRow = plan.WideRow;
        int outRounded = plan.OutChannelsRounded, oh = plan.OutHeight, ow = plan.OutWidth, pw = plan.PaddedWidth;
        int inImage = g.InputImageSize, outImage = g.OutputImageSize, pooledImage = g.OutChannels * (oh / 2) * (ow / 2);
        {
            float* padded = ps, gyWide = padded + plan.PaddedLength, partial = gyWide + plan.WideLength;
            int partialLength = outRounded * tapsRounded * MaxLanes;
            new Span<float>(padded, plan.PaddedLength).Clear();
            new Span<float>(gyWide, plan.WideLength).Clear();
            new Span<float>(partial, partialLength).Clear();
            // Taps past the last read offset 0 (a valid run); their sums are dropped.
            int* offsets = stackalloc int[tapsRounded];
            for (int t = 0; t < tapsRounded; t++) offsets[t] = t < taps ? plan.Offset(t) : 0;
            for (int n = 0; n < g.Batch; n++)
            {
                CopyIntoPadded(px + (long)n * inImage, padded, plan);
                if (pgy is null)
                {
                    long at = (long)n * pooledImage;
                    ConvReluPool.ScatterImage(gradPooled + at, pooled + at, argmax + at, gyWide, wideRow, pw, g.OutChannels, oh, ow);
                }
                else
                {
                    float* gyImage = pgy + (long)n * outImage;
                    for (int c = 0; c < g.OutChannels; c++)
                        for (int r = 0; r < oh; r++) CopyRow(gyImage + (c * oh + r) * ow, gyWide + c * wideRow + r * pw, ow);
                }
                for (int cb = 0; cb < outRounded; cb += ChannelBlock)
                {
                    if (wide)
                        for (int tb = 0; tb < tapsRounded; tb += 4)
                            WeightTile512(gyWide + cb * wideRow, wideRow, padded, offsets + tb, partial + (cb * tapsRounded + tb) * MaxLanes, tapsRounded);
                    else
                        for (int tb = 0; tb < tapsRounded; tb += 2)
                            WeightTile256(gyWide + cb * wideRow, wideRow, padded, offsets + tb, partial + (cb * tapsRounded + tb) * MaxLanes, tapsRounded);
                }
            }
            int patch = g.PatchSize;
            for (int co = 0; co < g.OutChannels; co++)
                for (int t = 0; t < taps; t++)
                {
                    float* sums = partial + (co * tapsRounded + t) * MaxLanes;
                    float total = wide ? Vector512.Sum(Vector512.Load(sums)) : Vector256.Sum(Vector256.Load(sums));
                    pgw[co * patch + t] = accumulate ? pgw[co * patch + t] + total : total;
                }
        }
    }

    /// <summary>4 output channels × 4 taps of dot products over one image's wide grid, added to their partial vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void WeightTile512(float* gy, int wideRow, float* padded, int* offsets, float* partial, int tapsRounded)
    {
        float* x0p = padded + offsets[0], x1p = padded + offsets[1], x2p = padded + offsets[2], x3p = padded + offsets[3];
        float* g0p = gy, g1p = gy + wideRow, g2p = gy + 2 * wideRow, g3p = gy + 3 * wideRow;
        var a00 = Vector512<float>.Zero; var a01 = a00; var a02 = a00; var a03 = a00;
        var a10 = a00; var a11 = a00; var a12 = a00; var a13 = a00;
        var a20 = a00; var a21 = a00; var a22 = a00; var a23 = a00;
        var a30 = a00; var a31 = a00; var a32 = a00; var a33 = a00;
        for (int p = 0; p < wideRow; p += 16)
        {
            var x0 = Vector512.Load(x0p + p); var x1 = Vector512.Load(x1p + p);
            var x2 = Vector512.Load(x2p + p); var x3 = Vector512.Load(x3p + p);
            var gv = Vector512.Load(g0p + p);
            a00 = Vector512.FusedMultiplyAdd(gv, x0, a00); a01 = Vector512.FusedMultiplyAdd(gv, x1, a01);
            a02 = Vector512.FusedMultiplyAdd(gv, x2, a02); a03 = Vector512.FusedMultiplyAdd(gv, x3, a03);
            gv = Vector512.Load(g1p + p);
            a10 = Vector512.FusedMultiplyAdd(gv, x0, a10); a11 = Vector512.FusedMultiplyAdd(gv, x1, a11);
            a12 = Vector512.FusedMultiplyAdd(gv, x2, a12); a13 = Vector512.FusedMultiplyAdd(gv, x3, a13);
            gv = Vector512.Load(g2p + p);
            a20 = Vector512.FusedMultiplyAdd(gv, x0, a20); a21 = Vector512.FusedMultiplyAdd(gv, x1, a21);
            a22 = Vector512.FusedMultiplyAdd(gv, x2, a22); a23 = Vector512.FusedMultiplyAdd(gv, x3, a23);
            gv = Vector512.Load(g3p + p);
            a30 = Vector512.FusedMultiplyAdd(gv, x0, a30); a31 = Vector512.FusedMultiplyAdd(gv, x1, a31);
            a32 = Vector512.FusedMultiplyAdd(gv, x2, a32); a33 = Vector512.FusedMultiplyAdd(gv, x3, a33);
        }
        int row = tapsRounded * MaxLanes;
        AddTo(partial, a00, a01, a02, a03);
        AddTo(partial + row, a10, a11, a12, a13);
        AddTo(partial + 2 * row, a20, a21, a22, a23);
        AddTo(partial + 3 * row, a30, a31, a32, a33);

        static void AddTo(float* at, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3)
        {
            (Vector512.Load(at) + s0).Store(at);
            (Vector512.Load(at + 16) + s1).Store(at + 16);
            (Vector512.Load(at + 32) + s2).Store(at + 32);
            (Vector512.Load(at + 48) + s3).Store(at + 48);
        }
    }

    /// <summary>4 output channels × 2 taps (AVX2's 16 registers), partial sums in the first 8 of each 16-float slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void WeightTile256(float* gy, int wideRow, float* padded, int* offsets, float* partial, int tapsRounded)
    {
        float* x0p = padded + offsets[0], x1p = padded + offsets[1];
        float* g0p = gy, g1p = gy + wideRow, g2p = gy + 2 * wideRow, g3p = gy + 3 * wideRow;
        var a00 = Vector256<float>.Zero; var a01 = a00;
        var a10 = a00; var a11 = a00;
        var a20 = a00; var a21 = a00;
        var a30 = a00; var a31 = a00;
        for (int p = 0; p < wideRow; p += 8)
        {
            var x0 = Vector256.Load(x0p + p); var x1 = Vector256.Load(x1p + p);
            var gv = Vector256.Load(g0p + p);
            a00 = Vector256.FusedMultiplyAdd(gv, x0, a00); a01 = Vector256.FusedMultiplyAdd(gv, x1, a01);
            gv = Vector256.Load(g1p + p);
            a10 = Vector256.FusedMultiplyAdd(gv, x0, a10); a11 = Vector256.FusedMultiplyAdd(gv, x1, a11);
            gv = Vector256.Load(g2p + p);
            a20 = Vector256.FusedMultiplyAdd(gv, x0, a20); a21 = Vector256.FusedMultiplyAdd(gv, x1, a21);
            gv = Vector256.Load(g3p + p);
            a30 = Vector256.FusedMultiplyAdd(gv, x0, a30); a31 = Vector256.FusedMultiplyAdd(gv, x1, a31);
        }
        int row = tapsRounded * MaxLanes;
        AddTo(partial, a00, a01);
        AddTo(partial + row, a10, a11);
        AddTo(partial + 2 * row, a20, a21);
        AddTo(partial + 3 * row, a30, a31);

        static void AddTo(float* at, Vector256<float> s0, Vector256<float> s1)
        {
            (Vector256.Load(at) + s0).Store(at);
            (Vector256.Load(at + 16) + s1).Store(at + 16);
        }
    }

    static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
