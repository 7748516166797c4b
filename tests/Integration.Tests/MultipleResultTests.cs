using Kiln.Integration.Tests.Models;

namespace Kiln.Integration.Tests;

/// <summary>A [Compile] method returning a tuple: Forward and ForwardBackward return the method's own tuple type.</summary>
public sealed class MultipleResultTests
{
    [Fact]
    public void LossAndLogits_ComeFromOneGraph_AndMatchTheTape()
    {
        var rng = new Rng(21);
        var x = Tensor.Randn(new[] { 5, 6 }, rng);
        var y = IntTensor.FromArray(new[] { 0, 2, 1, 1, 0 }, 5);
        var dynamicModel = new LossAndLogitsNet();
        var staticModel = new LossAndLogitsNet();
        staticModel.LoadStateDict(dynamicModel.StateDict());

        var (loss, logits) = dynamicModel.Step(x, y);
        loss.Backward();
        var forward = staticModel.StepGraph.Forward(x, y);
        StaticDynamicParityTests.AssertClose(loss.Item(), forward.Loss.Item(), "Forward's loss");
        StaticDynamicParityTests.AssertClose(logits, forward.Logits, "Forward's logits");

        var both = staticModel.StepGraph.ForwardBackward(x, y);
        StaticDynamicParityTests.AssertClose(loss.Item(), both.Loss.Item(), "ForwardBackward's loss");
        StaticDynamicParityTests.AssertClose(logits, both.Logits, "ForwardBackward's logits");
        var staticParameters = staticModel.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (name, parameter) in dynamicModel.NamedParameters())
            StaticDynamicParityTests.AssertClose(parameter.Grad!, staticParameters[name].Grad!, $"gradient of {name}");

        // Accuracy from the logits the same call returned.
        var predicted = Ops.ArgMax(both.Logits, 1);
        Assert.Equal(Ops.ArgMax(logits, 1).ToArray(), predicted.ToArray());
        Assert.Contains("Step -> StepGraph", staticModel.StepGraph.Summary);
    }
}
