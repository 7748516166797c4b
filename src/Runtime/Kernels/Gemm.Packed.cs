using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Kiln.Kernels;

public static unsafe partial class Gemm
{
    // Blocking (Goto/BLIS order): a KC×NR micro-panel of B (32 KB with Vector512) stays in L1 while the
    // micro-kernel sweeps an MC×KC block of A held in L2; the KC×NC panel of B is reused across the whole
    // MC loop from L2/L3.
    const int MR = 6;
    const int KC = 256;
    const int MC = 32 * MR;
    const int NC = 2048;

    /// <summary>Columns per micro-tile: two vectors, so MR×2 accumulators plus two B vectors and one broadcast fit the register file.</summary>
    static int TileColumns(SimdLevel level) => level == SimdLevel.Vector512 ? 2 * Vector512<float>.Count : 2 * Vector<float>.Count;

    static void MultiplyPacked(in Problem p)
    {
        int nr = TileColumns(p.Level);
        int ncMax = Math.Min(NC, RoundUp(p.N, nr));
        int kcMax = Math.Min(KC, p.K);
        int mcMax = Math.Min(MC, RoundUp(p.M, MR));
        float* packedB = Scratch(ref scratchB, (long)kcMax * ncMax);
        float* packedA = Scratch(ref scratchA, (long)kcMax * mcMax);

        for (int jc = 0; jc < p.N; jc += NC)
        {
            int nc = Math.Min(NC, p.N - jc);
            for (int pc = 0; pc < p.K; pc += KC)
            {
                int kc = Math.Min(KC, p.K - pc);
                PackB(p, pc, kc, jc, nc, nr, packedB);
                for (int ic = 0; ic < p.M; ic += MC)
                {
                    int mc = Math.Min(MC, p.M - ic);
                    PackA(p, ic, mc, pc, kc, packedA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        float* panelB = packedB + (long)jr * kc;
                        for (int ir = 0; ir < mc; ir += MR)
                        {
                            int rows = Math.Min(MR, mc - ir);
                            float* panelA = packedA + (long)ir * kc;
                            float* cTile = p.C + (long)(ic + ir) * p.Ldc + jc + jr;
                            if (p.Level == SimdLevel.Vector512) MicroKernel512(kc, panelA, panelB, cTile, p.Ldc, rows, cols);
                            else MicroKernelVector(kc, panelA, panelB, cTile, p.Ldc, rows, cols);
                        }
                    }
                }
            }
        }
    }

    static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>
    /// Copies op(A)[ic:ic+mc, pc:pc+kc] into MR-row panels laid out p-major (MR values of one column of op(A) side by
    /// side), zero-padding the last panel, so the micro-kernel reads A strictly sequentially.
    /// </summary>
    static void PackA(in Problem p, int ic, int mc, int pc, int kc, float* dst)
    {
        for (int ir = 0; ir < mc; ir += MR)
        {
            int rows = Math.Min(MR, mc - ir);
            float* panel = dst + (long)ir * kc;
            if (p.TransposeA)
            {
                // A is stored [k, m]: one column of op(A) is a contiguous run of the stored row.
                for (int q = 0; q < kc; q++)
                {
                    float* src = p.A + (long)(pc + q) * p.Lda + ic + ir;
                    float* d = panel + q * MR;
                    int r = 0;
                    for (; r < rows; r++) d[r] = src[r];
                    for (; r < MR; r++) d[r] = 0f;
                }
            }
            else
            {
                for (int r = 0; r < rows; r++)
                {
                    float* src = p.A + (long)(ic + ir + r) * p.Lda + pc;
                    for (int q = 0; q < kc; q++) panel[q * MR + r] = src[q];
                }
                for (int r = rows; r < MR; r++)
                    for (int q = 0; q < kc; q++) panel[q * MR + r] = 0f;
            }
        }
    }

