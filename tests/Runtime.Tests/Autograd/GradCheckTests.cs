using Kiln.Runtime.Tests.Support;

namespace Kiln.Runtime.Tests.AutogradBehaviour;

/// <summary>The gradient check itself: a small gradient that is wrong by a few percent must fail, a right one pass.</summary>
public class GradCheckTests
{
    /// <summary>y = scale·x whose backward returns factor·scale·g: a gradient off by (factor − 1).</summary>
    sealed class ScaledWithError(float scale, float factor) : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => Ops.Mul(inputs[0], scale);
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => new Tensor?[] { Ops.Mul(gradOutput, scale * factor) };
    }

    static Tensor Input() => Tensor.Randn(new[] { 3, 4 }, new Rng(5));

    [Theory]
    [InlineData(1e-3f)]
    [InlineData(1e-2f)]
    [InlineData(1f)]
    [InlineData(100f)]
    public void RightGradientsPassAtEveryScale(float scale) =>
        GradCheck.Check(x => new ScaledWithError(scale, 1f).Apply(x), Input());

    [Theory]
    [InlineData(1e-3f, 1.05f)] // gradients ~1e-3 off by 5e-5: the former absolute 0.02 let these through
    [InlineData(1e-2f, 1.005f)]
    [InlineData(1f, 1.002f)]
    [InlineData(100f, 1.002f)]
    public void SmallRelativeErrorsFail(float scale, float factor)
    {
        var error = Assert.Throws<Xunit.Sdk.XunitException>(() => GradCheck.Check(x => new ScaledWithError(scale, factor).Apply(x), Input()));
        Assert.StartsWith("GradCheck: input 0 element", error.Message);
    }

    [Fact]
    public void NonlinearOpsPassWithRichardsonExtrapolation()
    {
        // exp over a range where the plain central difference's h² error alone (~1.7e-5 relative at h = 1e-2)
        // would exceed rtol at large values: extrapolation takes it to O(h⁴).
        var x = Tensor.FromArray(new[] { -2f, -0.5f, 0.3f, 1.7f, 3f }, 5);
        GradCheck.Check(Ops.Exp, x);
        GradCheck.Check(t => Ops.Log(t), Tensor.FromArray(new[] { 0.2f, 0.7f, 1.5f, 4f }, 4));
    }
}
