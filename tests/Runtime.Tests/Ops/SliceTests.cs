using Kiln.Runtime.Tests.Support;

namespace Kiln.Runtime.Tests.OpTests;

/// <summary>Row slicing with C# ranges and Slice(dim, start, end), with Python's clamping (checked against torch 1.13).</summary>
public class SliceTests
{
    static Tensor Rows() => Tensor.Arange(12).Reshape(4, 3);

    [Fact]
    public void RangeIndexerTakesRows()
    {
        var x = Rows();
        Assert.Equal(new[] { 3f, 4, 5, 6, 7, 8 }, x[1..3].ToArray());
        Assert.Equal(new[] { 2, 3 }, x[1..3].Shape);
        Assert.Equal(new[] { 9f, 10, 11 }, x[^1..].ToArray());
        Assert.Equal(x.ToArray(), x[..].ToArray());
        Assert.Equal(new[] { 0, 3 }, x[3..1].Shape);
        Assert.Equal(new[] { 2, 3 }, x[2..100].Shape);   // torch: x[2:100] stops at the end
    }

    [Fact]
    public void SliceAlongAnyDimensionWithNegativeBounds()
    {
        var x = Rows();
        Assert.Equal(new[] { 1f, 2, 4, 5, 7, 8, 10, 11 }, x.Slice(1, 1, 3).ToArray());
        Assert.Equal(new[] { 1f, 4, 7, 10 }, x.Slice(-1, -2, -1).ToArray());   // x[:, -2:-1]
        Assert.Equal(new[] { 4, 0 }, x.Slice(1, 5, 9).Shape);
        Assert.Equal(new[] { 6f, 7, 8 }, Ops.Slice(x, 0, -2, -1).ToArray());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => x.Slice(2, 0, 1));
        Assert.Contains("Slice", e.Message);
    }

    [Fact]
    public void SliceIsDifferentiable()
    {
        var x = TestTensors.Leaf(new float[12], 4, 3);
        Ops.Sum(Ops.Mul(x[1..3], 2f)).Backward();
        Assert.Equal(new[] { 0f, 0, 0, 2, 2, 2, 2, 2, 2, 0, 0, 0 }, x.Grad!.ToArray());
        GradCheck.Check(xs => new[] { xs[0][^2..], xs[0].Slice(1, 0, 2) }, new[] { Tensor.Randn(new[] { 4, 3 }, new Rng(3)) });
    }

    [Fact]
    public void IntTensorSlices()
    {
        var y = IntTensor.FromArray(Enumerable.Range(0, 12).ToArray(), 4, 3);
        Assert.Equal(new[] { 3, 4, 5, 6, 7, 8 }, y[1..3].ToArray());
        Assert.Equal(new[] { 2, 3 }, y[^2..].Shape);
        Assert.Equal(new[] { 2, 5, 8, 11 }, y.Slice(1, 2, 3).ToArray());
        Assert.Equal(new[] { 4, 1 }, y.Slice(1, -1, 10).Shape);
        var labels = IntTensor.FromArray(new[] { 5, 6, 7 }, 3);
        Assert.Equal(new[] { 6, 7 }, labels[1..].ToArray());
    }
}
