using Kiln.Runtime.Tests.Support;

namespace Kiln.Runtime.Tests.OpTests;

/// <summary>Comparison masks, Where, MaskedFill and the IntTensor accuracy idiom; expected values from torch 1.13.</summary>
public class ComparisonTests
{
    static readonly Tensor A = Tensor.FromArray(new[] { 1f, 2f, float.NaN, 0f, -1f, 3f }, 2, 3);
    static readonly Tensor B = Tensor.FromArray(new[] { 1f, 0f, 3f }, 3);

    [Fact]
    public void TensorTensorComparisonsBroadcastAndTreatNaNAsTorch()
    {
        Assert.Equal(new[] { 1f, 0, 0, 0, 0, 1 }, Ops.Eq(A, B).ToArray());
        Assert.Equal(new[] { 0f, 1, 1, 1, 1, 0 }, Ops.Ne(A, B).ToArray());
        Assert.Equal(new[] { 0f, 0, 0, 1, 1, 0 }, Ops.Lt(A, B).ToArray());
        Assert.Equal(new[] { 1f, 1, 0, 0, 0, 1 }, Ops.Ge(A, B).ToArray());
        Assert.Equal(new[] { 0f, 1, 0, 0, 0, 0 }, (A > B).ToArray());
        Assert.Equal(new[] { 1f, 0, 0, 1, 1, 1 }, (A <= B).ToArray());
        Assert.Equal(new[] { 2, 3 }, Ops.Eq(B, A).Shape);
    }

    [Fact]
    public void ScalarComparisons()
    {
        Assert.Equal(new[] { 0f, 1, 0, 0, 0, 1 }, (A >= 2f).ToArray());
        Assert.Equal(new[] { 1f, 0, 0, 1, 1, 0 }, A.Lt(2f).ToArray());
        Assert.Equal(new[] { 0f, 0, 0, 1, 0, 0 }, A.Eq(0f).ToArray());
        Assert.Equal(new[] { 1f, 1, 1, 0, 1, 1 }, A.Ne(0f).ToArray());
    }

    [Fact]
    public void ComparisonsRecordNoGradient()
    {
        var x = TestTensors.Leaf(new[] { 1f, 2f }, 2);
        var mask = x > 1.5f;
        Assert.False(mask.RequiresGrad);
        Assert.True(mask.IsLeaf);
    }

    [Fact]
    public void IncompatibleShapesNameTheOp()
    {
        var e = Assert.Throws<ArgumentException>(() => Ops.Gt(Tensor.Zeros(2, 3), Tensor.Zeros(4)));
        Assert.Contains("Gt", e.Message);
        Assert.Contains("[2,3]", e.Message);
    }

    [Fact]
    public void WhereSelectsAndRoutesGradients()
    {
        var x = TestTensors.Leaf(new[] { 1f, 2f, 3f, 4f }, 2, 2);
        var y = TestTensors.Leaf(new[] { 10f, 20f }, 2);
        var c = Tensor.FromArray(new[] { 1f, 0f, 0f, 1f }, 2, 2);
        var o = Ops.Where(c, x, y);
        Assert.Equal(new[] { 1f, 20f, 10f, 4f }, o.ToArray());
        o.Backward(Tensor.FromArray(new[] { 1f, 2f, 3f, 4f }, 2, 2));
        Assert.Equal(new[] { 1f, 0f, 0f, 4f }, x.Grad!.ToArray());
        Assert.Equal(new[] { 3f, 2f }, y.Grad!.ToArray());
    }

    [Fact]
    public void WhereWithScalars()
    {
        var x = Tensor.FromArray(new[] { -1f, 2f, -3f }, 3);
        Assert.Equal(new[] { 0f, 2f, 0f }, Ops.Where(x > 0f, x, 0f).ToArray());
        Assert.Equal(new[] { -1f, 5f, -3f }, Ops.Where(x > 0f, 5f, x).ToArray());
    }

    [Fact]
    public void MaskedFillBroadcastsTheMaskAndBlocksGradientUnderIt()
    {
        var x = TestTensors.Leaf(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, 2, 3);
        var mask = Tensor.FromArray(new[] { 0f, 1f, 0f }, 3);
        var o = x.MaskedFill(mask, float.NegativeInfinity);
        Assert.Equal(new[] { 1f, float.NegativeInfinity, 3f, 4f, float.NegativeInfinity, 6f }, o.ToArray());
        Ops.Sum(Ops.Softmax(o, 1)).Backward();
        var e = Assert.Throws<ArgumentException>(() => Ops.MaskedFill(Tensor.Zeros(3), Tensor.Zeros(2, 3), 0f));
        Assert.Contains("MaskedFill", e.Message);
    }

    [Fact]
    public void IntTensorEqualityIsElementwiseAndSumCounts()
    {
        var pred = IntTensor.FromArray(new[] { 1, 2, 3, 4 }, 4);
        var y = IntTensor.FromArray(new[] { 1, 0, 3, 0 }, 4);
        Assert.Equal(new[] { 1, 0, 1, 0 }, (pred == y).ToArray());
        Assert.Equal(new[] { 0, 1, 0, 1 }, (pred != y).ToArray());
        Assert.Equal(2L, (pred == y).Sum());
        Assert.Equal(new[] { 0, 0, 1, 0 }, (pred == 3).ToArray());
        Assert.Equal(1L, (pred != 3).Sum() - 2);
        Assert.False(pred.Equals(y));
        Assert.True(pred.Equals(pred));
        IntTensor? none = null;
        Assert.True(none is null);
        Assert.Throws<ArgumentNullException>(() => pred == none!);
    }

    [Fact]
    public void AccuracyIdiomReadsLikeTorch()
    {
        var logits = Tensor.FromArray(new[] { 0.1f, 0.9f, 0.8f, 0.2f, 0.3f, 0.7f }, 3, 2);
        var labels = IntTensor.FromArray(new[] { 1, 1, 1 }, 3);
        long correct = (logits.ArgMax(1) == labels).Sum();
        Assert.Equal(2L, correct);
    }

    [Fact]
    public void ArgMaxSqueezeUnsqueezeMethods()
    {
        var x = Tensor.FromArray(new[] { 1f, 5f, 5f, 7f, 2f, 7f }, 2, 3);
        Assert.Equal(new[] { 1, 0 }, x.ArgMax(1).ToArray());
        Assert.Equal(new[] { 2, 1 }, x.ArgMax(1, keepDim: true).Shape);
        Assert.Equal(3, x.ArgMax().Item());
        Assert.Empty(x.ArgMax().Shape);
        Assert.Equal(new[] { 3, 2 }, Tensor.Zeros(1, 3, 1, 2).Squeeze().Shape);
        Assert.Equal(new[] { 3, 1, 2 }, Tensor.Zeros(1, 3, 1, 2).Squeeze(0).Shape);
        Assert.Equal(new[] { 1, 3, 1, 2 }, Tensor.Zeros(1, 3, 1, 2).Squeeze(1).Shape);
        Assert.Empty(Tensor.Zeros(1, 1).Squeeze().Shape);
        Assert.Equal(new[] { 2, 1, 3 }, x.Unsqueeze(1).Shape);
        Assert.Equal(new[] { 2, 3, 1 }, x.Unsqueeze(-1).Shape);
    }

    [Fact]
    public void SqueezeIsDifferentiable()
    {
        GradCheck.Check(xs => new[] { xs[0].Squeeze().Unsqueeze(0) }, new[] { Tensor.Randn(new[] { 1, 3, 1 }, new Rng(1)) });
    }
}
