using Kiln.Runtime.Tests.Support;

namespace Kiln.Runtime.Tests;

public class CoreSmokeTests
{
    [Fact]
    public void LinearGradientsMatchFiniteDifferences()
    {
        var rng = new Rng(1);
        GradCheck.Check(xs => new[] { Ops.Linear(xs[0], xs[1], xs[2]) },
            new[] { Tensor.Randn(new[] { 3, 4 }, rng), Tensor.Randn(new[] { 5, 4 }, rng), Tensor.Randn(new[] { 5 }, rng) });
    }

    [Fact]
    public void MatMulReportsBothShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Ops.MatMul(Tensor.Zeros(64, 1000), Tensor.Zeros(100, 10)));
        Assert.Equal("MatMul: [64,1000] x [100,10]: inner dimensions 1000 and 100 differ.", ex.Message);
    }
}
