using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Kiln.Kernels;

public static unsafe partial class Gemm
{
    /// <summary>M at or below which a transposed A against a plain B skips packing (a classifier head's weight gradient).</summary>
    const int SmallTransposedM = 16;

    /// <summary>
    /// C (+)= Aᵀ·B for a few rows (M ≤ 16; A stored [K, M], B [K, N]): a weight gradient gᵀ·x whose g has few columns
    /// (Linear(784, 10): 10×256·256×784). The packed path would copy all of B (K·N floats) to multiply it by ten rows;
    /// here B is streamed once per four rows, row q of B feeding each row's FMAs with that row's A[q, i] broadcast:
    /// 3 loads and 4 broadcasts for 12 FMAs at Vector512, 2 and 4 for 8 at Vector256.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MultiplyTransposedASmallM(in Problem p)
    {
        p.ClearCIfOverwriting();
        int i = 0;
        for (; i + 4 <= p.M; i += 4) SmallMRows<Four>(p, i);
        switch (p.M - i)
        {
            case 3: SmallMRows<Three>(p, i); break;
            case 2: SmallMRows<Two>(p, i); break;
            case 1: SmallMRows<One>(p, i); break;
        }
    }

    /// <summary>A row count known to the JIT: each instantiation of the tiles keeps only its own rows' code.</summary>
    interface IRowCount { static abstract int Count { get; } }
    struct One : IRowCount { public static int Count => 1; }
    struct Two : IRowCount { public static int Count => 2; }
    struct Three : IRowCount { public static int Count => 3; }
    struct Four : IRowCount { public static int Count => 4; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void SmallMRows<TRows>(in Problem p, int i0) where TRows : struct, IRowCount
    {
        float* a = p.A + i0, c = p.C + (long)i0 * p.Ldc;
        int j = 0;
        if (p.Level == SimdLevel.Vector512)
        {
            for (; j + 48 <= p.N; j += 48) SmallMTile3<TRows>(a, p.Lda, p.B + j, p.Ldb, c + j, p.Ldc, p.K);
            for (; j + 16 <= p.N; j += 16) SmallMTile1<TRows>(a, p.Lda, p.B + j, p.Ldb, c + j, p.Ldc, p.K);
        }
        else
        {
            for (; j + 16 <= p.N; j += 16) SmallMTile2x256<TRows>(a, p.Lda, p.B + j, p.Ldb, c + j, p.Ldc, p.K);
            for (; j + 8 <= p.N; j += 8) SmallMTile1x256<TRows>(a, p.Lda, p.B + j, p.Ldb, c + j, p.Ldc, p.K);
        }
        for (; j < p.N; j++)
            for (int r = 0; r < TRows.Count; r++)
            {
                float sum = 0;
                for (int q = 0; q < p.K; q++) sum += a[(long)q * p.Lda + r] * p.B[(long)q * p.Ldb + j];
                c[(long)r * p.Ldc + j] += sum;
            }
    }

