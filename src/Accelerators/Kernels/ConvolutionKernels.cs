using ILGPU;
using ILGPU.Runtime;

namespace Kiln.Accelerators.Kernels;

/// <summary>Conv2d geometry (Kiln.Kernels.Conv2dGeometry) plus the output size and two flags.</summary>
public struct ConvShape
{
    public int Batch, InChannels, Height, Width, OutChannels, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PaddingHeight, PaddingWidth;
    public int OutputHeight, OutputWidth, HasBias, Accumulate;

    /// <summary>The fused conv + ReLU + max-pool writes its argmax (the backward program needs it; the forward one has none).</summary>
    public int KeepArgMax;
}

/// <summary>Pool2d geometry (Kiln.Kernels.Pool2dGeometry) plus the output size.</summary>
public struct PoolShape
{
    public int Planes, Height, Width, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PaddingHeight, PaddingWidth, OutputHeight, OutputWidth;
}

/// <summary>
/// Direct convolution and pooling, one thread per element of what is written (no im2col, no atomics: a gradient
/// thread gathers every contribution to its element), so each element is written once and results do not depend on
/// the launch. Padding reads as zero (convolution) or is skipped (pooling, as in Kiln.Kernels.Pooling).
/// </summary>
public static class ConvolutionKernels
{
    public static void Conv2dForward(Index1D element, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> y, ConvShape s)
    {
        int rest = element.X;
        int ox = rest % s.OutputWidth; rest /= s.OutputWidth;
        int oy = rest % s.OutputHeight; rest /= s.OutputHeight;
        int k = rest % s.OutChannels;
        int n = rest / s.OutChannels;
        y[element] = ConvolutionAt(x, weight, bias, n, k, oy, ox, s);
    }

    /// <summary>
    /// The fused conv2d + bias → ReLU → 2×2 max-pool at stride 2, one thread per pooled element: the window's 4
    /// convolution outputs (+ bias) compared in row-major order (the first maximum wins, NaN propagates), the ReLU
    /// of the maximum into <paramref name="pooled"/> and, when kept, the winning position 0..3 into <paramref name="argmax"/>.
    /// </summary>
    public static void Conv2dReluMaxPool2x2(Index1D element, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias,
        ArrayView<float> pooled, ArrayView<float> argmax, ConvShape s)
    {
        int pooledHeight = s.OutputHeight / 2, pooledWidth = s.OutputWidth / 2;
        int rest = element.X;
        int px = rest % pooledWidth; rest /= pooledWidth;
        int py = rest % pooledHeight; rest /= pooledHeight;
        int k = rest % s.OutChannels;
        int n = rest / s.OutChannels;
        float best = float.NegativeInfinity;
        int at = 0;
        for (int p = 0; p < 4; p++)
        {
            float v = ConvolutionAt(x, weight, bias, n, k, 2 * py + p / 2, 2 * px + p % 2, s);
            if (v > best || float.IsNaN(v) && !float.IsNaN(best))
            {
                best = v;
                at = p;
            }
        }
        pooled[element] = best > 0f || float.IsNaN(best) ? best : 0f;
        if (s.KeepArgMax != 0) argmax[element] = at;
    }

    /// <summary>
    /// The fused op's backward, one thread per convolution output: the pooled gradient of its window if it is the
    /// window's argmax and the pooled value is positive (the ReLU's mask), else 0 (also outside every window).
    /// </summary>
    public static void Conv2dReluMaxPool2x2Backward(Index1D element, ArrayView<float> gradPooled, ArrayView<float> pooled, ArrayView<float> argmax,
        ArrayView<float> gradConv, PoolShape s)
    {
        int ix = element.X % s.Width, iy = element.X / s.Width % s.Height, plane = element.X / (s.Width * s.Height);
        int py = iy / 2, px = ix / 2;
        float g = 0f;
        if (py < s.OutputHeight && px < s.OutputWidth)
        {
            int o = (plane * s.OutputHeight + py) * s.OutputWidth + px;
            if ((int)argmax[o] == (iy % 2) * 2 + ix % 2 && pooled[o] > 0f) g = gradPooled[o];
        }
        gradConv[element] = g;
    }

