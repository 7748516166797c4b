using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kiln.Kernels;

/// <summary>
/// Single-precision GEMM shared by the eager ops and the generated code:
/// C[m,n] (+)= op(A)[m,k] · op(B)[k,n], all row-major and contiguous. op(A) = A ([m,k]) or Aᵀ (A stored [k,m]);
/// op(B) = B ([k,n]) or Bᵀ (B stored [n,k]).
/// </summary>
/// <remarks>
/// Four paths, chosen per call: a packed, cache-blocked GEMM with a register-blocked micro-kernel for the
/// general case (Gemm.Packed.cs), with a half-width kernel for a last panel of at most 16 columns; row-times-row
/// dot products when B is stored transposed and N is small (a classifier head such as 784×10, where both
/// operands are already contiguous along K and nothing needs packing) or M is tiny (Gemm.Dot.cs); and row updates (axpy) when M is tiny and B is not transposed, since then B is
/// streamed once and packing it would only double the memory traffic; and, for products too small for packing to pay
/// (N ≤ 32, an Rnn step), rows of C kept in registers over the whole depth, with only a transposed B copied (Gemm.Small.cs).
/// A last few columns that would fill a quarter of the packed path's micro-tile are dot products instead. Transposed operands are read through
/// the packing routines, never materialised. Packing buffers live per thread and are reused, so a
/// steady-state call allocates nothing. Large products are split across a small pool of persistent workers
/// (Gemm.Parallel.cs); small ones run on the caller's thread with no synchronisation at all.
/// </remarks>
public static unsafe partial class Gemm
{
    /// <summary>The SIMD width a call runs at.</summary>
    internal enum SimdLevel { Scalar, Vector, Vector512 }

    /// <summary>The widest level this machine accelerates.</summary>
    internal static readonly SimdLevel HardwareLevel = DetectLevel();

    static SimdLevel DetectLevel()
    {
        if (Vector512.IsHardwareAccelerated) return SimdLevel.Vector512;
        if (Vector.IsHardwareAccelerated) return SimdLevel.Vector;
        return SimdLevel.Scalar;
    }

    /// <summary>N at or below which dot products beat the packed micro-kernel, when neither operand needs repacking for them.</summary>
    const int SmallN = 16;

