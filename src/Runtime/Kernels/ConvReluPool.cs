using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Kiln.Kernels;

/// <summary>
/// Conv2d (+ bias) → ReLU → 2×2 max-pool at stride 2 as one kernel (the static graph's fusion of the three; the
/// generated code calls it through Kiln.Compiled.ChunkedConvolution). Because max(relu(a), relu(b)) =
/// relu(max(a, b)), each window of the convolution (+ bias) is pooled first and the ReLU applied to the maximum:
/// only the pooled output [N, C, OH/2, OW/2] is written, never the full-size convolution. For the backward it also
/// writes which of the window's 4 positions won (0..3 row-major, as floats); <see cref="Backward"/> routes the pooled
/// gradient there (where the pooled value is positive: the ReLU's mask), and the convolution's own input and weight
/// gradient kernels take it from there. Windows compare in row-major order, so the first maximum wins and NaN
/// propagates, as in <see cref="Pooling.MaxPool2dForward"/>; a last odd row or column belongs to no window.
/// </summary>
public static unsafe class ConvReluPool
{
    /// <summary>Floats a pooled row's last vector may read past the end of the rows it pools (2 rows of 8 outputs at Vector512).</summary>
    internal const int PoolOverread = 16;

    /// <summary>The pooled output's [N, C, OH/2, OW/2] element count.</summary>
    public static int PooledLength(in Conv2dGeometry g) => g.Batch * g.OutChannels * (g.OutputHeight / 2) * (g.OutputWidth / 2);

    /// <summary>
    /// Floats of scratch <see cref="Forward"/> needs: the convolution's (im2col columns or the direct kernels' padded
    /// copies), plus one image's full convolution output for the im2col path, which pools it after the GEMM.
    /// </summary>
    public static int ScratchLength(in Conv2dGeometry g) => g.ColumnsLength + g.OutputImageSize + PoolOverread;

