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
            for (int i = 0; i < p.M; i++)
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

    static void DotRow(SimdLevel level, float* a, float* bt, long ldbt, float* c, int n, int k)
    {
        if (level == SimdLevel.Vector512) DotRow512(a, bt, ldbt, c, n, k);
        else DotRowVector(a, bt, ldbt, c, n, k);
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