    /// <summary>
    /// The fused op's weight gradient, one thread per weight element: gw[k,c,i,j] (+)= Σ over the batch and the
    /// convolution's positions of its gradient (recovered from the pooled gradient, value and argmax) · x.
    /// </summary>
    public static void Conv2dReluMaxPool2x2BackwardWeight(Index1D element, ArrayView<float> x, ArrayView<float> gradPooled, ArrayView<float> pooled,
        ArrayView<float> argmax, ArrayView<float> gradWeight, ConvShape s)
    {
        int rest = element.X;
        int j = rest % s.KernelWidth; rest /= s.KernelWidth;
        int i = rest % s.KernelHeight; rest /= s.KernelHeight;
        int c = rest % s.InChannels;
        int k = rest / s.InChannels;
        int pooledHeight = s.OutputHeight / 2, pooledWidth = s.OutputWidth / 2;
        float sum = 0f;
        for (int n = 0; n < s.Batch; n++)
            for (int py = 0; py < pooledHeight; py++)
                for (int px = 0; px < pooledWidth; px++)
                {
                    // Only each window's winner, under the ReLU's mask, has a nonzero gradient.
                    int o = ((n * s.OutChannels + k) * pooledHeight + py) * pooledWidth + px;
                    if (!(pooled[o] > 0f)) continue;
                    int at = (int)argmax[o];
                    int iy = (2 * py + at / 2) * s.StrideHeight - s.PaddingHeight + i;
                    int ix = (2 * px + at % 2) * s.StrideWidth - s.PaddingWidth + j;
                    if (iy < 0 || iy >= s.Height || ix < 0 || ix >= s.Width) continue;
                    sum += gradPooled[o] * x[((n * s.InChannels + c) * s.Height + iy) * s.Width + ix];
                }
        gradWeight[element] = s.Accumulate != 0 ? gradWeight[element] + sum : sum;
    }

    /// <summary>conv2d(x, weight) (+ bias) at output (n, k, oy, ox); the padding reads as zero.</summary>
    static float ConvolutionAt(ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias, int n, int k, int oy, int ox, ConvShape s)
    {
        float sum = s.HasBias != 0 ? bias[k] : 0f;
        for (int c = 0; c < s.InChannels; c++)
            for (int i = 0; i < s.KernelHeight; i++)
            {
                int iy = oy * s.StrideHeight - s.PaddingHeight + i;
                if (iy < 0 || iy >= s.Height) continue;
                for (int j = 0; j < s.KernelWidth; j++)
                {
                    int ix = ox * s.StrideWidth - s.PaddingWidth + j;
                    if (ix < 0 || ix >= s.Width) continue;
                    sum += x[((n * s.InChannels + c) * s.Height + iy) * s.Width + ix] * weight[((k * s.InChannels + c) * s.KernelHeight + i) * s.KernelWidth + j];
                }
            }
        return sum;
    }

    /// <summary>gx[n,c,iy,ix] = Σ over the outputs whose window covers it of g · w.</summary>
    public static void Conv2dBackwardInput(Index1D element, ArrayView<float> gradOutput, ArrayView<float> weight, ArrayView<float> gradInput, ConvShape s)
    {
        int rest = element.X;
        int ix = rest % s.Width; rest /= s.Width;
        int iy = rest % s.Height; rest /= s.Height;
        int c = rest % s.InChannels;
        int n = rest / s.InChannels;
        float sum = 0f;
        for (int i = 0; i < s.KernelHeight; i++)
        {
            int ty = iy + s.PaddingHeight - i;
            if (ty < 0 || ty % s.StrideHeight != 0) continue;
            int oy = ty / s.StrideHeight;
            if (oy >= s.OutputHeight) continue;
            for (int j = 0; j < s.KernelWidth; j++)
            {
                int tx = ix + s.PaddingWidth - j;
                if (tx < 0 || tx % s.StrideWidth != 0) continue;
                int ox = tx / s.StrideWidth;
                if (ox >= s.OutputWidth) continue;
                for (int k = 0; k < s.OutChannels; k++)
                    sum += gradOutput[((n * s.OutChannels + k) * s.OutputHeight + oy) * s.OutputWidth + ox] * weight[((k * s.InChannels + c) * s.KernelHeight + i) * s.KernelWidth + j];
            }
        }
        gradInput[element] = sum;
    }

    /// <summary>gw[k,c,i,j] (+)= Σ over the batch and the output positions of g · x.</summary>
    public static void Conv2dBackwardWeight(Index1D element, ArrayView<float> x, ArrayView<float> gradOutput, ArrayView<float> gradWeight, ConvShape s)
    {
        int rest = element.X;
        int j = rest % s.KernelWidth; rest /= s.KernelWidth;
        int i = rest % s.KernelHeight; rest /= s.KernelHeight;
        int c = rest % s.InChannels;
        int k = rest / s.InChannels;
        float sum = 0f;
        for (int n = 0; n < s.Batch; n++)
            for (int oy = 0; oy < s.OutputHeight; oy++)
            {
                int iy = oy * s.StrideHeight - s.PaddingHeight + i;
                if (iy < 0 || iy >= s.Height) continue;
                for (int ox = 0; ox < s.OutputWidth; ox++)
                {
                    int ix = ox * s.StrideWidth - s.PaddingWidth + j;
                    if (ix < 0 || ix >= s.Width) continue;
                    sum += gradOutput[((n * s.OutChannels + k) * s.OutputHeight + oy) * s.OutputWidth + ox] * x[((n * s.InChannels + c) * s.Height + iy) * s.Width + ix];
                }
            }
        gradWeight[element] = s.Accumulate != 0 ? gradWeight[element] + sum : sum;
    }