    /// <summary>
    /// pooled = relu(max over each 2×2 window at stride 2 of (conv2d(x, weight) + bias)); <paramref name="argmax"/>
    /// (may be empty: the forward-only graph) receives each window's winning position 0..3; <paramref name="bias"/>
    /// may be empty.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> pooled, Span<float> argmax,
        Span<float> scratch, in Conv2dGeometry g) => Forward(x, weight, bias, pooled, argmax, scratch, g, Convolution.Path.Auto);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> pooled, Span<float> argmax,
        Span<float> scratch, in Conv2dGeometry g, Convolution.Path path)
    {
        Check(g, pooled.Length, argmax.Length, "Forward");
        if (x.Length < (long)g.Batch * g.InputImageSize || weight.Length < g.OutChannels * g.PatchSize || scratch.Length < ScratchLength(g)
            || !bias.IsEmpty && bias.Length < g.OutChannels)
            throw new ArgumentException($"ConvReluPool.Forward: buffers too small for {g} (input {x.Length}, weight {weight.Length}, bias {bias.Length}, scratch {scratch.Length}; need {ScratchLength(g)} scratch).");
        if (Convolution.DirectWidth(path, g) is bool wide)
        {
            DirectConvolution.ForwardPooled(x, weight, bias, pooled, argmax, scratch, g, wide);
            return;
        }
        // Im2col + GEMM one image at a time into scratch, then the same epilogue over that image's full output.
        var one = g with { Batch = 1 };
        int inSize = g.InputImageSize, convSize = g.OutputImageSize, pooledSize = PooledLength(one);
        var columns = scratch[..g.ColumnsLength];
        var convImage = scratch.Slice(g.ColumnsLength, convSize + PoolOverread);
        bool vectorWide = Vector512.IsHardwareAccelerated;
        fixed (float* pc = convImage, pp = pooled, pa = argmax)
            for (int n = 0; n < g.Batch; n++)
            {
                Convolution.Conv2dForward(x.Slice(n * inSize, inSize), weight, bias, convImage[..convSize], columns, one, path);
                PoolImage(pc, g.OutputPlaneSize, g.OutputWidth, g.OutChannels, g.OutputHeight, g.OutputWidth, null,
                    pp + (long)n * pooledSize, argmax.IsEmpty ? null : pa + (long)n * pooledSize, vectorWide);
            }
    }

    /// <summary>
    /// gradConv = the gradient of the convolution's output [planes = N·C, height, width] (before bias and ReLU): each
    /// pooled gradient goes to its window's winning position where the pooled value is positive, and every other
    /// position is 0 (written, not accumulated). Each position belongs to at most one window, so this is one store
    /// per pooled element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(ReadOnlySpan<float> gradPooled, ReadOnlySpan<float> pooled, ReadOnlySpan<float> argmax, Span<float> gradConv,
        int planes, int height, int width)
    {
        int ph = height / 2, pw = width / 2, oh = height, ow = width;
        long pooledLength = (long)planes * ph * pw;
        if (planes < 0 || ph < 1 || pw < 1)
            throw new ArgumentException($"ConvReluPool.Backward: invalid size {planes} planes of {height}x{width} (a 2x2 window needs at least 2x2).");
        if (gradPooled.Length < pooledLength || pooled.Length < pooledLength || argmax.Length < pooledLength || gradConv.Length < (long)planes * oh * ow)
            throw new ArgumentException($"ConvReluPool.Backward: buffers too small for {planes} planes of {height}x{width} (pooled gradient {gradPooled.Length}, pooled {pooled.Length}, argmax {argmax.Length}, gradient {gradConv.Length}).");
        // All planes as the channels of one image: ScatterImage's layout is the same.
        fixed (float* pg = gradPooled, pp = pooled, pa = argmax, pgc = gradConv)
            ScatterImage(pg, pp, pa, pgc, oh * ow, ow, planes, oh, ow);
    }

    /// <summary>
    /// gradWeight (+)= the weight gradient of the fused op straight from its pooled gradient, value and argmax (the
    /// same as <see cref="Backward"/> then <see cref="Convolution.Conv2dBackwardWeight(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, in Conv2dGeometry, bool)"/>,
    /// without writing the full-size gradient of the convolution: the direct kernel scatters each image's gradient
    /// into its own working rows; im2col scatters one image at a time into scratch).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardWeight(ReadOnlySpan<float> x, ReadOnlySpan<float> gradPooled, ReadOnlySpan<float> pooled, ReadOnlySpan<float> argmax,
        Span<float> gradWeight, Span<float> scratch, in Conv2dGeometry g, bool accumulate = false)
        => BackwardWeight(x, gradPooled, pooled, argmax, gradWeight, scratch, g, accumulate, Convolution.Path.Auto);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BackwardWeight(ReadOnlySpan<float> x, ReadOnlySpan<float> gradPooled, ReadOnlySpan<float> pooled, ReadOnlySpan<float> argmax,
        Span<float> gradWeight, Span<float> scratch, in Conv2dGeometry g, bool accumulate, Convolution.Path path)
    {
        Check(g, pooled.Length, argmax.Length, "BackwardWeight");
        int pooledLength = PooledLength(g);
        if (x.Length < (long)g.Batch * g.InputImageSize || gradPooled.Length < pooledLength || argmax.Length < pooledLength
            || gradWeight.Length < g.OutChannels * g.PatchSize || scratch.Length < ScratchLength(g))
            throw new ArgumentException($"ConvReluPool.BackwardWeight: buffers too small for {g} (input {x.Length}, pooled gradient {gradPooled.Length}, argmax {argmax.Length}, weight gradient {gradWeight.Length}, scratch {scratch.Length}; need {ScratchLength(g)} scratch).");
        if (Convolution.DirectWidth(path, g) is bool wide)
        {
            DirectConvolution.BackwardWeightPooled(x, gradPooled, pooled, argmax, gradWeight, scratch, g, accumulate, wide);
            return;
        }
        var one = g with { Batch = 1 };
        int inSize = g.InputImageSize, convSize = g.OutputImageSize, pooledSize = PooledLength(one);
        var columns = scratch[..g.ColumnsLength];
        var gradConv = scratch.Slice(g.ColumnsLength, convSize);
        for (int n = 0; n < g.Batch; n++)
        {
            Backward(gradPooled.Slice(n * pooledSize, pooledSize), pooled.Slice(n * pooledSize, pooledSize), argmax.Slice(n * pooledSize, pooledSize),
                gradConv, g.OutChannels, g.OutputHeight, g.OutputWidth);
            Convolution.Conv2dBackwardWeight(x.Slice(n * inSize, inSize), gradConv, gradWeight, Span<float>.Empty, columns, one, accumulate || n > 0, path);
        }
    }

    /// <summary>
    /// One image's gradient of the convolution output into <paramref name="destination"/> (C planes of
    /// <paramref name="height"/> rows of <paramref name="rowStride"/> floats, <paramref name="planeStride"/> apart):
    /// every window's 4 positions get the pooled gradient at its winner (where the pooled value is positive) and 0
    /// elsewhere; a last odd row or column is zeroed. Columns past <paramref name="width"/> are left as they are.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScatterImage(float* gradPooled, float* pooled, float* argmax, float* destination, int planeStride, int rowStride,
        int channels, int height, int width)
    {
        int ph = height / 2, pw = width / 2;
        for (int c = 0; c < channels; c++)
        {
            float* plane = destination + (long)c * planeStride;
            for (int py = 0; py < ph; py++)
            {
                long k = ((long)c * ph + py) * pw;
                float* upper = plane + 2 * py * rowStride;
                ScatterRow(gradPooled + k, pooled + k, argmax + k, upper, upper + rowStride, pw);
                if ((width & 1) != 0) upper[width - 1] = upper[rowStride + width - 1] = 0f;
            }
            if ((height & 1) != 0) new Span<float>(plane + (height - 1) * rowStride, width).Clear();
        }
    }

    /// <summary>
    /// One row of <paramref name="count"/> windows: the masked gradient gm = (pooled &gt; 0 ? g : 0) to the winner and
    /// 0 to the other three positions of each window, written as two full rows of 2·count floats. Branch-free and
    /// vectorised (the ReLU mask and the winner are data-dependent: a branch per window mispredicts about half the
    /// time): per vector of windows, 4 selects give the values at the 4 positions, interleaved into the two rows.
    /// The last vector ends at the row's end (rewriting a few windows with the same values); rows under 4 windows go scalar.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ScatterRow(float* gradPooled, float* pooled, float* argmax, float* upper, float* lower, int count)
    {
        if (Vector512.IsHardwareAccelerated && count >= 8)
        {
            var interleave = Vector512.Create(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);
            for (int px = 0; ; px += 8)
            {
                if (px > count - 8) px = count - 8;
                var at = Vector256.Load(argmax + px);
                var g = Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.Load(pooled + px), Vector256<float>.Zero), Vector256.Load(gradPooled + px), Vector256<float>.Zero);
                var p0 = Vector256.ConditionalSelect(Vector256.Equals(at, Vector256<float>.Zero), g, Vector256<float>.Zero);
                var p1 = Vector256.ConditionalSelect(Vector256.Equals(at, Vector256.Create(1f)), g, Vector256<float>.Zero);
                var p2 = Vector256.ConditionalSelect(Vector256.Equals(at, Vector256.Create(2f)), g, Vector256<float>.Zero);
                var p3 = Vector256.ConditionalSelect(Vector256.Equals(at, Vector256.Create(3f)), g, Vector256<float>.Zero);
                Vector512.Shuffle(Vector512.Create(p0, p1), interleave).Store(upper + 2 * px);
                Vector512.Shuffle(Vector512.Create(p2, p3), interleave).Store(lower + 2 * px);
                if (px == count - 8) return;
            }
        }
        if (Vector256.IsHardwareAccelerated && count >= 4)
        {
            var interleave = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
            for (int px = 0; ; px += 4)
            {
                if (px > count - 4) px = count - 4;
                var at = Vector128.Load(argmax + px);
                var g = Vector128.ConditionalSelect(Vector128.GreaterThan(Vector128.Load(pooled + px), Vector128<float>.Zero), Vector128.Load(gradPooled + px), Vector128<float>.Zero);
                var p0 = Vector128.ConditionalSelect(Vector128.Equals(at, Vector128<float>.Zero), g, Vector128<float>.Zero);
                var p1 = Vector128.ConditionalSelect(Vector128.Equals(at, Vector128.Create(1f)), g, Vector128<float>.Zero);
                var p2 = Vector128.ConditionalSelect(Vector128.Equals(at, Vector128.Create(2f)), g, Vector128<float>.Zero);
                var p3 = Vector128.ConditionalSelect(Vector128.Equals(at, Vector128.Create(3f)), g, Vector128<float>.Zero);
                Vector256.Shuffle(Vector256.Create(p0, p1), interleave).Store(upper + 2 * px);
                Vector256.Shuffle(Vector256.Create(p2, p3), interleave).Store(lower + 2 * px);
                if (px == count - 4) return;
            }
        }
        for (int px = 0; px < count; px++)
        {
            float g = pooled[px] > 0f ? gradPooled[px] : 0f;
            int at = (int)argmax[px];
            upper[2 * px] = at == 0 ? g : 0f;
            upper[2 * px + 1] = at == 1 ? g : 0f;
            lower[2 * px] = at == 2 ? g : 0f;
            lower[2 * px + 1] = at == 3 ? g : 0f;
        }
    }

    /// <summary>
    /// The epilogue over one image's convolution output, C planes of <paramref name="height"/> rows of
    /// <paramref name="rowStride"/> floats (<paramref name="planeStride"/> apart; the direct kernels' wide grid or a
    /// dense image): for every 2×2 window, (max of the 4 values + bias) → ReLU into <paramref name="pooled"/>, the
    /// winning position into <paramref name="argmax"/> (if not null). Vectorised across windows: a vector of 2·L
    /// floats from each of the two rows is split into even and odd columns and the 4 candidates are compared in
    /// window order, branch-free (compares per window mispredict on real data). The bias is added before comparing,
    /// as the unfused conv → pool sees it, so ties resolve identically. Reads up to <see cref="PoolOverread"/>
    /// floats past the last plane's rows (lanes that are dropped).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PoolImage(float* conv, int planeStride, int rowStride, int channels, int height, int width, float* bias,
        float* pooled, float* argmax, bool wide)
    {
        int ph = height / 2, pw = width / 2;
        // Vector512 where a row has 8 windows, else Vector256 (the CNN's second layer pools rows of 7).
        bool use512 = wide && pw >= 8;
        int lanes = use512 ? 8 : 4;
        float* values = stackalloc float[4];
        float* winners = stackalloc float[4];
        float* unused = stackalloc float[8];
        for (int c = 0; c < channels; c++)
        {
            float add = bias is null ? 0f : bias[c];
            for (int py = 0; py < ph; py++)
            {
                float* upper = conv + (long)c * planeStride + 2 * py * rowStride, lower = upper + rowStride;
                long o = ((long)c * ph + py) * pw;
                if (pw >= lanes)
                {
                    // Whole vectors straight to the output; the last one ends at the row's end, recomputing a few windows.
                    for (int px = 0; ; px += lanes)
                    {
                        if (px > pw - lanes) px = pw - lanes;
                        float* winnersAt = argmax is null ? unused : argmax + o + px;
                        if (use512) Windows512(upper + 2 * px, lower + 2 * px, add, pooled + o + px, winnersAt);
                        else Windows256(upper + 2 * px, lower + 2 * px, add, pooled + o + px, winnersAt);
                        if (px == pw - lanes) break;
                    }
                    continue;
                }
                // A row of fewer than 4 windows: one vector through the stack (it reads past the row: PoolOverread).
                Windows256(upper, lower, add, values, winners);
                for (int j = 0; j < pw; j++)
                {
                    pooled[o + j] = values[j];
                    if (argmax is not null) argmax[o + j] = winners[j];
                }
            }
        }
    }

    /// <summary>8 windows from 16 floats of each row: relu(max + bias) into <paramref name="values"/>, the winner 0..3 into <paramref name="winners"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.AggressiveInlining)]
    static void Windows512(float* upper, float* lower, float bias, float* values, float* winners)
    {
        var evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 2, 4, 6, 8, 10, 12, 14);
        var odds = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 1, 3, 5, 7, 9, 11, 13, 15);
        var shift = Vector512.Create(bias);
        var u = Vector512.Load(upper) + shift;
        var l = Vector512.Load(lower) + shift;
        var best = Vector512.Shuffle(u, evens).GetLower();
        var winner = Vector256<float>.Zero;
        Take(ref best, ref winner, Vector512.Shuffle(u, odds).GetLower(), Vector256.Create(1f));
        Take(ref best, ref winner, Vector512.Shuffle(l, evens).GetLower(), Vector256.Create(2f));
        Take(ref best, ref winner, Vector512.Shuffle(l, odds).GetLower(), Vector256.Create(3f));
        Vector256.Max(best, Vector256<float>.Zero).Store(values);
        winner.Store(winners);
    }

    /// <summary>4 windows from 8 floats of each row, as <see cref="Windows512"/> at Vector256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.AggressiveInlining)]
    static void Windows256(float* upper, float* lower, float bias, float* values, float* winners)
    {
        var evens = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
        var odds = Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7);
        var shift = Vector256.Create(bias);
        var u = Vector256.Load(upper) + shift;
        var l = Vector256.Load(lower) + shift;
        var best = Vector256.Shuffle(u, evens).GetLower();
        var winner = Vector128<float>.Zero;
        Take(ref best, ref winner, Vector256.Shuffle(u, odds).GetLower(), Vector128.Create(1f));
        Take(ref best, ref winner, Vector256.Shuffle(l, evens).GetLower(), Vector128.Create(2f));
        Take(ref best, ref winner, Vector256.Shuffle(l, odds).GetLower(), Vector128.Create(3f));
        Vector128.Max(best, Vector128<float>.Zero).Store(values);
        winner.Store(winners);
    }

    /// <summary>Takes the candidate where it is larger, or NaN over a number (max-pooling's rule, lane by lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Take(ref Vector256<float> best, ref Vector256<float> winner, Vector256<float> candidate, Vector256<float> position)
    {
        var take = Vector256.GreaterThan(candidate, best)
            | Vector256.AndNot(~Vector256.Equals(candidate, candidate), ~Vector256.Equals(best, best));
        best = Vector256.ConditionalSelect(take, candidate, best);
        winner = Vector256.ConditionalSelect(take, position, winner);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Take(ref Vector128<float> best, ref Vector128<float> winner, Vector128<float> candidate, Vector128<float> position)
    {
        var take = Vector128.GreaterThan(candidate, best)
            | Vector128.AndNot(~Vector128.Equals(candidate, candidate), ~Vector128.Equals(best, best));
        best = Vector128.ConditionalSelect(take, candidate, best);
        winner = Vector128.ConditionalSelect(take, position, winner);
    }

    static void Check(in Conv2dGeometry g, int pooledLength, int argmaxLength, string kernel)
    {
        if (g.OutputHeight < 2 || g.OutputWidth < 2 || g.StrideHeight <= 0 || g.StrideWidth <= 0)
            throw new ArgumentException($"ConvReluPool.{kernel}: invalid geometry {g} (a 2x2 window needs an output of at least 2x2).");
        if (pooledLength < PooledLength(g) || argmaxLength != 0 && argmaxLength < PooledLength(g))
            throw new ArgumentException($"ConvReluPool.{kernel}: pooled {pooledLength} or argmax {argmaxLength} floats, {PooledLength(g)} needed.");
    }
}
