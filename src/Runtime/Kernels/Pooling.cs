using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Kiln.Kernels;

/// <summary>
/// The shape of a 2-D pooling over <see cref="Planes"/> independent [H, W] planes (N·C of an [N, C, H, W] input);
/// torch's floor-mode output size. A 1-D pooling is the case H = KH = 1 (see <see cref="For1d"/>).
/// </summary>
public readonly record struct Pool2dGeometry(
    int Planes, int Height, int Width, int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth, int PaddingHeight, int PaddingWidth)
{
    public static Pool2dGeometry For1d(int planes, int length, int kernel, int stride, int padding) =>
        new(planes, 1, length, 1, kernel, 1, stride, 0, padding);

    public int OutputHeight => (Height + 2 * PaddingHeight - KernelHeight) / StrideHeight + 1;
    public int OutputWidth => (Width + 2 * PaddingWidth - KernelWidth) / StrideWidth + 1;
    public int InputPlaneSize => Height * Width;
    public int OutputPlaneSize => OutputHeight * OutputWidth;
}

/// <summary>Max and average pooling over caller-owned buffers (shared by the eager ops and generated code).</summary>
public static class Pooling
{
    /// <summary>The widest vector (bits) the 2×2 max-pooling kernel uses here: 512, 256, or 0 (scalar).</summary>
    internal static readonly int HardwareVectorBits = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 0;

    /// <summary>
    /// Max over each window, the padding counting as −∞. <paramref name="indices"/> (may be empty) receives each
    /// maximum's flat position h·W + w within its plane, as torch's return_indices; the first maximum wins ties.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaxPool2dForward(ReadOnlySpan<float> x, Span<float> y, Span<int> indices, in Pool2dGeometry g)
    {
        Check(x.Length, y.Length, g, "MaxPool2dForward");
        bool keepIndices = !indices.IsEmpty;
        if (keepIndices && indices.Length < (long)g.Planes * g.OutputPlaneSize)
            throw new ArgumentException($"MaxPool2dForward: indices hold {indices.Length} entries, {g.Planes * g.OutputPlaneSize} needed.");
        if (g is { KernelHeight: 2, KernelWidth: 2, StrideHeight: 2, StrideWidth: 2, PaddingHeight: 0, PaddingWidth: 0 })
        {
            MaxPool2x2(x, y, indices, g, HardwareVectorBits);
            return;
        }
        int oh = g.OutputHeight, ow = g.OutputWidth, w = g.Width, inPlane = g.InputPlaneSize, outPlane = g.OutputPlaneSize;
        for (int p = 0; p < g.Planes; p++)
        {
            var plane = x.Slice(p * inPlane, inPlane);
            int o = p * outPlane;
            for (int oy = 0; oy < oh; oy++)
            {
                var (y0, y1) = Window(oy, g.StrideHeight, g.PaddingHeight, g.KernelHeight, g.Height);
                for (int ox = 0; ox < ow; ox++, o++)
                {
                    var (x0, x1) = Window(ox, g.StrideWidth, g.PaddingWidth, g.KernelWidth, w);
                    float best = float.NegativeInfinity;
                    int bestIndex = y0 * w + x0;
                    for (int iy = y0; iy < y1; iy++)
                    {
                        var row = plane.Slice(iy * w, w);
                        for (int ix = x0; ix < x1; ix++)
                        {
                            float v = row[ix];
                            // NaN propagates, as in torch
                            if (v > best || float.IsNaN(v))
                            {
                                best = v;
                                bestIndex = iy * w + ix;
                                if (float.IsNaN(v)) goto done;
                            }
                        }
                    }
                done:
                    y[o] = best;
                    if (keepIndices) indices[o] = bestIndex;
                }
            }
        }
    }

