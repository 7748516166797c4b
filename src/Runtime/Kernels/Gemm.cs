using System.Numerics.Tensors;

namespace Kiln.Kernels;

/// <summary>
/// Single-precision GEMM shared by the eager ops and the generated code:
/// C[m,n] (+)= op(A)[m,k] · op(B)[k,n], all row-major and contiguous. op(A) = A ([m,k]) or Aᵀ (A stored [k,m]);
/// op(B) = B ([k,n]) or Bᵀ (B stored [n,k]).
/// </summary>
public static class Gemm
{
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        bool transposeA = false, bool transposeB = false, bool accumulate = false)
    {
        if (a.Length < (long)m * k || b.Length < (long)k * n || c.Length < (long)m * n)
            throw new ArgumentException($"Gemm: buffers too small for [{m},{k}] x [{k},{n}] (A {a.Length}, B {b.Length}, C {c.Length}).");
        if (!accumulate) c[..(m * n)].Clear();
        if (m == 0 || n == 0 || k == 0) return;

        for (int i = 0; i < m; i++)
        {
            var cRow = c.Slice(i * n, n);
            if (!transposeB)
            {
                for (int p = 0; p < k; p++)
                {
                    float aip = transposeA ? a[p * m + i] : a[i * k + p];
                    if (aip == 0f) continue;
                    TensorPrimitives.MultiplyAdd(b.Slice(p * n, n), aip, cRow, cRow);
                }
            }
            else
            {
                if (!transposeA)
                {
                    var aRow = a.Slice(i * k, k);
                    for (int j = 0; j < n; j++) cRow[j] += TensorPrimitives.Dot(aRow, b.Slice(j * k, k));
                }
                else
                {
                    for (int j = 0; j < n; j++)
                    {
                        var bRow = b.Slice(j * k, k);
                        float sum = 0;
                        for (int p = 0; p < k; p++) sum += a[p * m + i] * bRow[p];
                        cRow[j] += sum;
                    }
                }
            }
        }
    }
}
