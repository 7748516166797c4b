using Kiln.Kernels;
using Level = Kiln.Kernels.Gemm.SimdLevel;

namespace Kiln.Runtime.Tests.Kernels;

public class GemmTests
{
    /// <summary>
    /// Shapes chosen to reach every path and edge: empty and unit sizes, odd sizes around the micro-tile (6×32 or
    /// 6×16), small N (dot path), tiny M (dot and row-update paths), K across several KC/dot-depth blocks,
    /// M beyond one MC block, and products big enough to be split across threads.
    /// </summary>
    public static readonly TheoryData<int, int, int> Shapes = new()
    {
        { 0, 5, 3 }, { 5, 0, 3 }, { 5, 3, 0 }, { 1, 1, 1 }, { 1, 1, 37 }, { 1, 50, 7 }, { 3, 40, 9 },
        { 4, 33, 300 }, { 2, 1, 5 }, { 7, 1, 2 }, { 10, 2, 2 }, { 64, 10, 1000 }, { 17, 16, 33 }, { 5, 17, 1 },
        { 6, 32, 8 }, { 7, 33, 257 }, { 13, 47, 19 }, { 64, 100, 1000 }, { 100, 10, 64 }, { 199, 65, 31 },
        { 33, 2050, 3 }, { 9, 5, 2100 }, { 3, 20, 2100 }, { 130, 129, 150 }, { 12, 7, 45 }, { 256, 10, 784 }, { 10, 100, 37 }, { 7, 70, 5 }, { 16, 64, 3 }, { 5, 48, 300 }, { 10, 784, 256 },
        // The small-product path (N ≤ 32, K ≤ 128): an Rnn step's shapes, N on and around the 16-column strips, row tails.
        { 64, 20, 10 }, { 64, 20, 20 }, { 20, 20, 64 }, { 20, 10, 64 }, { 5, 32, 128 }, { 6, 16, 20 }, { 9, 17, 3 }, { 7, 31, 1 }, { 11, 24, 100 }, { 20, 20, 384 }, { 21, 10, 500 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesDoubleReferenceForEveryTransposeCombination(int m, int n, int k)
    {
        foreach (var level in LevelsToTest())
            foreach (bool transposeA in new[] { false, true })
                foreach (bool transposeB in new[] { false, true })
                    foreach (bool accumulate in new[] { false, true })
                        CheckAgainstReference(level, m, n, k, transposeA, transposeB, accumulate, seed: m * 7919 + n * 104729 + k);
    }

    [Fact]
    public void PublicEntryUsesTheHardwarePathAndMatches()
    {
        var rng = new Random(3);
        int m = 37, n = 45, k = 61;
        var a = RandomArray(rng, m * k);
        var b = RandomArray(rng, k * n);
        var c = new float[m * n];
        Gemm.Multiply(a, b, c, m, n, k);
        var expected = Reference(a, b, null, m, n, k, false, false, out var scale);
        AssertClose(expected, scale, c, $"[{m},{k}]x[{k},{n}]");
    }

    [Fact]
    public void SingleThreadAndParallelResultsAgree()
    {
        var rng = new Random(5);
        int m = 256, n = 200, k = 300;
        var a = RandomArray(rng, m * k);
        var b = RandomArray(rng, k * n);
        var serial = new float[m * n];
        var parallel = new float[m * n];
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = 1;
            Gemm.Multiply(a, b, serial, m, n, k);
            Gemm.MaxThreads = 2;
            Gemm.Multiply(a, b, parallel, m, n, k);
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
        // Each element is computed by exactly one thread with the same blocking, so the split changes nothing.
        Assert.Equal(serial, parallel);
    }

    [Fact]
    public void RepeatedAndConcurrentParallelProductsAgreeWithSerial()
    {
        // Just above the split threshold, so every call hands a strip to the worker (or takes it back).
        var rng = new Random(9);
        int m = 128, n = 130, k = 128;
        var a = RandomArray(rng, m * k);
        var b = RandomArray(rng, k * n);
        var reference = Reference(a, b, null, m, n, k, false, false, out var scale);

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 3, thread =>
        {
            var c = new float[m * n];
            for (int round = 0; round < 10; round++)
            {
                c.AsSpan().Fill(float.NaN);
                Gemm.Multiply(a, b, c, m, n, k);
                for (int i = 0; i < c.Length; i++)
                    if (!(Math.Abs(c[i] - reference[i]) <= 1e-6 + 2e-6 * scale[i]))
                    {
                        failures.Add($"thread {thread} round {round}: element {i} is {c[i]}, expected {reference[i]}");
                        break;
                    }
            }
        });
        Assert.Empty(failures);
    }

    [Fact]
    public void LeavesElementsBeyondTheProductUntouched()
    {
        var rng = new Random(11);
        // The packed path's partial tiles, and the small-product path's masked stores of a last row of 20 columns.
        foreach (var (m, n, k) in new[] { (7, 35, 9), (7, 20, 9) })
            foreach (bool accumulate in new[] { false, true })
            {
                var a = RandomArray(rng, m * k);
                var b = RandomArray(rng, k * n);
                var c = Enumerable.Repeat(42f, m * n + 5).ToArray();
                Gemm.Multiply(a, b, c, m, n, k, accumulate: accumulate);
                Assert.All(c[(m * n)..], v => Assert.Equal(42f, v));
            }
    }

    [Fact]
    public void SteadyStateCallsAllocateNothing()
    {
        var rng = new Random(7);
        var shapes = new (int M, int N, int K, bool TA, bool TB)[]
        {
            (64, 100, 1000, false, true), (64, 10, 100, false, true), (100, 10, 64, true, false), (2, 300, 50, false, false),
            (10, 1, 2, false, true), (1, 2, 10, true, false), (512, 512, 512, false, false), (100, 1000, 64, true, false),
            (64, 20, 20, false, true), (20, 20, 64, true, false), (64, 100, 1000, false, false),
        };
        var buffers = shapes.Select(s => (A: RandomArray(rng, s.M * s.K), B: RandomArray(rng, s.K * s.N), C: new float[s.M * s.N])).ToArray();
        void RunAll()
        {
            for (int i = 0; i < shapes.Length; i++)
            {
                var (m, n, k, ta, tb) = shapes[i];
                Gemm.Multiply(buffers[i].A, buffers[i].B, buffers[i].C, m, n, k, ta, tb, accumulate: i % 2 == 0);
            }
        }

        Assert.Equal(0, Kiln.Tests.Shared.SteadyState.AllocatedBytes(RunAll, warmupCalls: 5, callsPerWindow: 1));
    }

    [Fact]
    public void RejectsBuffersSmallerThanTheShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[5], new float[6], new float[4], 2, 2, 3));
        Assert.Contains("[2,3] x [3,2]", ex.Message);
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[5], new float[6], new float[4], -1, 2, 3));
    }

    static IEnumerable<Level> LevelsToTest()
    {
        yield return Level.Scalar;
        yield return Level.Vector;
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) yield return Level.Vector512;
    }

    static void CheckAgainstReference(Level level, int m, int n, int k, bool transposeA, bool transposeB, bool accumulate, int seed)
    {
        var rng = new Random(seed);
        var a = RandomArray(rng, m * k);
        var b = RandomArray(rng, k * n);
        var initial = RandomArray(rng, m * n);
        var c = (float[])initial.Clone();
        Gemm.Multiply(level, a, b, c, m, n, k, transposeA, transposeB, accumulate);
        var expected = Reference(a, b, accumulate ? initial : null, m, n, k, transposeA, transposeB, out var scale);
        AssertClose(expected, scale, c, $"{level} [{m},{k}]x[{k},{n}] tA={transposeA} tB={transposeB} acc={accumulate}");
    }

    static double[] Reference(float[] a, float[] b, float[]? initial, int m, int n, int k, bool transposeA, bool transposeB, out double[] scale)
    {
        var result = new double[m * n];
        scale = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = initial is null ? 0 : initial[i * n + j];
                double magnitude = Math.Abs(sum);
                for (int p = 0; p < k; p++)
                {
                    double x = transposeA ? a[p * m + i] : a[i * k + p];
                    double y = transposeB ? b[j * k + p] : b[p * n + j];
                    sum += x * y;
                    magnitude += Math.Abs(x * y);
                }
                result[i * n + j] = sum;
                scale[i * n + j] = magnitude;
            }
        return result;
    }

    static void AssertClose(double[] expected, double[] scale, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = 1e-6 + 2e-6 * scale[i];
            if (Math.Abs(actual[i] - expected[i]) > tolerance)
                Assert.Fail($"{what}: element {i} is {actual[i]}, expected {expected[i]} (tolerance {tolerance:g3}).");
        }
    }

    static float[] RandomArray(Random rng, int count)
    {
        var data = new float[count];
        for (int i = 0; i < count; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return data;
    }
}