    /// <summary>
    /// The common 2×2 window at stride 2 without padding: every window lies inside the plane, so no clipping. Branch-free
    /// and vectorised across outputs (a scalar compare per window element mispredicts on real data: this kernel was a
    /// quarter of the CNN step): a vector of 2·L inputs from each of the two rows is split into its even and odd
    /// elements, and the four candidates are compared in window order, so the first maximum wins and NaN propagates.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void MaxPool2x2(ReadOnlySpan<float> x, Span<float> y, Span<int> indices, in Pool2dGeometry g, int vectorBits)
    {
        int oh = g.OutputHeight, ow = g.OutputWidth, w = g.Width, inPlane = g.InputPlaneSize, outPlane = g.OutputPlaneSize;
        bool keepIndices = !indices.IsEmpty;
        bool wide = vectorBits == 512;
        int lanes = vectorBits / 64; // a vector of 2·lanes inputs per row gives lanes outputs
        long inputLength = (long)g.Planes * inPlane;
        float* values = stackalloc float[8];
        int* at = stackalloc int[8];
        fixed (float* px = x, py = y)
        fixed (int* pi = indices)
        {
            for (int p = 0; p < g.Planes; p++)
            {
                long planeStart = (long)p * inPlane;
                for (int oy = 0; oy < oh; oy++)
                {
                    int top = 2 * oy * w;
                    float* upper = px + planeStart + top, lower = upper + w;
                    float* dst = py + (long)p * outPlane + oy * ow;
                    int* dstIndices = keepIndices ? pi + (long)p * outPlane + oy * ow : null;
                    int ox = 0;
                    // A vector reads 2·lanes floats of each row; the last windows of the last rows may not have that many
                    // floats left in the buffer, and take the scalar path.
                    for (; lanes > 0 && ox < ow && planeStart + top + w + 2 * ox + 2 * lanes <= inputLength; ox += lanes)
                    {
                        int count = Math.Min(lanes, ow - ox);
                        // Whole vectors go straight to the output; a row's last, partial one through the stack.
                        bool whole = count == lanes;
                        float* valuesAt = whole ? dst + ox : values;
                        int* offsetsAt = whole && keepIndices ? dstIndices + ox : at;
                        int first = top + 2 * ox;
                        if (wide) Window512(upper + 2 * ox, lower + 2 * ox, w, first, valuesAt, offsetsAt);
                        else Window256(upper + 2 * ox, lower + 2 * ox, w, first, valuesAt, offsetsAt);
                        if (whole) continue;
                        for (int j = 0; j < count; j++)
                        {
                            dst[ox + j] = values[j];
                            if (keepIndices) dstIndices[ox + j] = at[j];
                        }
                    }
                    for (; ox < ow; ox++)
                    {
                        float best = upper[2 * ox];
                        int offset = 0;
                        float v = upper[2 * ox + 1];
                        if (v > best || float.IsNaN(v) && !float.IsNaN(best)) { best = v; offset = 1; }
                        v = lower[2 * ox];
                        if (v > best || float.IsNaN(v) && !float.IsNaN(best)) { best = v; offset = w; }
                        v = lower[2 * ox + 1];
                        if (v > best || float.IsNaN(v) && !float.IsNaN(best)) { best = v; offset = w + 1; }
                        dst[ox] = best;
                        if (keepIndices) dstIndices[ox] = top + 2 * ox + offset;
                    }
                }
            }
        }
    }