    /// <summary>M at or below which packing A into row panels is pure overhead.</summary>
    const int TinyM = 4;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        bool transposeA = false, bool transposeB = false, bool accumulate = false)
        => Multiply(HardwareLevel, a, b, c, m, n, k, transposeA, transposeB, accumulate);

    /// <summary>Multiply at a given SIMD level, so tests cover the narrower paths on a wide machine.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Multiply(SimdLevel level, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        bool transposeA, bool transposeB, bool accumulate)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentException($"Gemm: negative size [{m},{k}] x [{k},{n}].");
        if (a.Length < (long)m * k || b.Length < (long)k * n || c.Length < (long)m * n)
            throw new ArgumentException($"Gemm: buffers too small for [{m},{k}] x [{k},{n}] (A {a.Length}, B {b.Length}, C {c.Length}).");
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) c[..(m * n)].Clear();
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            var problem = new Problem(pa, transposeA ? m : k, transposeA, pb, transposeB ? k : n, transposeB, pc, n, m, n, k, level, overwrite: !accumulate);
            if ((long)m * n * k >= ParallelMacs && MaxThreads > 1 && TryMultiplyParallel(problem)) return;
            MultiplySerial(problem);
        }
    }

    /// <summary>
    /// One GEMM on raw pointers with leading dimensions, so that a row or column slice of a larger problem is a
    /// problem of its own (that is how the parallel split hands out work).
    /// </summary>
    readonly struct Problem(float* a, int lda, bool transposeA, float* b, int ldb, bool transposeB, float* c, int ldc, int m, int n, int k, SimdLevel level, bool overwrite)
    {
        public readonly float* A = a, B = b, C = c;
        public readonly int Lda = lda, Ldb = ldb, Ldc = ldc, M = m, N = n, K = k;
        public readonly bool TransposeA = transposeA, TransposeB = transposeB;
        public readonly SimdLevel Level = level;

        /// <summary>
        /// C's old contents are discarded. The packed path then stores its first K block instead of adding it, which
        /// saves clearing C and reading it back; the other paths clear their part of C first.
        /// </summary>
        public readonly bool Overwrite = overwrite;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void ClearCIfOverwriting()
        {
            if (!Overwrite) return;
            for (int i = 0; i < M; i++) new Span<float>(C + (long)i * Ldc, N).Clear();
        }

        /// <summary>Element (i, p) of op(A).</summary>
        public float OpA(int i, int p) => TransposeA ? A[(long)p * Lda + i] : A[(long)i * Lda + p];

        /// <summary>Rows [row0, row0+rows) of C and op(A).</summary>
        public Problem Rows(int row0, int rows) => new(TransposeA ? A + row0 : A + (long)row0 * Lda, Lda, TransposeA,
            B, Ldb, TransposeB, C + (long)row0 * Ldc, Ldc, rows, N, K, Level, Overwrite);

        /// <summary>Columns [col0, col0+cols) of C and op(B).</summary>
        public Problem Columns(int col0, int cols) => new(A, Lda, TransposeA,
            TransposeB ? B + (long)col0 * Ldb : B + col0, Ldb, TransposeB, C + col0, Ldc, M, cols, K, Level, Overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MultiplySerial(in Problem p)
    {
        if (p.Level == SimdLevel.Scalar)
        {
            p.ClearCIfOverwriting();
            MultiplyScalar(p);
        }
        else if (p.M > TinyM && IsSmallProblem(p))
        {
            MultiplySmall(p); // stores or adds per its Overwrite flag
        }
        else if (p.TransposeB && (p.M <= TinyM || (p.N <= SmallN && !p.TransposeA)))
        {
            p.ClearCIfOverwriting();
            MultiplyDot(p);
        }
        else if (p.M <= TinyM)
        {
            p.ClearCIfOverwriting();
            MultiplyRowUpdates(p);
        }
        else if ((p.Level == SimdLevel.Vector512 || p.Level == SimdLevel.Vector && Vector256.IsHardwareAccelerated && Vector<float>.Count == 8)
            && p.TransposeA && !p.TransposeB && p.M <= SmallTransposedM && p.N >= 48)
        {
            MultiplyTransposedASmallM(p); // clears C itself
        }
        else
        {
            MultiplyPackedWithDotEdge(p);
        }
    }

    /// <summary>
    /// The packed GEMM, except that a few last columns which would fill only a quarter of a micro-tile
    /// (Linear(1000, 100): N = 100 is three 32-column tiles and 4 columns padded to a 16-wide tile) are dot products
    /// of rows of A with columns of op(B) instead: for a transposed B those are rows of the stored B, contiguous along
    /// K; a plain B's few columns are first copied out into such rows. The padded tile ran 16 lanes of FMAs for 4
    /// columns, about a seventh of the whole product's FMAs.
    /// </summary>
    const int DotEdgeMinK = 128;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MultiplyPackedWithDotEdge(in Problem p)
    {
        int tileColumns = TileColumns(p.Level);
        int edge = p.N % tileColumns;
        // Dot products need depth to amortise their horizontal sums: with K = 10 (the two-layer net's grad h = g·w2ᵀ) the padded tile wins.
        if (p.TransposeA || p.N <= tileColumns || edge == 0 || edge > tileColumns / 4 || p.K < DotEdgeMinK)
        {
            MultiplyPacked(p); // clears nothing: its first K block stores
            return;
        }
        MultiplyPacked(p.Columns(0, p.N - edge));
        var edgeColumns = p.Columns(p.N - edge, edge);
        if (!p.TransposeB)
        {
            // The packed product is done with its scratch, so the edge's columns can be laid out there as rows.
            float* rows = Scratch(ref scratchB, (long)edge * p.K);
            for (int q = 0; q < p.K; q++)
            {
                float* source = edgeColumns.B + (long)q * p.Ldb;
                for (int j = 0; j < edge; j++) rows[(long)j * p.K + q] = source[j];
            }
            edgeColumns = new Problem(p.A, p.Lda, false, rows, p.K, true, edgeColumns.C, p.Ldc, p.M, edge, p.K, p.Level, p.Overwrite);
        }
        edgeColumns.ClearCIfOverwriting();
        MultiplyDot(edgeColumns);
    }

    /// <summary>Reference loop for machines without SIMD; i-p-j order keeps the inner loop on contiguous rows of B and C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MultiplyScalar(in Problem p)
    {
        for (int i = 0; i < p.M; i++)
        {
            float* cRow = p.C + (long)i * p.Ldc;
            for (int q = 0; q < p.K; q++)
            {
                float aiq = p.OpA(i, q);
                if (p.TransposeB)
                    for (int j = 0; j < p.N; j++) cRow[j] += aiq * p.B[(long)j * p.Ldb + q];
                else
                {
                    float* bRow = p.B + (long)q * p.Ldb;
                    for (int j = 0; j < p.N; j++) cRow[j] += aiq * bRow[j];
                }
            }
        }
    }

    /// <summary>C[i,:] += op(A)[i,q] · B[q,:] for a handful of rows: streams B once, no packing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MultiplyRowUpdates(in Problem p)
    {
        for (int i = 0; i < p.M; i++)
        {
            var cRow = new Span<float>(p.C + (long)i * p.Ldc, p.N);
            for (int q = 0; q < p.K; q++)
            {
                float aiq = p.OpA(i, q);
                var bRow = new ReadOnlySpan<float>(p.B + (long)q * p.Ldb, p.N);
                SpanLoops.MultiplyAddInPlace(cRow, bRow, aiq);
            }
        }
    }

    // ---- per-thread scratch ----

    [ThreadStatic] static float[]? scratchA;
    [ThreadStatic] static float[]? scratchB;

    /// <summary>A 64-byte aligned buffer of at least <paramref name="count"/> floats, reused by later calls on this thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static float* Scratch(ref float[]? buffer, long count)
    {
        const int alignFloats = 16;
        if (buffer is null || buffer.Length < count + alignFloats)
        {
            // Pinned so the pointer stays valid without a fixed block; sized up front by the blocking constants,
            // so after the first large call no further allocation happens.
            buffer = GC.AllocateUninitializedArray<float>(checked((int)(count + alignFloats)), pinned: true);
        }
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)((address + 63) & ~(nint)63);
    }
}
