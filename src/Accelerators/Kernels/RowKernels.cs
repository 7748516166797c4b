using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace Kiln.Accelerators.Kernels;

/// <summary>An [outer, size, inner] layout reduced or normalised along its middle axis; one thread per (outer, inner) line.</summary>
public struct LineShape
{
    public int Outer, Size, Inner, Log;

    public int Lines => Outer * Inner;

    public readonly int Start(int line) => line / Inner * Size * Inner + line % Inner;
}

/// <summary>Softmax / log-softmax and max along an axis (forward and backward), as Kiln.Kernels computes them.</summary>
public static class RowKernels
{
    public static void SoftmaxForward(Index1D line, ArrayView<float> x, ArrayView<float> y, LineShape s)
    {
        int start = s.Start(line.X);
        float max = x[start];
        for (int r = 1; r < s.Size; r++) max = XMath.Max(max, x[start + r * s.Inner]);
        float sum = 0f;
        for (int r = 0; r < s.Size; r++) sum += XMath.Exp(x[start + r * s.Inner] - max);
        float logSum = XMath.Log(sum);
        for (int r = 0; r < s.Size; r++)
        {
            float shifted = x[start + r * s.Inner] - max;
            y[start + r * s.Inner] = s.Log != 0 ? shifted - logSum : XMath.Exp(shifted) / sum;
        }
    }

    /// <summary>gx = y ⊙ (g − Σ g⊙y) for softmax, g − exp(y) ⊙ Σ g for log-softmax (y the forward output).</summary>
    public static void SoftmaxBackward(Index1D line, ArrayView<float> y, ArrayView<float> g, ArrayView<float> gx, LineShape s)
    {
        int start = s.Start(line.X);
        float total = 0f;
        for (int r = 0; r < s.Size; r++)
        {
            int at = start + r * s.Inner;
            total += s.Log != 0 ? g[at] : g[at] * y[at];
        }
        for (int r = 0; r < s.Size; r++)
        {
            int at = start + r * s.Inner;
            gx[at] = s.Log != 0 ? g[at] - XMath.Exp(y[at]) * total : y[at] * (g[at] - total);
        }
    }

    /// <summary>The first index of the largest value (a NaN wins, as in Kiln.Kernels.Reduction).</summary>
    static int ArgMax(ArrayView<float> x, int start, LineShape s)
    {
        int best = 0;
        float bestValue = x[start];
        if (XMath.IsNaN(bestValue)) return 0;
        for (int r = 1; r < s.Size; r++)
        {
            float v = x[start + r * s.Inner];
            if (XMath.IsNaN(v)) return r;
            if (v > bestValue)
            {
                bestValue = v;
                best = r;
            }
        }
        return best;
    }

    public static void MaxForward(Index1D line, ArrayView<float> x, ArrayView<float> values, LineShape s)
    {
        int start = s.Start(line.X);
        values[line.X] = x[start + ArgMax(x, start, s) * s.Inner];
    }

    public static void MaxBackward(Index1D line, ArrayView<float> x, ArrayView<float> gradOutput, ArrayView<float> gradInput, LineShape s)
    {
        int start = s.Start(line.X);
        int best = ArgMax(x, start, s);
        for (int r = 0; r < s.Size; r++) gradInput[start + r * s.Inner] = r == best ? gradOutput[line.X] : 0f;
    }
}
