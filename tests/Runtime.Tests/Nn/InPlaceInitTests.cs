using Kiln.Nn;
using Kiln.Runtime.Tests.Support;

namespace Kiln.Runtime.Tests.Nn;

/// <summary>Normal_, Uniform_, Fill_ and Zero_ on parameters, without NoGrad, recording nothing.</summary>
public class InPlaceInitTests
{
    [Fact]
    public void InitialisesAParameterWithoutNoGrad()
    {
        var layer = new Linear(64, 32);
        layer.Weight.Normal_(0f, 0.02f, new Rng(1));
        layer.Bias!.Zero_();
        Assert.True(layer.Weight.RequiresGrad && layer.Weight.IsLeaf);
        Assert.Null(layer.Weight.Grad);
        var w = layer.Weight.ToArray();
        double mean = w.Average(), std = Math.Sqrt(w.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(mean, -0.003, 0.003);
        Assert.InRange(std, 0.018, 0.022);
        Assert.All(layer.Bias.ToArray(), v => Assert.Equal(0f, v));

        // The same draws as Init.Normal from the same generator.
        var again = Tensor.Zeros(32, 64);
        Init.Normal(again, 0f, 0.02f, new Rng(1));
        Assert.Equal(again.ToArray(), w);
    }

    [Fact]
    public void UniformAndFill()
    {
        var p = new Parameter(Tensor.Zeros(1000));
        p.Uniform_(-0.5f, 0.25f, new Rng(2));
        Assert.All(p.ToArray(), v => Assert.InRange(v, -0.5f, 0.25f));
        p.Fill_(3f);
        Assert.All(p.ToArray(), v => Assert.Equal(3f, v));
        Assert.Throws<ArgumentException>(() => p.Uniform_(1f, 0f));
        Assert.Throws<ArgumentException>(() => p.Normal_(0f, -1f));
    }

    [Fact]
    public void InitialisedParameterTrainsNormally()
    {
        var x = TestTensors.Leaf(new[] { 1f, 2f }, 2);
        x.Fill_(0.5f);
        Ops.Sum(Ops.Mul(x, x)).Backward();
        Assert.Equal(new[] { 1f, 1f }, x.Grad!.ToArray());
    }

    [Fact]
    public void RefusesAResultOfAnOp()
    {
        var x = TestTensors.Leaf(new[] { 1f, 2f }, 2);
        var y = Ops.Mul(x, 2f);
        var e = Assert.Throws<InvalidOperationException>(() => y.Zero_());
        Assert.Contains("Zero_", e.Message);
        Assert.Contains("Mul", e.Message);
    }
}
