using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Kiln.Kernels;

public static unsafe partial class Gemm
{
    /// <summary>K per pass when a transposed A is copied into rows, bounding the copy buffer.</summary>
    const int DotDepth = 1024;

    /// <summary>Rows of a transposed A copied per pass.</summary>
    const int DotRows = 64;

    /// <summary>
    /// C[i,j] += ⟨op(A)[i,:], B[j,:]⟩ for B stored transposed ([n, k]), so every column of op(B) is already a
    /// contiguous row. A transposed A (only taken with M ≤ 4) is first copied into contiguous rows, K in chunks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MultiplyDot(in Problem p)
    {
        if (!p.TransposeA)
        {
            int i = 0;
            if (p.Level == SimdLevel.Vector512)
                for (; i + 4 <= p.M; i += 4)
                    DotFourRows512(p.A + (long)i * p.Lda, p.Lda, p.B, p.Ldb, p.C + (long)i * p.Ldc, p.Ldc, p.N, p.K);
            if (p.Level == SimdLevel.Vector512)
                for (; i + 2 <= p.M; i += 2)
                    DotTwoRows512(p.A + (long)i * p.Lda, p.Lda, p.B, p.Ldb, p.C + (long)i * p.Ldc, p.Ldc, p.N, p.K);
            else if (p.Level == SimdLevel.Vector && Vector256.IsHardwareAccelerated)
                for (; i + 2 <= p.M; i += 2)
                    DotTwoRows256(p.A + (long)i * p.Lda, p.Lda, p.B, p.Ldb, p.C + (long)i * p.Ldc, p.Ldc, p.N, p.K);
            for (; i < p.M; i++)
                DotRow(p.Level, p.A + (long)i * p.Lda, p.B, p.Ldb, p.C + (long)i * p.Ldc, p.N, p.K);
            return;
        }

        for (int pc = 0; pc < p.K; pc += DotDepth)
        {
            int kd = Math.Min(DotDepth, p.K - pc);
            for (int i0 = 0; i0 < p.M; i0 += DotRows)
            {
                int rows = Math.Min(DotRows, p.M - i0);
                float* at = Scratch(ref scratchA, (long)rows * kd);
                for (int q = 0; q < kd; q++)
                {
                    float* src = p.A + (long)(pc + q) * p.Lda + i0;
                    for (int r = 0; r < rows; r++) at[(long)r * kd + q] = src[r];
                }
                for (int r = 0; r < rows; r++)
                    DotRow(p.Level, at + (long)r * kd, p.B + pc, p.Ldb, p.C + (long)(i0 + r) * p.Ldc, p.N, kd);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void DotRow(SimdLevel level, float* a, float* bt, long ldbt, float* c, int n, int k)
    {
        if (level == SimdLevel.Vector512) DotRow512(a, bt, ldbt, c, n, k);
        else DotRowVector(a, bt, ldbt, c, n, k);
    }

    /// <summary>
    /// Four rows of C at once, four rows of bt at a time: eight loads feed sixteen FMAs, so the loop is bound by the
    /// FMAs rather than the loads (a classifier head: 256×784·(10×784)ᵀ). Columns past the last four run four rows
    /// against one row of bt.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void DotFourRows512(float* a, long lda, float* bt, long ldbt, float* c, long ldc, int n, int k)
    {
        float* a0 = a, a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda;
        int j = 0;
        for (; j + 4 <= n; j += 4)
        {
            float* b0 = bt + j * ldbt, b1 = b0 + ldbt, b2 = b1 + ldbt, b3 = b2 + ldbt;
            Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default;
            Vector512<float> s10 = default, s11 = default, s12 = default, s13 = default;
            Vector512<float> s20 = default, s21 = default, s22 = default, s23 = default;
            Vector512<float> s30 = default, s31 = default, s32 = default, s33 = default;
            int q = 0;
            for (; q + 16 <= k; q += 16)
            {
                var y0 = Vector512.Load(b0 + q); var y1 = Vector512.Load(b1 + q);
                var y2 = Vector512.Load(b2 + q); var y3 = Vector512.Load(b3 + q);
                var x = Vector512.Load(a0 + q);
                s00 = Vector512.FusedMultiplyAdd(x, y0, s00); s01 = Vector512.FusedMultiplyAdd(x, y1, s01);
                s02 = Vector512.FusedMultiplyAdd(x, y2, s02); s03 = Vector512.FusedMultiplyAdd(x, y3, s03);
                x = Vector512.Load(a1 + q);
                s10 = Vector512.FusedMultiplyAdd(x, y0, s10); s11 = Vector512.FusedMultiplyAdd(x, y1, s11);
                s12 = Vector512.FusedMultiplyAdd(x, y2, s12); s13 = Vector512.FusedMultiplyAdd(x, y3, s13);
                x = Vector512.Load(a2 + q);
                s20 = Vector512.FusedMultiplyAdd(x, y0, s20); s21 = Vector512.FusedMultiplyAdd(x, y1, s21);
                s22 = Vector512.FusedMultiplyAdd(x, y2, s22); s23 = Vector512.FusedMultiplyAdd(x, y3, s23);
                x = Vector512.Load(a3 + q);
                s30 = Vector512.FusedMultiplyAdd(x, y0, s30); s31 = Vector512.FusedMultiplyAdd(x, y1, s31);
                s32 = Vector512.FusedMultiplyAdd(x, y2, s32); s33 = Vector512.FusedMultiplyAdd(x, y3, s33);
            }
            Finish(a0, c, q, k, b0, b1, b2, b3, s00, s01, s02, s03, j);
            Finish(a1, c + ldc, q, k, b0, b1, b2, b3, s10, s11, s12, s13, j);
            Finish(a2, c + 2 * ldc, q, k, b0, b1, b2, b3, s20, s21, s22, s23, j);
            Finish(a3, c + 3 * ldc, q, k, b0, b1, b2, b3, s30, s31, s32, s33, j);
        }
        if (j + 2 <= n)
        {
            // Two columns left (N = 10): four rows against two rows of bt, six loads for eight FMAs.
            float* b0 = bt + j * ldbt, b1 = b0 + ldbt;
            Vector512<float> s00 = default, s01 = default, s10 = default, s11 = default;
            Vector512<float> s20 = default, s21 = default, s30 = default, s31 = default;
            int q = 0;
            for (; q + 16 <= k; q += 16)
            {
                var y0 = Vector512.Load(b0 + q); var y1 = Vector512.Load(b1 + q);
                var x = Vector512.Load(a0 + q);
                s00 = Vector512.FusedMultiplyAdd(x, y0, s00); s01 = Vector512.FusedMultiplyAdd(x, y1, s01);
                x = Vector512.Load(a1 + q);
                s10 = Vector512.FusedMultiplyAdd(x, y0, s10); s11 = Vector512.FusedMultiplyAdd(x, y1, s11);
                x = Vector512.Load(a2 + q);
                s20 = Vector512.FusedMultiplyAdd(x, y0, s20); s21 = Vector512.FusedMultiplyAdd(x, y1, s21);
                x = Vector512.Load(a3 + q);
                s30 = Vector512.FusedMultiplyAdd(x, y0, s30); s31 = Vector512.FusedMultiplyAdd(x, y1, s31);
            }
            FinishTwo(a0, c, q, k, b0, b1, s00, s01, j);
            FinishTwo(a1, c + ldc, q, k, b0, b1, s10, s11, j);
            FinishTwo(a2, c + 2 * ldc, q, k, b0, b1, s20, s21, j);
            FinishTwo(a3, c + 3 * ldc, q, k, b0, b1, s30, s31, j);
            j += 2;
        }
        for (; j < n; j++)
        {
            float* b0 = bt + j * ldbt;
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            int q = 0;
            for (; q + 16 <= k; q += 16)
            {
                var y = Vector512.Load(b0 + q);
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(a0 + q), y, s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.Load(a1 + q), y, s1);
                s2 = Vector512.FusedMultiplyAdd(Vector512.Load(a2 + q), y, s2);
                s3 = Vector512.FusedMultiplyAdd(Vector512.Load(a3 + q), y, s3);
            }
            float t0 = Vector512.Sum(s0), t1 = Vector512.Sum(s1), t2 = Vector512.Sum(s2), t3 = Vector512.Sum(s3);
            for (; q < k; q++)
            {
                float y = b0[q];
                t0 += a0[q] * y; t1 += a1[q] * y; t2 += a2[q] * y; t3 += a3[q] * y;
            }
            c[j] += t0;
            c[ldc + j] += t1;
            c[2 * ldc + j] += t2;
            c[3 * ldc + j] += t3;
        }

        // One row of C's four sums: the vector sums, the K tail, added to c[row, j..j+3].
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Finish(float* ar, float* cr, int q, int k, float* b0, float* b1, float* b2, float* b3,
            Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3, int j)
        {
            float t0 = Vector512.Sum(s0), t1 = Vector512.Sum(s1), t2 = Vector512.Sum(s2), t3 = Vector512.Sum(s3);
            for (; q < k; q++)
            {
                float x = ar[q];
                t0 += x * b0[q]; t1 += x * b1[q]; t2 += x * b2[q]; t3 += x * b3[q];
            }
            cr[j] += t0; cr[j + 1] += t1; cr[j + 2] += t2; cr[j + 3] += t3;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void FinishTwo(float* ar, float* cr, int q, int k, float* b0, float* b1, Vector512<float> s0, Vector512<float> s1, int j)
        {
            float t0 = Vector512.Sum(s0), t1 = Vector512.Sum(s1);
            for (; q < k; q++)
            {
                float x = ar[q];
                t0 += x * b0[q]; t1 += x * b1[q];
            }
            cr[j] += t0; cr[j + 1] += t1;
        }
    }

    /// <summary>
    /// Two rows of C at once: c[r·ldc + j] += ⟨a[r·lda,:], bt[j,:]⟩ for r = 0, 1, four rows of bt at a time, so six
    /// loads feed eight FMAs (one row alone needs five loads for four, and loads are what bound this loop).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void DotTwoRows512(float* a, long lda, float* bt, long ldbt, float* c, long ldc, int n, int k)
    {
        float* a0 = a, a1 = a + lda;
        float* c0 = c, c1 = c + ldc;
        int j = 0;
        for (; j + 4 <= n; j += 4)
        {
            float* b0 = bt + j * ldbt, b1 = b0 + ldbt, b2 = b1 + ldbt, b3 = b2 + ldbt;
            Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default;
            Vector512<float> s10 = default, s11 = default, s12 = default, s13 = default;
            int q = 0;
            for (; q + 16 <= k; q += 16)
            {
                var x0 = Vector512.Load(a0 + q);
                var x1 = Vector512.Load(a1 + q);
                var y = Vector512.Load(b0 + q);
                s00 = Vector512.FusedMultiplyAdd(x0, y, s00);
                s10 = Vector512.FusedMultiplyAdd(x1, y, s10);
                y = Vector512.Load(b1 + q);
                s01 = Vector512.FusedMultiplyAdd(x0, y, s01);
                s11 = Vector512.FusedMultiplyAdd(x1, y, s11);
                y = Vector512.Load(b2 + q);
                s02 = Vector512.FusedMultiplyAdd(x0, y, s02);
                s12 = Vector512.FusedMultiplyAdd(x1, y, s12);
                y = Vector512.Load(b3 + q);
                s03 = Vector512.FusedMultiplyAdd(x0, y, s03);
                s13 = Vector512.FusedMultiplyAdd(x1, y, s13);
            }
            float t00 = Vector512.Sum(s00), t01 = Vector512.Sum(s01), t02 = Vector512.Sum(s02), t03 = Vector512.Sum(s03);
            float t10 = Vector512.Sum(s10), t11 = Vector512.Sum(s11), t12 = Vector512.Sum(s12), t13 = Vector512.Sum(s13);
            for (; q < k; q++)
            {
                float x0 = a0[q], x1 = a1[q];
                t00 += x0 * b0[q]; t01 += x0 * b1[q]; t02 += x0 * b2[q]; t03 += x0 * b3[q];
                t10 += x1 * b0[q]; t11 += x1 * b1[q]; t12 += x1 * b2[q]; t13 += x1 * b3[q];
            }
            c0[j] += t00; c0[j + 1] += t01; c0[j + 2] += t02; c0[j + 3] += t03;
            c1[j] += t10; c1[j + 1] += t11; c1[j + 2] += t12; c1[j + 3] += t13;
        }
        for (; j < n; j++)
        {
            float* b0 = bt + j * ldbt;
            Vector512<float> s0 = default, s1 = default;
            int q = 0;
            for (; q + 16 <= k; q += 16)
            {
                var y = Vector512.Load(b0 + q);
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(a0 + q), y, s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.Load(a1 + q), y, s1);
            }
            float t0 = Vector512.Sum(s0), t1 = Vector512.Sum(s1);
            for (; q < k; q++)
            {
                t0 += a0[q] * b0[q];
                t1 += a1[q] * b0[q];
            }
            c0[j] += t0;
            c1[j] += t1;
        }
    }

    /// <summary><see cref="DotTwoRows512"/> at Vector256 (AVX2: 8 accumulators, 4 + 2 loads, 14 registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void DotTwoRows256(float* a, long lda, float* bt, long ldbt, float* c, long ldc, int n, int k)
    {
        float* a0 = a, a1 = a + lda;
        float* c0 = c, c1 = c + ldc;
        int j = 0;
        for (; j + 4 <= n; j += 4)
        {
            float* b0 = bt + j * ldbt, b1 = b0 + ldbt, b2 = b1 + ldbt, b3 = b2 + ldbt;
            Vector256<float> s00 = default, s01 = default, s02 = default, s03 = default;
            Vector256<float> s10 = default, s11 = default, s12 = default, s13 = default;
            int q = 0;
            for (; q + 8 <= k; q += 8)
            {
                var x0 = Vector256.Load(a0 + q);
                var x1 = Vector256.Load(a1 + q);
                var y = Vector256.Load(b0 + q);
                s00 = Vector256.FusedMultiplyAdd(x0, y, s00);
                s10 = Vector256.FusedMultiplyAdd(x1, y, s10);
                y = Vector256.Load(b1 + q);
                s01 = Vector256.FusedMultiplyAdd(x0, y, s01);
                s11 = Vector256.FusedMultiplyAdd(x1, y, s11);
                y = Vector256.Load(b2 + q);
                s02 = Vector256.FusedMultiplyAdd(x0, y, s02);
                s12 = Vector256.FusedMultiplyAdd(x1, y, s12);
                y = Vector256.Load(b3 + q);
                s03 = Vector256.FusedMultiplyAdd(x0, y, s03);
                s13 = Vector256.FusedMultiplyAdd(x1, y, s13);
            }
            float t00 = Vector256.Sum(s00), t01 = Vector256.Sum(s01), t02 = Vector256.Sum(s02), t03 = Vector256.Sum(s03);
            float t10 = Vector256.Sum(s10), t11 = Vector256.Sum(s11), t12 = Vector256.Sum(s12), t13 = Vector256.Sum(s13);
            for (; q < k; q++)
            {
                float x0 = a0[q], x1 = a1[q];
                t00 += x0 * b0[q]; t01 += x0 * b1[q]; t02 += x0 * b2[q]; t03 += x0 * b3[q];
                t10 += x1 * b0[q]; t11 += x1 * b1[q]; t12 += x1 * b2[q]; t13 += x1 * b3[q];
            }
            c0[j] += t00; c0[j + 1] += t01; c0[j + 2] += t02; c0[j + 3] += t03;
            c1[j] += t10; c1[j + 1] += t11; c1[j + 2] += t12; c1[j + 3] += t13;
        }
        for (; j < n; j++)
        {
            float* b0 = bt + j * ldbt;
            Vector256<float> s0 = default, s1 = default;
            int q = 0;
            for (; q + 8 <= k; q += 8)
            {
                var y = Vector256.Load(b0 + q);
                s0 = Vector256.FusedMultiplyAdd(Vector256.Load(a0 + q), y, s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.Load(a1 + q), y, s1);
            }
            float t0 = Vector256.Sum(s0), t1 = Vector256.Sum(s1);
            for (; q < k; q++)
            {
                t0 += a0[q] * b0[q];
                t1 += a1[q] * b0[q];
            }
            c0[j] += t0;
            c1[j] += t1;
        }
    }

    /// <summary>c[j] += ⟨a, bt[j,:]⟩, four rows of bt at a time so each load of a feeds four FMAs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void DotRow512(float* a, float* bt, long ldbt, float* c, int n, int k)
    {
        int j = 0;
        for (; j + 4 <= n; j += 4)
        {
            float* b0 = bt + j * ldbt, b1 = b0 + ldbt, b2 = b1 + ldbt, b3 = b2 + ldbt;
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            int q = 0;
            for (; q + 16 <= k; q += 16)
            {
                var av = Vector512.Load(a + q);
                s0 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b0 + q), s0);
                s1 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b1 + q), s1);
                s2 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b2 + q), s2);
                s3 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b3 + q), s3);
            }
            float t0 = Vector512.Sum(s0), t1 = Vector512.Sum(s1), t2 = Vector512.Sum(s2), t3 = Vector512.Sum(s3);
            for (; q < k; q++)
            {
                float aq = a[q];
                t0 += aq * b0[q];
                t1 += aq * b1[q];
                t2 += aq * b2[q];
                t3 += aq * b3[q];
            }
            c[j] += t0;
            c[j + 1] += t1;
            c[j + 2] += t2;
            c[j + 3] += t3;
        }
        for (; j < n; j++)
        {
            float* b0 = bt + j * ldbt;
            Vector512<float> s0 = default;
            int q = 0;
            for (; q + 16 <= k; q += 16) s0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + q), Vector512.Load(b0 + q), s0);
            float t0 = Vector512.Sum(s0);
            for (; q < k; q++) t0 += a[q] * b0[q];
            c[j] += t0;
        }
    }

    /// <summary>
    /// <see cref="DotRow512"/> at the platform's Vector&lt;float&gt; width. Written out again rather than shared: the
    /// vector types have no public common interface to be generic over, and the named accumulators must stay in
    /// registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void DotRowVector(float* a, float* bt, long ldbt, float* c, int n, int k)
    {
        int w = Vector<float>.Count;
        int j = 0;
        for (; j + 4 <= n; j += 4)
        {
            float* b0 = bt + j * ldbt, b1 = b0 + ldbt, b2 = b1 + ldbt, b3 = b2 + ldbt;
            Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
            int q = 0;
            for (; q + w <= k; q += w)
            {
                var av = Vector.Load(a + q);
                s0 = Vector.FusedMultiplyAdd(av, Vector.Load(b0 + q), s0);
                s1 = Vector.FusedMultiplyAdd(av, Vector.Load(b1 + q), s1);
                s2 = Vector.FusedMultiplyAdd(av, Vector.Load(b2 + q), s2);
                s3 = Vector.FusedMultiplyAdd(av, Vector.Load(b3 + q), s3);
            }
            float t0 = Vector.Sum(s0), t1 = Vector.Sum(s1), t2 = Vector.Sum(s2), t3 = Vector.Sum(s3);
            for (; q < k; q++)
            {
                float aq = a[q];
                t0 += aq * b0[q];
                t1 += aq * b1[q];
                t2 += aq * b2[q];
                t3 += aq * b3[q];
            }
            c[j] += t0;
            c[j + 1] += t1;
            c[j + 2] += t2;
            c[j + 3] += t3;
        }
        for (; j < n; j++)
        {
            float* b0 = bt + j * ldbt;
            Vector<float> s0 = default;
            int q = 0;
            for (; q + w <= k; q += w) s0 = Vector.FusedMultiplyAdd(Vector.Load(a + q), Vector.Load(b0 + q), s0);
            float t0 = Vector.Sum(s0);
            for (; q < k; q++) t0 += a[q] * b0[q];
            c[j] += t0;
        }
    }
}
