using ILGPU;
using ILGPU.Runtime;

namespace Kiln.Accelerators.Kernels;

/// <summary>C[m,n] (+)= op(A)·op(B), row-major, op a transpose or not; booleans as ints (blittable everywhere).</summary>
public struct GemmShape
{
    public int M, N, K, TransposeA, TransposeB, Accumulate;
}

/// <summary>
/// The portable GEMM: 16×16 tiles of A and B staged in shared memory, one output element per thread, one group per
/// output tile. Reads past the edges load zeros, so any m, n, k work.
/// </summary>
public static class GemmKernels
{
    public const int Tile = 16;

    public static void Tiled(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmShape s)
    {
        var tileA = SharedMemory.Allocate1D<float>(Tile * Tile);
        var tileB = SharedMemory.Allocate1D<float>(Tile * Tile);
        int tx = Group.IdxX, ty = Group.IdxY;
        int row = Grid.IdxY * Tile + ty, column = Grid.IdxX * Tile + tx;
        float sum = 0f;
        for (int k0 = 0; k0 < s.K; k0 += Tile)
        {
            int ka = k0 + tx, kb = k0 + ty;
            float av = 0f, bv = 0f;
            if (row < s.M && ka < s.K) av = s.TransposeA != 0 ? a[(long)ka * s.M + row] : a[(long)row * s.K + ka];
            if (column < s.N && kb < s.K) bv = s.TransposeB != 0 ? b[(long)column * s.K + kb] : b[(long)kb * s.N + column];
            tileA[ty * Tile + tx] = av;
            tileB[ty * Tile + tx] = bv;
            Group.Barrier();
            for (int j = 0; j < Tile; j++) sum += tileA[ty * Tile + j] * tileB[j * Tile + tx];
            Group.Barrier();
        }
        if (row < s.M && column < s.N)
        {
            long at = (long)row * s.N + column;
            c[at] = s.Accumulate != 0 ? c[at] + sum : sum;
        }
    }
}