    /// <summary>Up to 4 rows × 48 columns of C in 12 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void SmallMTile3<TRows>(float* a, long lda, float* b, long ldb, float* c, long ldc, int k) where TRows : struct, IRowCount
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        for (int q = 0; q < k; q++, a += lda, b += ldb)
        {
            var b0 = Vector512.Load(b); var b1 = Vector512.Load(b + 16); var b2 = Vector512.Load(b + 32);
            var x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01); c02 = Vector512.FusedMultiplyAdd(x, b2, c02);
            if (TRows.Count > 1)
            {
                x = Vector512.Create(a[1]);
                c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11); c12 = Vector512.FusedMultiplyAdd(x, b2, c12);
            }
            if (TRows.Count > 2)
            {
                x = Vector512.Create(a[2]);
                c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21); c22 = Vector512.FusedMultiplyAdd(x, b2, c22);
            }
            if (TRows.Count > 3)
            {
                x = Vector512.Create(a[3]);
                c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31); c32 = Vector512.FusedMultiplyAdd(x, b2, c32);
            }
        }
        AddRow(c, c00, c01, c02);
        if (TRows.Count > 1) AddRow(c + ldc, c10, c11, c12);
        if (TRows.Count > 2) AddRow(c + 2 * ldc, c20, c21, c22);
        if (TRows.Count > 3) AddRow(c + 3 * ldc, c30, c31, c32);

        static void AddRow(float* row, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2)
        {
            (Vector512.Load(row) + s0).Store(row);
            (Vector512.Load(row + 16) + s1).Store(row + 16);
            (Vector512.Load(row + 32) + s2).Store(row + 32);
        }
    }

    /// <summary>Up to 4 rows × 16 columns: the columns past the last 48.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void SmallMTile1<TRows>(float* a, long lda, float* b, long ldb, float* c, long ldc, int k) where TRows : struct, IRowCount
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        for (int q = 0; q < k; q++, a += lda, b += ldb)
        {
            var b0 = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c0);
            if (TRows.Count > 1) c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[1]), b0, c1);
            if (TRows.Count > 2) c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[2]), b0, c2);
            if (TRows.Count > 3) c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a[3]), b0, c3);
        }
        (Vector512.Load(c) + c0).Store(c);
        if (TRows.Count > 1) (Vector512.Load(c + ldc) + c1).Store(c + ldc);
        if (TRows.Count > 2) (Vector512.Load(c + 2 * ldc) + c2).Store(c + 2 * ldc);
        if (TRows.Count > 3) (Vector512.Load(c + 3 * ldc) + c3).Store(c + 3 * ldc);
    }
    /// <summary>Up to 4 rows × 16 columns at Vector256: 8 accumulators, 2 loads and 4 broadcasts (AVX2 has 16 registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void SmallMTile2x256<TRows>(float* a, long lda, float* b, long ldb, float* c, long ldc, int k) where TRows : struct, IRowCount
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int q = 0; q < k; q++, a += lda, b += ldb)
        {
            var b0 = Vector256.Load(b); var b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            if (TRows.Count > 1)
            {
                x = Vector256.Create(a[1]);
                c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            }
            if (TRows.Count > 2)
            {
                x = Vector256.Create(a[2]);
                c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            }
            if (TRows.Count > 3)
            {
                x = Vector256.Create(a[3]);
                c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            }
        }
        AddRow(c, c00, c01);
        if (TRows.Count > 1) AddRow(c + ldc, c10, c11);
        if (TRows.Count > 2) AddRow(c + 2 * ldc, c20, c21);
        if (TRows.Count > 3) AddRow(c + 3 * ldc, c30, c31);

        static void AddRow(float* row, Vector256<float> s0, Vector256<float> s1)
        {
            (Vector256.Load(row) + s0).Store(row);
            (Vector256.Load(row + 8) + s1).Store(row + 8);
        }
    }

    /// <summary>Up to 4 rows × 8 columns at Vector256: the columns past the last 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void SmallMTile1x256<TRows>(float* a, long lda, float* b, long ldb, float* c, long ldc, int k) where TRows : struct, IRowCount
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default;
        for (int q = 0; q < k; q++, a += lda, b += ldb)
        {
            var b0 = Vector256.Load(b);
            c0 = Vector256.FusedMultiplyAdd(Vector256.Create(a[0]), b0, c0);
            if (TRows.Count > 1) c1 = Vector256.FusedMultiplyAdd(Vector256.Create(a[1]), b0, c1);
            if (TRows.Count > 2) c2 = Vector256.FusedMultiplyAdd(Vector256.Create(a[2]), b0, c2);
            if (TRows.Count > 3) c3 = Vector256.FusedMultiplyAdd(Vector256.Create(a[3]), b0, c3);
        }
        (Vector256.Load(c) + c0).Store(c);
        if (TRows.Count > 1) (Vector256.Load(c + ldc) + c1).Store(c + ldc);
        if (TRows.Count > 2) (Vector256.Load(c + 2 * ldc) + c2).Store(c + 2 * ldc);
        if (TRows.Count > 3) (Vector256.Load(c + 3 * ldc) + c3).Store(c + 3 * ldc);
    }
}
