using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Kiln.Kernels;

public static unsafe partial class Gemm
{
    /// <summary>Columns (two 16-float strips) at or below which a product can skip the packed path.</summary>
    const int SmallProblemMaxN = 32;

    /// <summary>Depth at or below which a transposed B's packed strips stay in L1 (128 × 32 floats = 16 KB).</summary>
    const int SmallProblemMaxK = 128;

    /// <summary>
    /// The same for a plain B, which is read in place: a weight gradient over all of an Rnn's steps (dzᵀ·x, K = steps ·
    /// batch = 384) still keeps its few outputs in registers over the whole depth.
    /// </summary>
    const int SmallProblemMaxPlainK = 512;

    /// <summary>Multiply-adds at or below which packing A and running the cache-blocked loops cost more than the FMAs.</summary>
    const long SmallProblemMaxMacs = 1 << 18;

    /// <summary>
    /// A product too small for the packed path to pay for itself: an Rnn step at batch 64 (64×20·20×20, 25,600
    /// multiply-adds) spent more time packing A and B and writing partial tiles than multiplying. Here nothing is packed
    /// but a transposed B (copied once, rows contiguous); rows of C are computed straight from A in registers, and
    /// the last 16-column strip is read and written with masked loads and stores, so N = 20 needs no scalar tail.
    /// </summary>
    static bool IsSmallProblem(in Problem p) =>
        p.N <= SmallProblemMaxN && p.K <= (p.TransposeB ? SmallProblemMaxK : SmallProblemMaxPlainK) && (long)p.M * p.N * p.K <= SmallProblemMaxMacs
        && (p.Level == SimdLevel.Vector512 && Avx512F.IsSupported || p.Level == SimdLevel.Vector && Avx2.IsSupported);

