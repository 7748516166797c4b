using Kiln.Kernels;
using Kiln.Nn;
using Kiln.Runtime.Tests.Support;

namespace Kiln.Runtime.Tests.OpTests;

/// <summary>The eager activation ops and modules: torch's semantics at special values, argument checks and reprs.</summary>
public class ActivationOpTests
{
    [Fact]
    public void ReluGradientIsTorchThresholdBackwardOnTheOutput()
    {
        // torch 1.13: x = [-1, 0, 2, nan]; relu(x).backward([inf, nan, 3, 4]) → x.grad = [0, 0, 3, 4] (a select, so an
        // infinite or NaN upstream gives 0 where the output is 0, and a NaN output lets the gradient through).
        var x = TestTensors.Leaf(new[] { -1f, 0f, 2f, float.NaN }, 4);
        var y = Ops.Relu(x);
        Assert.True(float.IsNaN(y.ToArray()[3]));
        Ops.Sum(Ops.Mul(y, Tensor.FromArray(new[] { float.PositiveInfinity, float.NaN, 3f, 4f }, 4))).Backward();
        // L = Σ y·g: dL/dy = g, so the upstream reaching relu is exactly [inf, nan, 3, 4].
        Assert.Equal(new[] { 0f, 0f, 3f, 4f }, x.Grad!.ToArray());

        var z = TestTensors.Leaf(new[] { -1f, 2f }, 2);
        Ops.Sum(Ops.Mul(Ops.Relu(z), Tensor.FromArray(new[] { -2f, 3f }, 2))).Backward();
        var grad = z.Grad!.ToArray();
        Assert.Equal(new[] { 0f, 3f }, grad);
        Assert.False(float.IsNegative(grad[0]), "a negative upstream where the output is 0 gives +0 (torch), not −0");
    }

    [Fact]
    public void GeluRejectsAnUnknownApproximation()
    {
        var e = Assert.Throws<ArgumentException>(() => Ops.Gelu(Tensor.Zeros(2), "erf"));
        Assert.Contains("Gelu", e.Message);
        Assert.Contains("erf", e.Message);
        Assert.Throws<ArgumentException>(() => new GELU("fast"));
    }

    [Fact]
    public void OpsComputeThePointwiseDefinitions()
    {
        var data = new[] { -3f, -0.5f, -1e-3f, 0f, 1e-3f, 0.7f, 2.6f, 30f, float.NaN };
        var x = Tensor.FromArray(data, data.Length);
        Assert.Equal(data.Select(v => Pointwise.LeakyRelu(v, 0.01f)), Ops.LeakyRelu(x).ToArray());
        Assert.Equal(data.Select(v => Pointwise.LeakyRelu(v, 0.3f)), Ops.LeakyRelu(x, 0.3f).ToArray());
        Assert.Equal(data.Select(Pointwise.Gelu), Ops.Gelu(x).ToArray());
        Assert.Equal(data.Select(Pointwise.GeluTanh), Ops.Gelu(x, "tanh").ToArray());
        // Softplus's logarithm is MathF.Log in the scalar form and Vector.Log in the vector body: equal to an ulp.
        AssertClose(data.Select(v => Pointwise.Softplus(v, 1f, 20f)).ToArray(), Ops.Softplus(x).ToArray());
        AssertClose(data.Select(v => Pointwise.Softplus(v, 2f, 5f)).ToArray(), Ops.Softplus(x, 2f, 5f).ToArray());
        Assert.Equal(data.Select(v => Pointwise.Elu(v, 1f)), Ops.Elu(x).ToArray());
        Assert.Equal(data.Select(v => Pointwise.Elu(v, 0.5f)), Ops.Elu(x, 0.5f).ToArray());
    }

