using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Kiln.Kernels;

public static unsafe partial class Gemm
{
    // Blocking (Goto/BLIS order): a KC×NR micro-panel of B (32 KB with Vector512) stays in L1 while the
    // micro-kernel sweeps an MC×KC block of A held in L2; the KC×NC panel of B is reused across the whole
    // MC loop from L2/L3. MC is a multiple of both tile heights.
    const int KC = 256;
    const int MC = 192;
    const int NC = 2048;

    /// <summary>
    /// Rows per micro-tile. With Vector512 (32 registers) an 8×32 tile keeps 16 accumulators, two B vectors and a
    /// broadcast in registers; with 16 registers (AVX2) 6×16 is the largest tile that does not spill.
    /// </summary>
    static int TileRows(SimdLevel level) => level == SimdLevel.Vector512 ? 8 : 6;

    /// <summary>Columns per micro-tile: two vectors.</summary>
    static int TileColumns(SimdLevel level) => level == SimdLevel.Vector512 ? 2 * Vector512<float>.Count : 2 * Vector<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MultiplyPacked(in Problem p)
    {
        int mr = TileRows(p.Level), nr = TileColumns(p.Level);
        int ncMax = Math.Min(NC, RoundUp(p.N, nr));
        int kcMax = Math.Min(KC, p.K);
        int mcMax = Math.Min(MC, RoundUp(p.M, mr));
        float* packedB = Scratch(ref scratchB, (long)kcMax * ncMax);
        float* packedA = Scratch(ref scratchA, (long)kcMax * mcMax);

        for (int jc = 0; jc < p.N; jc += NC)
        {
            int nc = Math.Min(NC, p.N - jc);
            for (int pc = 0; pc < p.K; pc += KC)
            {
                int kc = Math.Min(KC, p.K - pc);
                bool store = p.Overwrite && pc == 0;
                PackB(p, pc, kc, jc, nc, nr, packedB);
                for (int ic = 0; ic < p.M; ic += MC)
                {
                    int mc = Math.Min(MC, p.M - ic);
                    PackA(p, ic, mc, pc, kc, mr, packedA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        float* panelB = packedB + (long)jr * kc;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            float* panelA = packedA + (long)ir * kc;
                            float* cTile = p.C + (long)(ic + ir) * p.Ldc + jc + jr;
                            if (p.Level != SimdLevel.Vector512) MicroKernelVector(kc, panelA, panelB, cTile, p.Ldc, rows, cols, store);
                            else if (cols <= 16) MicroKernel512Narrow(kc, panelA, panelB, cTile, p.Ldc, rows, cols, store);
                            else if (rows <= 4) MicroKernel512Short(kc, panelA, panelB, cTile, p.Ldc, rows, cols, store);
                            else MicroKernel512(kc, panelA, panelB, cTile, p.Ldc, rows, cols, store);
                        }
                    }
                }
            }
        }
    }

    static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>
    /// Copies op(A)[ic:ic+mc, pc:pc+kc] into mr-row panels laid out p-major (mr values of one column of op(A) side by
    /// side), zero-padding the last panel, so the micro-kernel reads A strictly sequentially.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void PackA(in Problem p, int ic, int mc, int pc, int kc, int mr, float* dst)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* panel = dst + (long)ir * kc;
            if (p.TransposeA)
            {
                // A is stored [k, m]: one column of op(A) is a contiguous run of the stored row.
                for (int q = 0; q < kc; q++)
                {
                    float* src = p.A + (long)(pc + q) * p.Lda + ic + ir;
                    float* d = panel + q * mr;
                    if (rows == 8 && mr == 8 && Vector256.IsHardwareAccelerated)
                    {
                        Vector256.Store(Vector256.Load(src), d);
                        continue;
                    }
                    int r = 0;
                    for (; r < rows; r++) d[r] = src[r];
                    for (; r < mr; r++) d[r] = 0f;
                }
                continue;
            }

            float* rowStart = p.A + (long)(ic + ir) * p.Lda + pc;
            int q0 = 0;
            if (rows == 8 && mr == 8 && Avx.IsSupported)
                for (; q0 + 8 <= kc; q0 += 8) BlockTranspose.Transpose8x8(rowStart + q0, p.Lda, panel + q0 * 8, 8);
            for (int r = 0; r < rows; r++)
            {
                float* src = rowStart + (long)r * p.Lda;
                for (int q = q0; q < kc; q++) panel[q * mr + r] = src[q];
            }
            for (int r = rows; r < mr; r++)
                for (int q = q0; q < kc; q++) panel[q * mr + r] = 0f;
        }
    }

    /// <summary>Copies op(B)[pc:pc+kc, jc:jc+nc] into nr-column panels laid out p-major, zero-padding the last panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void PackB(in Problem p, int pc, int kc, int jc, int nc, int nr, float* dst)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* panel = dst + (long)jr * kc;
            if (p.TransposeB)
            {
                // B is stored [n, k]: transpose 8×8 blocks in registers, then finish the ragged edges element by element.
                float* rowStart = p.B + (long)(jc + jr) * p.Ldb + pc;
                int q0 = 0;
                if (cols == nr && nr % 8 == 0 && Avx.IsSupported)
                {
                    for (; q0 + 8 <= kc; q0 += 8)
                        for (int j = 0; j < nr; j += 8)
                            BlockTranspose.Transpose8x8(rowStart + (long)j * p.Ldb + q0, p.Ldb, panel + q0 * nr + j, nr);
                }
                for (int j = 0; j < cols; j++)
                {
                    float* src = rowStart + (long)j * p.Ldb;
                    for (int q = q0; q < kc; q++) panel[q * nr + j] = src[q];
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

    // The micro-kernels below repeat one pattern on purpose, one method per tile shape and vector width, each
    // accumulator a named local: the JIT keeps locals, not array elements or loop-indexed state, in registers, and
    // .NET's vector types share no public generic interface (ISimdVector is internal), so a shared generic or a
    // loop over accumulators would spill to the stack and lose most of the throughput. Keep them unrolled.

    /// <summary>C[8×32] += A panel · B panel with 16 Vector512 accumulators held in registers for the whole K loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MicroKernel512(int kc, float* a, float* b, float* c, int ldc, int rows, int cols, bool store)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
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
            av = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(av, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(av, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(av, b1, c71);
            a += 8;
            b += 32;
        }

        if (rows == 8 && cols == 32 && store)
        {
            StoreRow512(c, c00, c01);
            StoreRow512(c + ldc, c10, c11);
            StoreRow512(c + 2 * ldc, c20, c21);
            StoreRow512(c + 3 * ldc, c30, c31);
            StoreRow512(c + 4 * ldc, c40, c41);
            StoreRow512(c + 5 * ldc, c50, c51);
            StoreRow512(c + 6 * ldc, c60, c61);
            StoreRow512(c + 7 * ldc, c70, c71);
            return;
        }
        if (rows == 8 && cols == 32)
        {
            AddRow512(c, c00, c01);
            AddRow512(c + ldc, c10, c11);
            AddRow512(c + 2 * ldc, c20, c21);
            AddRow512(c + 3 * ldc, c30, c31);
            AddRow512(c + 4 * ldc, c40, c41);
            AddRow512(c + 5 * ldc, c50, c51);
            AddRow512(c + 6 * ldc, c60, c61);
            AddRow512(c + 7 * ldc, c70, c71);
            return;
        }

        // Edge tile: spill the accumulators and add only the part inside C.
        float* tile = stackalloc float[8 * 32];
        c00.Store(tile); c01.Store(tile + 16);
        c10.Store(tile + 32); c11.Store(tile + 48);
        c20.Store(tile + 64); c21.Store(tile + 80);
        c30.Store(tile + 96); c31.Store(tile + 112);
        c40.Store(tile + 128); c41.Store(tile + 144);
        c50.Store(tile + 160); c51.Store(tile + 176);
        c60.Store(tile + 192); c61.Store(tile + 208);
        c70.Store(tile + 224); c71.Store(tile + 240);
        WritePartialTile(tile, 32, c, ldc, rows, cols, store);
    }

    /// <summary>
    /// The last row panel when at most 4 of its 8 rows are real (M = 10 leaves 2, as in a 10-class weight
    /// gradient): half the FMAs of the full kernel. Reads the same 8-row packed panel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MicroKernel512Short(int kc, float* a, float* b, float* c, int ldc, int rows, int cols, bool store)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
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
            a += 8;
            b += 32;
        }
        float* tile = stackalloc float[4 * 32];
        c00.Store(tile); c01.Store(tile + 16);
        c10.Store(tile + 32); c11.Store(tile + 48);
        c20.Store(tile + 64); c21.Store(tile + 80);
        c30.Store(tile + 96); c31.Store(tile + 112);
        WritePartialTile(tile, 32, c, ldc, rows, cols, store);
    }

    /// <summary>
    /// The last panel of a row when at most 16 of its 32 columns are real (N = 100 leaves 4): half the FMAs of the
    /// full kernel instead of multiplying zero padding. Reads the same 32-wide packed panel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MicroKernel512Narrow(int kc, float* a, float* b, float* c, int ldc, int rows, int cols, bool store)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (int q = 0; q < kc; q++)
        {
            var b0 = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[1]), b0, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[2]), b0, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a[3]), b0, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a[4]), b0, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a[5]), b0, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(a[6]), b0, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(a[7]), b0, c7);
            a += 8;
            b += 32;
        }
        float* tile = stackalloc float[8 * 16];
        c0.Store(tile); c1.Store(tile + 16); c2.Store(tile + 32); c3.Store(tile + 48);
        c4.Store(tile + 64); c5.Store(tile + 80); c6.Store(tile + 96); c7.Store(tile + 112);
        WritePartialTile(tile, 16, c, ldc, rows, cols, store);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreRow512(float* c, Vector512<float> lo, Vector512<float> hi)
    {
        Vector512.Store(lo, c);
        Vector512.Store(hi, c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddRow512(float* c, Vector512<float> lo, Vector512<float> hi)
    {
        Vector512.Store(Vector512.Load(c) + lo, c);
        Vector512.Store(Vector512.Load(c + 16) + hi, c + 16);
    }

    /// <summary>A 6×(2 vectors) micro-kernel at the platform's Vector&lt;float&gt; width (AVX2 on x86, NEON on Arm).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MicroKernelVector(int kc, float* a, float* b, float* c, int ldc, int rows, int cols, bool store)
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
            a += 6;
            b += nr;
        }

        if (rows == 6 && cols == nr && store)
        {
            c00.Store(c); c01.Store(c + w);
            c10.Store(c + ldc); c11.Store(c + ldc + w);
            c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + w);
            c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + w);
            c40.Store(c + 4 * ldc); c41.Store(c + 4 * ldc + w);
            c50.Store(c + 5 * ldc); c51.Store(c + 5 * ldc + w);
            return;
        }
        if (rows == 6 && cols == nr)
        {
            AddRowVector(c, c00, c01);
            AddRowVector(c + ldc, c10, c11);
            AddRowVector(c + 2 * ldc, c20, c21);
            AddRowVector(c + 3 * ldc, c30, c31);
            AddRowVector(c + 4 * ldc, c40, c41);
            AddRowVector(c + 5 * ldc, c50, c51);
            return;
        }

        float* tile = stackalloc float[6 * 2 * Vector<float>.Count];
        c00.Store(tile); c01.Store(tile + w);
        c10.Store(tile + nr); c11.Store(tile + nr + w);
        c20.Store(tile + 2 * nr); c21.Store(tile + 2 * nr + w);
        c30.Store(tile + 3 * nr); c31.Store(tile + 3 * nr + w);
        c40.Store(tile + 4 * nr); c41.Store(tile + 4 * nr + w);
        c50.Store(tile + 5 * nr); c51.Store(tile + 5 * nr + w);
        WritePartialTile(tile, nr, c, ldc, rows, cols, store);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddRowVector(float* c, Vector<float> lo, Vector<float> hi)
    {
        (Vector.Load(c) + lo).Store(c);
        (Vector.Load(c + Vector<float>.Count) + hi).Store(c + Vector<float>.Count);
    }

    /// <summary>Adds (or, for the first K block of an overwriting product, stores) the part of a spilled tile that lies inside C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void WritePartialTile(float* tile, int tileStride, float* c, int ldc, int rows, int cols, bool store)
    {
        for (int r = 0; r < rows; r++)
        {
            float* src = tile + r * tileStride;
            float* dst = c + (long)r * ldc;
            if (store)
                for (int j = 0; j < cols; j++) dst[j] = src[j];
            else
                for (int j = 0; j < cols; j++) dst[j] += src[j];
        }
    }
}
