using Kiln.Integration.Tests.Models;
using Kiln.Optim;

namespace Kiln.Integration.Tests;

/// <summary>Custom autograd Functions (issue 10, item 6): Forward compiled inline, Backward used as the gradient rule.</summary>
public sealed class CustomFunctionTests
{
    [Fact]
    public void TutorialMyReLU_InATwoLayerNet_MatchesTheTape()
    {
        var rng = new Rng(50);
        var x = Tensor.Randn(new[] { 12, 10 }, rng);
        var y = Tensor.Randn(new[] { 12, 3 }, rng);
        StaticDynamicParityTests.AssertParity(() => new CustomReluNet(), m => m.Loss(x, y), m => m.LossGraph.Forward(x, y),
            m => m.LossGraph.ForwardBackward(x, y), p => new Sgd(p, lr: 1e-3f));
    }

    [Fact]
    public void FunctionInAField_WithTwoInputsAndABackwardThatIsNotTheDerivative_MatchesTheTape()
    {
        var rng = new Rng(51);
        var x = Tensor.Randn(new[] { 9, 10 }, rng);
        var y = Tensor.Randn(new[] { 9, 3 }, rng);
        StaticDynamicParityTests.AssertParity(() => new GatedFunctionNet(), m => m.Gated(x, y), m => m.GatedGraph.Forward(x, y),
            m => m.GatedGraph.ForwardBackward(x, y), p => new Sgd(p, lr: 1e-2f));
    }

    [Fact]
    public void TheCustomFunctionLeavesNoKernelOfItsOwn()
    {
        var summary = new CustomReluNet().LossGraph.Summary;
        Assert.DoesNotContain("custom_function", summary);
        // The Forward's clamp and the Backward's mask are the kernels' ops instead.
        Assert.Contains("clamp", summary);
        Assert.Contains("greater_than", summary);
    }
}