    static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(float.IsNaN(expected[i]) ? float.IsNaN(actual[i]) : Math.Abs(expected[i] - actual[i]) <= 2e-7f * Math.Abs(expected[i]),
                $"element {i}: expected {expected[i]:R}, actual {actual[i]:R}");
    }

    [Fact]
    public void GradientsAreTheFusedBackwardDefinitions()
    {
        var data = new[] { -3f, -0.5f, -1e-3f, 0.7f, 2.6f, 30f };
        var upstream = new[] { 1f, -2f, 0.5f, 3f, -1f, 0.25f };
        void Check(Func<Tensor, Tensor> op, Func<float, float, float> backward)
        {
            var x = TestTensors.Leaf(data, data.Length);
            Ops.Sum(Ops.Mul(op(x), Tensor.FromArray(upstream, upstream.Length))).Backward();
            Assert.Equal(data.Select((v, i) => backward(upstream[i], v)), x.Grad!.ToArray());
        }
        Check(x => Ops.LeakyRelu(x, 0.2f), (g, v) => Pointwise.LeakyReluBackward(g, v, 0.2f));
        Check(x => Ops.Gelu(x), Pointwise.GeluBackward);
        Check(x => Ops.Gelu(x, "tanh"), Pointwise.GeluTanhBackward);
        Check(x => Ops.Softplus(x, 2f, 5f), (g, v) => Pointwise.SoftplusBackward(g, v, 2f, 5f));
        Check(x => Ops.Elu(x, 0.5f), (g, v) => Pointwise.EluBackward(g, v, 0.5f));
    }

    [Fact]
    public void ModulesForwardTheirArgumentsAndPrintLikeTorch()
    {
        // Reprs as torch 1.13 prints them: LeakyReLU(negative_slope=0.01), GELU(approximate='none'),
        // Softplus(beta=1, threshold=20), ELU(alpha=1.0).
        Assert.Equal("LeakyReLU(negative_slope=0.01)", new LeakyReLU().ToString());
        Assert.Equal("LeakyReLU(negative_slope=0.2)", new LeakyReLU(0.2f).ToString());
        Assert.Equal("GELU(approximate='none')", new GELU().ToString());
        Assert.Equal("GELU(approximate='tanh')", new GELU("tanh").ToString());
        Assert.Equal("Softplus(beta=1, threshold=20)", new Softplus().ToString());
        Assert.Equal("Softplus(beta=2, threshold=5)", new Softplus(2f, 5f).ToString());
        Assert.Equal("ELU(alpha=1.0)", new ELU().ToString());
        Assert.Equal("ELU(alpha=0.5)", new ELU(0.5f).ToString());

        Assert.Equal(0.2f, new LeakyReLU(0.2f).NegativeSlope);
        Assert.Equal("tanh", new GELU("tanh").Approximate);
        var softplus = new Softplus(2f, 5f);
        Assert.Equal((2f, 5f), (softplus.Beta, softplus.Threshold));
        Assert.Equal(0.5f, new ELU(0.5f).Alpha);

        var x = Tensor.FromArray(new[] { -2f, -0.3f, 0.4f, 3f }, 2, 2);
        Assert.Equal(Ops.LeakyRelu(x, 0.2f).ToArray(), new LeakyReLU(0.2f).Forward(x).ToArray());
        Assert.Equal(Ops.Gelu(x, "tanh").ToArray(), new GELU("tanh").Forward(x).ToArray());
        Assert.Equal(Ops.Softplus(x, 2f, 5f).ToArray(), softplus.Forward(x).ToArray());
        Assert.Equal(Ops.Elu(x, 0.5f).ToArray(), new ELU(0.5f).Forward(x).ToArray());
        Assert.Equal(new[] { 2, 2 }, new GELU().Forward(x).Shape);
        Assert.Equal(Ops.Silu(x).ToArray(), new SiLU().Forward(x).ToArray());
        foreach (var (v, y) in x.ToArray().Zip(Ops.Silu(x).ToArray()))
            Assert.Equal(v / (1 + Math.Exp(-v)), y, 1e-6);
    }
}
