using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Kiln.Kernels;

/// <summary>Data movement: permutations, transposes and the block copies behind concat/narrow (eager ops and generated code alike).</summary>
public static class Layout
{
    const int Block = 32;

    /// <summary>Transposes a row-major [rows, cols] matrix into [cols, rows], in cache-sized blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Transpose2D(ReadOnlySpan<float> src, int rows, int cols, Span<float> dst)
    {
        if (src.Length < (long)rows * cols || dst.Length < (long)rows * cols)
            throw new ArgumentException($"Transpose2D: buffers too small for [{rows},{cols}] (src {src.Length}, dst {dst.Length}).");
        fixed (float* s = src, d = dst)
        {
            for (int r0 = 0; r0 < rows; r0 += Block)
                for (int c0 = 0; c0 < cols; c0 += Block)
                {
                    int rEnd = Math.Min(r0 + Block, rows), cEnd = Math.Min(c0 + Block, cols);
                    int r = r0;
                    if (Avx.IsSupported)
                    {
                        // 8×8 blocks in registers; the ragged right and bottom edges fall through to the scalar loop.
                        for (; r + 8 <= rEnd; r += 8)
                        {
                            int c = c0;
                            for (; c + 8 <= cEnd; c += 8)
                                BlockTranspose.Transpose8x8(s + (long)r * cols + c, cols, d + (long)c * rows + r, rows);
                            for (int rr = r; rr < r + 8; rr++)
                                for (int cc = c; cc < cEnd; cc++)
                                    d[(long)cc * rows + rr] = s[(long)rr * cols + cc];
                        }
                    }
                    for (; r < rEnd; r++)
                        for (int c = c0; c < cEnd; c++)
                            d[(long)c * rows + r] = s[(long)r * cols + c];
                }
        }
    }

    /// <summary>
    /// For each of <paramref name="outer"/> blocks: copies <paramref name="block"/> elements from
    /// src[o·srcStride + srcOffset] to dst[o·dstStride + dstOffset] (concat, narrow and their gradients).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CopyBlocks(ReadOnlySpan<float> src, int srcStride, int srcOffset, Span<float> dst, int dstStride, int dstOffset, int outer, int block)
    {
        for (int o = 0; o < outer; o++)
            src.Slice(o * srcStride + srcOffset, block).CopyTo(dst.Slice(o * dstStride + dstOffset, block));
    }

    /// <summary>
    /// Swaps two axes of a tensor viewed as [outer, a, middle, b, inner] into [outer, b, middle, a, inner] (transpose
    /// and its gradient). Adjacent axes of single elements (middle = inner = 1) take the blocked <see cref="Transpose2D"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SwapAxes(ReadOnlySpan<float> src, Span<float> dst, int outer, int a, int middle, int b, int inner)
    {
        long count = (long)outer * a * middle * b * inner;
        if (src.Length < count || dst.Length < count)
            throw new ArgumentException($"SwapAxes: buffers too small for [{outer},{a},{middle},{b},{inner}] (src {src.Length}, dst {dst.Length}).");
        if (middle == 1 && inner == 1)
        {
            int plane = a * b;
            for (int o = 0; o < outer; o++) Transpose2D(src.Slice(o * plane, plane), a, b, dst.Slice(o * plane, plane));
            return;
        }
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < a; i++)
                for (int m = 0; m < middle; m++)
                {
                    int from = ((o * a + i) * middle + m) * b * inner;
                    if (inner == 1)
                        for (int j = 0; j < b; j++) dst[((o * b + j) * middle + m) * a + i] = src[from + j];
                    else
                        for (int j = 0; j < b; j++)
                            src.Slice(from + j * inner, inner).CopyTo(dst.Slice((((o * b + j) * middle + m) * a + i) * inner, inner));
                }
    }

    /// <summary>dst = src with dimensions reordered: dst dimension i is src dimension perm[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Permute(ReadOnlySpan<float> src, int[] shape, int[] perm, Span<float> dst)
    {
        int rank = shape.Length;
        if (rank == 2 && perm[0] == 1)
        {
            Transpose2D(src, shape[0], shape[1], dst);
            return;
        }
        var srcStrides = ShapeUtil.Strides(shape);
        var outShape = new int[rank];
        var strides = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            outShape[i] = shape[perm[i]];
            strides[i] = srcStrides[perm[i]];
        }
        if (rank == 0 || dst.Length == 0)
        {
            if (dst.Length > 0) dst[0] = src[0];
            return;
        }
        int inner = outShape[rank - 1], innerStride = strides[rank - 1];
        var index = new int[rank];
        int rows = dst.Length / inner;
        for (int row = 0; row < rows; row++)
        {
            int offset = 0;
            for (int d = 0; d < rank - 1; d++) offset += index[d] * strides[d];
            var line = dst.Slice(row * inner, inner);
            if (innerStride == 1) src.Slice(offset, inner).CopyTo(line);
            else for (int i = 0; i < inner; i++) line[i] = src[offset + i * innerStride];
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++index[d] < outShape[d]) break;
                index[d] = 0;
            }
        }
    }
}