    /// <summary>
    /// 8 windows, the first at plane position <paramref name="first"/>: the maxima into <paramref name="values"/>, each
    /// one's plane position into <paramref name="at"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.AggressiveInlining)]
    static unsafe void Window512(float* upper, float* lower, int w, int first, float* values, int* at)
    {
        var evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 2, 4, 6, 8, 10, 12, 14);
        var odds = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 1, 3, 5, 7, 9, 11, 13, 15);
        var u = Vector512.Load(upper);
        var l = Vector512.Load(lower);
        var best = Vector512.Shuffle(u, evens).GetLower();
        var offset = Vector256<int>.Zero;
        Take(ref best, ref offset, Vector512.Shuffle(u, odds).GetLower(), Vector256.Create(1));
        Take(ref best, ref offset, Vector512.Shuffle(l, evens).GetLower(), Vector256.Create(w));
        Take(ref best, ref offset, Vector512.Shuffle(l, odds).GetLower(), Vector256.Create(w + 1));
        best.Store(values);
        (offset + Vector256.Create(first) + Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14)).Store(at);
    }

    /// <summary>4 windows, as <see cref="Window512"/> at Vector256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.AggressiveInlining)]
    static unsafe void Window256(float* upper, float* lower, int w, int first, float* values, int* at)
    {
        var evens = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
        var odds = Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7);
        var u = Vector256.Load(upper);
        var l = Vector256.Load(lower);
        var best = Vector256.Shuffle(u, evens).GetLower();
        var offset = Vector128<int>.Zero;
        Take(ref best, ref offset, Vector256.Shuffle(u, odds).GetLower(), Vector128.Create(1));
        Take(ref best, ref offset, Vector256.Shuffle(l, evens).GetLower(), Vector128.Create(w));
        Take(ref best, ref offset, Vector256.Shuffle(l, odds).GetLower(), Vector128.Create(w + 1));
        best.Store(values);
        (offset + Vector128.Create(first) + Vector128.Create(0, 2, 4, 6)).Store(at);
    }

    /// <summary>Takes the candidate where it is larger, or NaN over a number (the scalar path's rule, lane by lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Take(ref Vector256<float> best, ref Vector256<int> offset, Vector256<float> candidate, Vector256<int> candidateOffset)
    {
        var take = Vector256.GreaterThan(candidate, best)
            | Vector256.AndNot(~Vector256.Equals(candidate, candidate), ~Vector256.Equals(best, best));
        best = Vector256.ConditionalSelect(take, candidate, best);
        offset = Vector256.ConditionalSelect(take.AsInt32(), candidateOffset, offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Take(ref Vector128<float> best, ref Vector128<int> offset, Vector128<float> candidate, Vector128<int> candidateOffset)
    {
        var take = Vector128.GreaterThan(candidate, best)
            | Vector128.AndNot(~Vector128.Equals(candidate, candidate), ~Vector128.Equals(best, best));
        best = Vector128.ConditionalSelect(take, candidate, best);
        offset = Vector128.ConditionalSelect(take.AsInt32(), candidateOffset, offset);
    }

    /// <summary>gradInput = Σ gradOutput routed to the positions in <paramref name="indices"/> (written, not accumulated).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaxPool2dBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<int> indices, Span<float> gradInput, in Pool2dGeometry g)
    {
        Check(gradInput.Length, gradOutput.Length, g, "MaxPool2dBackward");
        int inPlane = g.InputPlaneSize, outPlane = g.OutputPlaneSize;
        gradInput[..(g.Planes * inPlane)].Clear();
        for (int p = 0; p < g.Planes; p++)
        {
            var gx = gradInput.Slice(p * inPlane, inPlane);
            var gy = gradOutput.Slice(p * outPlane, outPlane);
            var ix = indices.Slice(p * outPlane, outPlane);
            for (int o = 0; o < gy.Length; o++) gx[ix[o]] += gy[o];
        }
    }

    /// <summary>Mean over each window, the padding counting as zeros in the divisor (torch's count_include_pad=True).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AvgPool2dForward(ReadOnlySpan<float> x, Span<float> y, in Pool2dGeometry g)
    {
        Check(x.Length, y.Length, g, "AvgPool2dForward");
        int oh = g.OutputHeight, ow = g.OutputWidth, w = g.Width, inPlane = g.InputPlaneSize, outPlane = g.OutputPlaneSize;
        float scale = 1f / (g.KernelHeight * g.KernelWidth);
        for (int p = 0; p < g.Planes; p++)
        {
            var plane = x.Slice(p * inPlane, inPlane);
            int o = p * outPlane;
            for (int oy = 0; oy < oh; oy++)
            {
                var (y0, y1) = Window(oy, g.StrideHeight, g.PaddingHeight, g.KernelHeight, g.Height);
                for (int ox = 0; ox < ow; ox++, o++)
                {
                    var (x0, x1) = Window(ox, g.StrideWidth, g.PaddingWidth, g.KernelWidth, w);
                    float sum = 0;
                    for (int iy = y0; iy < y1; iy++) sum += TensorPrimitives.Sum(plane.Slice(iy * w + x0, x1 - x0));
                    y[o] = sum * scale;
                }
            }
        }
    }

    /// <summary>gradInput = each output's gradient spread evenly over its window (written, not accumulated).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AvgPool2dBackward(ReadOnlySpan<float> gradOutput, Span<float> gradInput, in Pool2dGeometry g)
    {
        Check(gradInput.Length, gradOutput.Length, g, "AvgPool2dBackward");
        int oh = g.OutputHeight, ow = g.OutputWidth, w = g.Width, inPlane = g.InputPlaneSize, outPlane = g.OutputPlaneSize;
        float scale = 1f / (g.KernelHeight * g.KernelWidth);
        gradInput[..(g.Planes * inPlane)].Clear();
        for (int p = 0; p < g.Planes; p++)
        {
            var plane = gradInput.Slice(p * inPlane, inPlane);
            int o = p * outPlane;
            for (int oy = 0; oy < oh; oy++)
            {
                var (y0, y1) = Window(oy, g.StrideHeight, g.PaddingHeight, g.KernelHeight, g.Height);
                for (int ox = 0; ox < ow; ox++, o++)
                {
                    var (x0, x1) = Window(ox, g.StrideWidth, g.PaddingWidth, g.KernelWidth, w);
                    float share = gradOutput[o] * scale;
                    for (int iy = y0; iy < y1; iy++)
                    {
                        var row = plane.Slice(iy * w + x0, x1 - x0);
                        TensorPrimitives.Add(row, share, row);
                    }
                }
            }
        }
    }

    /// <summary>The input positions [start, end) of output position <paramref name="o"/>'s window, clipped to the input.</summary>
    static (int Start, int End) Window(int o, int stride, int padding, int kernel, int size)
    {
        int start = o * stride - padding;
        return (Math.Max(start, 0), Math.Min(start + kernel, size));
    }

    static void Check(int inputLength, int outputLength, in Pool2dGeometry g, string kernel)
    {
        if (g.KernelHeight <= 0 || g.KernelWidth <= 0 || g.StrideHeight <= 0 || g.StrideWidth <= 0
            || g.PaddingHeight < 0 || g.PaddingWidth < 0 || g.PaddingHeight > g.KernelHeight / 2 || g.PaddingWidth > g.KernelWidth / 2
            || g.OutputHeight <= 0 || g.OutputWidth <= 0)
            throw new ArgumentException($"{kernel}: invalid geometry {g}.");
        if (inputLength < (long)g.Planes * g.InputPlaneSize || outputLength < (long)g.Planes * g.OutputPlaneSize)
            throw new ArgumentException($"{kernel}: buffers too small for {g} (input {inputLength}, output {outputLength}).");
    }
}
