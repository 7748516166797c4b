using ILGPU;
using ILGPU.Runtime;

namespace Kiln.Accelerators.Kernels;

/// <summary>Rows of a [rows, Dim] table selected by indices, and the gradient added back (Kiln.Kernels.Embedding).</summary>
public struct GatherShape
{
    public int Dim, SkippedRow;
}

/// <summary>Embedding gather and scatter-add; copies of one axis swapped with another (Transpose).</summary>
public static class GatherKernels
{
    public static void Gather(Index1D element, ArrayView<float> weight, ArrayView<int> indices, ArrayView<float> output, GatherShape s)
    {
        int i = element.X / s.Dim, j = element.X % s.Dim;
        output[element.X] = weight[(long)indices[i] * s.Dim + j];
    }

    /// <summary>Rows may repeat, so the adds are atomic.</summary>
    public static void ScatterAdd(Index1D element, ArrayView<float> gradOutput, ArrayView<int> indices, ArrayView<float> gradWeight, GatherShape s)
    {
        int i = element.X / s.Dim, j = element.X % s.Dim;
        int row = indices[i];
        if (row == s.SkippedRow) return;
        Atomic.Add(ref gradWeight[(long)row * s.Dim + j], gradOutput[element.X]);
    }

    /// <summary>Strided block copies (Kiln.Kernels.Layout.CopyBlocks): narrow, its gradient, concat.</summary>
    public static void CopyBlocks(Index1D element, ArrayView<float> src, ArrayView<float> dst, BlockCopy s)
    {
        int o = element.X / s.Block, j = element.X % s.Block;
        dst[(long)s.TargetOffset + (long)o * s.TargetStride + j] = src[(long)s.SourceOffset + (long)o * s.SourceStride + j];
    }

    /// <summary>dst[o, b, m, a, i] = src[o, a, m, b, i] (Kiln.Kernels.Layout.SwapAxes), one thread per destination element.</summary>
    public static void SwapAxes(Index1D element, ArrayView<float> src, ArrayView<float> dst, SwapShape s)
    {
        int rest = element.X;
        int i = rest % s.Inner; rest /= s.Inner;
        int a = rest % s.A; rest /= s.A;
        int m = rest % s.Middle; rest /= s.Middle;
        int b = rest % s.B; rest /= s.B;
        int o = rest;
        dst[element.X] = src[(((long)o * s.A + a) * s.Middle + m) * s.B * s.Inner + (long)b * s.Inner + i];
    }
}

/// <summary>outer blocks of Block elements: source block o at SourceOffset + o·SourceStride, destination at TargetOffset + o·TargetStride.</summary>
public struct BlockCopy
{
    public int SourceStride, SourceOffset, TargetStride, TargetOffset, Block;
}

public struct SwapShape
{
    public int Outer, A, Middle, B, Inner;
}