    /// <summary>
    /// C (+)= op(A)·op(B) for <see cref="IsSmallProblem"/> shapes. A plain B is read in place; a transposed one is
    /// first copied into [K, 16·strips] (its rows contiguous, as the tiles read them). Each block of four rows keeps
    /// its 4 × 32 (Vector512) or 4 × 16 (Vector256, per strip) outputs in eight accumulators over the whole depth,
    /// reading op(A)'s elements as broadcasts (plain A: four row streams; Aᵀ: four neighbours of one stored row).
    /// The last strip's loads and stores are masked to the N columns there are, so nothing is zero-padded or
    /// written past a row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MultiplySmall(in Problem p)
    {
        const int strip = 16;
        int strips = (p.N + strip - 1) / strip;
        float* b = p.B;
        long bStride = p.Ldb;
        if (p.TransposeB)
        {
            int width = strips * strip;
            float* packed = Scratch(ref scratchB, (long)p.K * width);
            for (int j = 0; j < p.N; j++)
            {
                float* column = p.B + (long)j * p.Ldb; // column j of op(B), contiguous in the stored B
                for (int q = 0; q < p.K; q++) packed[(long)q * width + j] = column[q];
            }
            b = packed;
            bStride = width;
        }

        // Element (i, q) of op(A) is at A + i·rowStep + q·depthStep.
        long rowStep = p.TransposeA ? 1 : p.Lda, depthStep = p.TransposeA ? p.Lda : 1;
        bool store = p.Overwrite;
        for (int i = 0; i < p.M; i += 4)
        {
            float* a = p.A + i * rowStep;
            float* c = p.C + (long)i * p.Ldc;
            int rows = Math.Min(4, p.M - i);
            if (p.Level == SimdLevel.Vector512)
            {
                var lastMask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(p.N - (strips - 1) * strip)).AsSingle();
                if (strips == 2)
                    switch (rows)
                    {
                        case 4: SmallTile512<Four, Two>(a, rowStep, depthStep, b, bStride, lastMask, p.K, c, p.Ldc, p.N, store); break;
                        case 3: SmallTile512<Three, Two>(a, rowStep, depthStep, b, bStride, lastMask, p.K, c, p.Ldc, p.N, store); break;
                        case 2: SmallTile512<Two, Two>(a, rowStep, depthStep, b, bStride, lastMask, p.K, c, p.Ldc, p.N, store); break;
                        default: SmallTile512<One, Two>(a, rowStep, depthStep, b, bStride, lastMask, p.K, c, p.Ldc, p.N, store); break;
                    }
                else
                    switch (rows)
                    {
                        case 4: SmallTile512<Four, One>(a, rowStep, depthStep, b, bStride, lastMask, p.K, c, p.Ldc, p.N, store); break;
                        case 3: SmallTile512<Three, One>(a, rowStep, depthStep, b, bStride, lastMask, p.K, c, p.Ldc, p.N, store); break;
                        case 2: SmallTile512<Two, One>(a, rowStep, depthStep, b, bStride, lastMask, p.K, c, p.Ldc, p.N, store); break;
                        default: SmallTile512<One, One>(a, rowStep, depthStep, b, bStride, lastMask, p.K, c, p.Ldc, p.N, store); break;
                    }
            }
            else
            {
                for (int s = 0; s < strips; s++)
                {
                    int columns = Math.Min(strip, p.N - s * strip);
                    float* bs = b + s * strip, cs = c + s * strip;
                    switch (rows)
                    {
                        case 4: SmallTile256<Four>(a, rowStep, depthStep, bs, bStride, p.K, cs, p.Ldc, columns, store); break;
                        case 3: SmallTile256<Three>(a, rowStep, depthStep, bs, bStride, p.K, cs, p.Ldc, columns, store); break;
                        case 2: SmallTile256<Two>(a, rowStep, depthStep, bs, bStride, p.K, cs, p.Ldc, columns, store); break;
                        default: SmallTile256<One>(a, rowStep, depthStep, bs, bStride, p.K, cs, p.Ldc, columns, store); break;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Up to 4 rows × 16·TStrips columns in up to 8 Vector512 accumulators; the last strip's loads keep only the lanes
    /// of <paramref name="lastMask"/> (the others read as zero and are never touched in memory).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void SmallTile512<TRows, TStrips>(float* a, long rowStep, long depthStep, float* b, long bStride, Vector512<float> lastMask,
        int k, float* c, long ldc, int n, bool store)
        where TRows : struct, IRowCount where TStrips : struct, IRowCount
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int q = 0; q < k; q++, a += depthStep, b += bStride)
        {
            Vector512<float> b0, b1 = default;
            if (TStrips.Count > 1)
            {
                b0 = Vector512.Load(b);
                b1 = Avx512F.MaskLoad(b + 16, lastMask, Vector512<float>.Zero);
            }
            else
            {
                b0 = Avx512F.MaskLoad(b, lastMask, Vector512<float>.Zero);
            }
            var x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            if (TStrips.Count > 1) c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            if (TRows.Count > 1)
            {
                x = Vector512.Create(a[rowStep]);
                c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
                if (TStrips.Count > 1) c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            }
            if (TRows.Count > 2)
            {
                x = Vector512.Create(a[2 * rowStep]);
                c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
                if (TStrips.Count > 1) c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            }
            if (TRows.Count > 3)
            {
                x = Vector512.Create(a[3 * rowStep]);
                c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
                if (TStrips.Count > 1) c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            }
        }
        WriteRow512<TStrips>(c, c00, c01, n, store);
        if (TRows.Count > 1) WriteRow512<TStrips>(c + ldc, c10, c11, n, store);
        if (TRows.Count > 2) WriteRow512<TStrips>(c + 2 * ldc, c20, c21, n, store);
        if (TRows.Count > 3) WriteRow512<TStrips>(c + 3 * ldc, c30, c31, n, store);
    }

    /// <summary>Stores or adds one row's first <paramref name="n"/> columns; the columns past n are masked off, not written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void WriteRow512<TStrips>(float* row, Vector512<float> first, Vector512<float> second, int n, bool store) where TStrips : struct, IRowCount
    {
        WriteChunk512(row, first, n, store);
        if (TStrips.Count > 1) WriteChunk512(row + 16, second, n - 16, store);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void WriteChunk512(float* chunk, Vector512<float> value, int columns, bool store)
    {
        if (columns >= 16)
        {
            if (!store) value += Vector512.Load(chunk);
            value.Store(chunk);
            return;
        }
        var mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(columns)).AsSingle();
        if (!store) value += Avx512F.MaskLoad(chunk, mask, Vector512<float>.Zero);
        Avx512F.MaskStore(chunk, mask, value);
    }

    /// <summary>
    /// Up to 4 rows × one strip of <paramref name="n"/> ≤ 16 columns at Vector256: 8 accumulators (AVX2 has 16
    /// registers); loads past n are masked off.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void SmallTile256<TRows>(float* a, long rowStep, long depthStep, float* b, long bStride, int k, float* c, long ldc, int n, bool store)
        where TRows : struct, IRowCount
    {
        var mask0 = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(n)).AsSingle();
        var mask1 = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(n - 8)).AsSingle();
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int q = 0; q < k; q++, a += depthStep, b += bStride)
        {
            var b0 = Avx.MaskLoad(b, mask0);
            var b1 = Avx.MaskLoad(b + 8, mask1);
            var x = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            if (TRows.Count > 1)
            {
                x = Vector256.Create(a[rowStep]);
                c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            }
            if (TRows.Count > 2)
            {
                x = Vector256.Create(a[2 * rowStep]);
                c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            }
            if (TRows.Count > 3)
            {
                x = Vector256.Create(a[3 * rowStep]);
                c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            }
        }
        WriteRow256(c, c00, c01, n, store);
        if (TRows.Count > 1) WriteRow256(c + ldc, c10, c11, n, store);
        if (TRows.Count > 2) WriteRow256(c + 2 * ldc, c20, c21, n, store);
        if (TRows.Count > 3) WriteRow256(c + 3 * ldc, c30, c31, n, store);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void WriteRow256(float* row, Vector256<float> first, Vector256<float> second, int n, bool store)
    {
        WriteChunk256(row, first, n, store);
        if (n > 8) WriteChunk256(row + 8, second, n - 8, store);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void WriteChunk256(float* chunk, Vector256<float> value, int columns, bool store)
    {
        if (columns >= 8)
        {
            if (!store) value += Vector256.Load(chunk);
            value.Store(chunk);
            return;
        }
        // vmaskmovps: lanes whose mask sign bit is clear are neither read nor written (no fault past the buffer's end).
        var mask = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(columns)).AsSingle();
        if (!store) value += Avx.MaskLoad(chunk, mask);
        Avx.MaskStore(chunk, mask, value);
    }
}