    /// <summary>Copies op(B)[pc:pc+kc, jc:jc+nc] into nr-column panels laid out p-major, zero-padding the last panel.</summary>
    static void PackB(in Problem p, int pc, int kc, int jc, int nc, int nr, float* dst)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* panel = dst + (long)jr * kc;
            if (p.TransposeB)
            {
                // B is stored [n, k]: walk each stored row once and scatter it down the panel's column.
                for (int j = 0; j < cols; j++)
                {
                    float* src = p.B + (long)(jc + jr + j) * p.Ldb + pc;
                    for (int q = 0; q < kc; q++) panel[q * nr + j] = src[q];
                }
                if (cols < nr)
                    for (int q = 0; q < kc; q++) new Span<float>(panel + q * nr + cols, nr - cols).Clear();
            }
            else
            {
                for (int q = 0; q < kc; q++)
                {
                    float* src = p.B + (long)(pc + q) * p.Ldb + jc + jr;
                    float* d = panel + q * nr;
                    if (cols == nr && nr == 32)
                    {
                        Vector512.Store(Vector512.Load(src), d);
                        Vector512.Store(Vector512.Load(src + 16), d + 16);
                    }
                    else
                    {
                        new ReadOnlySpan<float>(src, cols).CopyTo(new Span<float>(d, cols));
                        if (cols < nr) new Span<float>(d + cols, nr - cols).Clear();
                    }
                }
            }
        }
    }

    /// <summary>C[6×32] += A panel · B panel with 12 Vector512 accumulators held in registers for the whole K loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MicroKernel512(int kc, float* a, float* b, float* c, int ldc, int rows, int cols)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int q = 0; q < kc; q++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var av = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(av, b1, c51);
            a += MR;
            b += 32;
        }

        if (rows == MR && cols == 32)
        {
            AddRow512(c, c00, c01);
            AddRow512(c + ldc, c10, c11);
            AddRow512(c + 2 * ldc, c20, c21);
            AddRow512(c + 3 * ldc, c30, c31);
            AddRow512(c + 4 * ldc, c40, c41);
            AddRow512(c + 5 * ldc, c50, c51);
            return;
        }

        // Edge tile: spill the accumulators and add only the part inside C.
        float* tile = stackalloc float[MR * 32];
        c00.Store(tile); c01.Store(tile + 16);
        c10.Store(tile + 32); c11.Store(tile + 48);
        c20.Store(tile + 64); c21.Store(tile + 80);
        c30.Store(tile + 96); c31.Store(tile + 112);
        c40.Store(tile + 128); c41.Store(tile + 144);
        c50.Store(tile + 160); c51.Store(tile + 176);
        AddPartialTile(tile, 32, c, ldc, rows, cols);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddRow512(float* c, Vector512<float> lo, Vector512<float> hi)
    {
        Vector512.Store(Vector512.Load(c) + lo, c);
        Vector512.Store(Vector512.Load(c + 16) + hi, c + 16);
    }

    /// <summary>The same micro-kernel at the platform's Vector&lt;float&gt; width (AVX2 on x86, NEON on Arm).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MicroKernelVector(int kc, float* a, float* b, float* c, int ldc, int rows, int cols)
    {
        int w = Vector<float>.Count;
        int nr = 2 * w;
        Vector<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int q = 0; q < kc; q++)
        {
            var b0 = Vector.Load(b);
            var b1 = Vector.Load(b + w);
            var av = new Vector<float>(a[0]);
            c00 = Vector.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector.FusedMultiplyAdd(av, b1, c01);
            av = new Vector<float>(a[1]);
            c10 = Vector.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector.FusedMultiplyAdd(av, b1, c11);
            av = new Vector<float>(a[2]);
            c20 = Vector.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector.FusedMultiplyAdd(av, b1, c21);
            av = new Vector<float>(a[3]);
            c30 = Vector.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector.FusedMultiplyAdd(av, b1, c31);
            av = new Vector<float>(a[4]);
            c40 = Vector.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector.FusedMultiplyAdd(av, b1, c41);
            av = new Vector<float>(a[5]);
            c50 = Vector.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector.FusedMultiplyAdd(av, b1, c51);
            a += MR;
            b += nr;
        }

        if (rows == MR && cols == nr)
        {
            AddRowVector(c, c00, c01);
            AddRowVector(c + ldc, c10, c11);
            AddRowVector(c + 2 * ldc, c20, c21);
            AddRowVector(c + 3 * ldc, c30, c31);
            AddRowVector(c + 4 * ldc, c40, c41);
            AddRowVector(c + 5 * ldc, c50, c51);
            return;
        }

        float* tile = stackalloc float[MR * 2 * Vector<float>.Count];
        c00.Store(tile); c01.Store(tile + w);
        c10.Store(tile + nr); c11.Store(tile + nr + w);
        c20.Store(tile + 2 * nr); c21.Store(tile + 2 * nr + w);
        c30.Store(tile + 3 * nr); c31.Store(tile + 3 * nr + w);
        c40.Store(tile + 4 * nr); c41.Store(tile + 4 * nr + w);
        c50.Store(tile + 5 * nr); c51.Store(tile + 5 * nr + w);
        AddPartialTile(tile, nr, c, ldc, rows, cols);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddRowVector(float* c, Vector<float> lo, Vector<float> hi)
    {
        (Vector.Load(c) + lo).Store(c);
        (Vector.Load(c + Vector<float>.Count) + hi).Store(c + Vector<float>.Count);
    }

    static void AddPartialTile(float* tile, int tileStride, float* c, int ldc, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            float* src = tile + r * tileStride;
            float* dst = c + (long)r * ldc;
            for (int j = 0; j < cols; j++) dst[j] += src[j];
        }
    }
}
