using ILGPU;
using ILGPU.Runtime;

namespace Kiln.Accelerators.Tests;

/// <summary>The device library against Kiln.Kernels on shapes the models do not reach: odd sizes, every transpose, accumulation.</summary>
public class LibraryKernelTests
{
    [Theory]
    [InlineData(17, 33, 5)]
    [InlineData(1, 1, 1)]
    [InlineData(40, 3, 70)]
    public void Tiled_gemm_matches_the_cpu_gemm_for_every_transpose_and_accumulation(int m, int n, int k)
    {
        var session = KilnDevice.IlgpuCpu.Session;
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
                foreach (bool accumulate in new[] { false, true })
                {
                    var a = Tensor.Randn(new[] { m * k }, new Rng(m + k)).ToArray();
                    var b = Tensor.Randn(new[] { k * n }, new Rng(n + 2 * k)).ToArray();
                    var c = Tensor.Randn(new[] { m * n }, new Rng(m + n)).ToArray();
                    var expected = (float[])c.Clone();
                    global::Kiln.Kernels.Gemm.Multiply(a, b, expected, m, n, k, ta, tb, accumulate);

                    using var da = session.Accelerator.Allocate1D(a);
                    using var db = session.Accelerator.Allocate1D(b);
                    using var dc = session.Accelerator.Allocate1D(c);
                    session.Library.Gemm("GemmTest", da.View, db.View, dc.View, m, n, k, ta, tb, accumulate);
                    var actual = dc.GetAsArray1D();
                    for (int i = 0; i < expected.Length; i++)
                        Assert.True(MathF.Abs(actual[i] - expected[i]) <= 1e-4f * (1f + MathF.Abs(expected[i])),
                            $"[{m},{n},{k}] ta={ta} tb={tb} accumulate={accumulate}: element {i} is {actual[i]}, expected {expected[i]}");
                }
        Assert.StartsWith("tiled shared-memory kernel", session.Library.GemmPath);
    }

    [Fact]
    public void Softmax_and_log_softmax_along_a_middle_axis_match_the_cpu()
    {
        var session = KilnDevice.IlgpuCpu.Session;
        const int outer = 3, size = 7, inner = 4;
        var x = Tensor.Randn(new[] { outer * size * inner }, new Rng(9)).ToArray();
        foreach (bool log in new[] { false, true })
        {
            var expected = new float[x.Length];
            global::Kiln.Kernels.Softmax.Forward(x, expected, outer, size, inner, log);
            using var dx = session.Accelerator.Allocate1D(x);
            using var dy = session.Accelerator.Allocate1D<float>(x.Length);
            session.Library.Softmax("SoftmaxTest", dx.View, dy.View, outer, size, inner, log);
            var actual = dy.GetAsArray1D();
            for (int i = 0; i < x.Length; i++) Assert.True(MathF.Abs(actual[i] - expected[i]) <= 1e-5f * (1f + MathF.Abs(expected[i])), $"log={log} element {i}");
        }
    }
}