    /// <summary>The flat in-plane position of a window's maximum: the first one wins ties, a NaN wins outright.</summary>
    static int ArgMax(ArrayView<float> x, int plane, int oy, int ox, PoolShape s)
    {
        int y0 = XMathMax(oy * s.StrideHeight - s.PaddingHeight, 0), y1 = XMathMin(oy * s.StrideHeight - s.PaddingHeight + s.KernelHeight, s.Height);
        int x0 = XMathMax(ox * s.StrideWidth - s.PaddingWidth, 0), x1 = XMathMin(ox * s.StrideWidth - s.PaddingWidth + s.KernelWidth, s.Width);
        float best = float.NegativeInfinity;
        int at = y0 * s.Width + x0;
        for (int iy = y0; iy < y1; iy++)
            for (int ix = x0; ix < x1; ix++)
            {
                float v = x[plane * s.Height * s.Width + iy * s.Width + ix];
                if (v > best || float.IsNaN(v))
                {
                    best = v;
                    at = iy * s.Width + ix;
                    if (float.IsNaN(v)) return at;
                }
            }
        return at;
    }

    static int XMathMax(int a, int b) => a > b ? a : b;
    static int XMathMin(int a, int b) => a < b ? a : b;

    public static void MaxPool2dForward(Index1D element, ArrayView<float> x, ArrayView<float> y, PoolShape s)
    {
        int ox = element.X % s.OutputWidth, oy = element.X / s.OutputWidth % s.OutputHeight, plane = element.X / (s.OutputWidth * s.OutputHeight);
        y[element] = x[plane * s.Height * s.Width + ArgMax(x, plane, oy, ox, s)];
    }

    /// <summary>gx at an input position: the gradients of the windows whose maximum it is (recomputed from x, as the forward).</summary>
    public static void MaxPool2dBackward(Index1D element, ArrayView<float> x, ArrayView<float> gradOutput, ArrayView<float> gradInput, PoolShape s)
    {
        int ix = element.X % s.Width, iy = element.X / s.Width % s.Height, plane = element.X / (s.Width * s.Height);
        float sum = 0f;
        for (int oy = 0; oy < s.OutputHeight; oy++)
        {
            int top = oy * s.StrideHeight - s.PaddingHeight;
            if (iy < top || iy >= top + s.KernelHeight) continue;
            for (int ox = 0; ox < s.OutputWidth; ox++)
            {
                int left = ox * s.StrideWidth - s.PaddingWidth;
                if (ix < left || ix >= left + s.KernelWidth) continue;
                if (ArgMax(x, plane, oy, ox, s) == iy * s.Width + ix)
                    sum += gradOutput[(plane * s.OutputHeight + oy) * s.OutputWidth + ox];
            }
        }
        gradInput[element] = sum;
    }

    public static void AvgPool2dForward(Index1D element, ArrayView<float> x, ArrayView<float> y, PoolShape s)
    {
        int ox = element.X % s.OutputWidth, oy = element.X / s.OutputWidth % s.OutputHeight, plane = element.X / (s.OutputWidth * s.OutputHeight);
        int y0 = XMathMax(oy * s.StrideHeight - s.PaddingHeight, 0), y1 = XMathMin(oy * s.StrideHeight - s.PaddingHeight + s.KernelHeight, s.Height);
        int x0 = XMathMax(ox * s.StrideWidth - s.PaddingWidth, 0), x1 = XMathMin(ox * s.StrideWidth - s.PaddingWidth + s.KernelWidth, s.Width);
        float sum = 0f;
        for (int iy = y0; iy < y1; iy++)
            for (int ix = x0; ix < x1; ix++) sum += x[plane * s.Height * s.Width + iy * s.Width + ix];
        y[element] = sum * (1f / (s.KernelHeight * s.KernelWidth));
    }

    public static void AvgPool2dBackward(Index1D element, ArrayView<float> gradOutput, ArrayView<float> gradInput, PoolShape s)
    {
        int ix = element.X % s.Width, iy = element.X / s.Width % s.Height, plane = element.X / (s.Width * s.Height);
        float scale = 1f / (s.KernelHeight * s.KernelWidth), sum = 0f;
        for (int oy = 0; oy < s.OutputHeight; oy++)
        {
            int top = oy * s.StrideHeight - s.PaddingHeight;
            if (iy < top || iy >= top + s.KernelHeight) continue;
            for (int ox = 0; ox < s.OutputWidth; ox++)
            {
                int left = ox * s.StrideWidth - s.PaddingWidth;
                if (ix < left || ix >= left + s.KernelWidth) continue;
                sum += gradOutput[(plane * s.OutputHeight + oy) * s.OutputWidth + ox] * scale;
            }
        }
        gradInput[element] = sum;
    }
}
