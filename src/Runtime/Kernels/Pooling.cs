using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

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
            MaxPool2x2(x, y, indices, g);
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

    /// <summary>The common 2×2 window at stride 2 without padding: every window lies inside the plane, so no clipping.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MaxPool2x2(ReadOnlySpan<float> x, Span<float> y, Span<int> indices, in Pool2dGeometry g)
    {
        int oh = g.OutputHeight, ow = g.OutputWidth, w = g.Width, inPlane = g.InputPlaneSize, outPlane = g.OutputPlaneSize;
        bool keepIndices = !indices.IsEmpty;
        for (int p = 0; p < g.Planes; p++)
        {
            var plane = x.Slice(p * inPlane, inPlane);
            for (int oy = 0; oy < oh; oy++)
            {
                int top = 2 * oy * w;
                var upper = plane.Slice(top, 2 * ow);
                var lower = plane.Slice(top + w, 2 * ow);
                var dst = y.Slice(p * outPlane + oy * ow, ow);
                var dstIndices = keepIndices ? indices.Slice(p * outPlane + oy * ow, ow) : default;
                for (int ox = 0; ox < ow; ox++)
                {
                    // candidates in window order, so the first maximum wins as in the general path
                    float best = upper[2 * ox];
                    int at = top + 2 * ox;
                    float v = upper[2 * ox + 1];
                    if (v > best || float.IsNaN(v) && !float.IsNaN(best)) { best = v; at = top + 2 * ox + 1; }
                    v = lower[2 * ox];
                    if (v > best || float.IsNaN(v) && !float.IsNaN(best)) { best = v; at = top + w + 2 * ox; }
                    v = lower[2 * ox + 1];
                    if (v > best || float.IsNaN(v) && !float.IsNaN(best)) { best = v; at = top + w + 2 * ox + 1; }
                    dst[ox] = best;
                    if (keepIndices) dstIndices[ox] = at;
                }
            }
        }
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
