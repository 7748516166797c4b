using Kiln.Integration.Tests.Models;
using Kiln.Optim;
using Kiln.Tests.Shared;

namespace Kiln.Integration.Tests;

/// <summary>
/// Freezing layers (RequiresGrad = false, as a PyTorch user does for fine-tuning): the tape gives a frozen parameter
/// no gradient, so ForwardBackward must leave its Grad untouched while the other gradients still match the tape.
/// </summary>
public sealed class FrozenParameterTests
{
    [Fact]
    public void FrozenFirstLayer_GetsNoGradient_AndTheRestMatchTheTape()
    {
        var rng = new Rng(21);
        var x = Tensor.Randn(new[] { 32, 784 }, rng);
        var y = IntTensor.FromArray(Enumerable.Range(0, 32).Select(_ => rng.NextInt(0, 10)).ToArray(), 32);
        StaticDynamicParityTests.AssertParity(() => new MlpClassifier(), m => m.Loss(x, y), m => m.LossGraph.Forward(x, y),
            m => m.LossGraph.ForwardBackward(x, y), p => new Sgd(p, lr: 0.1f), prepare: FreezeFirstLayer, steps: 3);
    }

    static void FreezeFirstLayer(MlpClassifier model)
    {
        foreach (var (name, parameter) in model.NamedParameters())
            if (name.StartsWith("fc1.", StringComparison.Ordinal)) parameter.RequiresGrad = false;
    }

    [Fact]
    public void UnfreezingAgain_AccumulatesIntoTheUntouchedGrad()
    {
        var rng = new Rng(22);
        var x = Tensor.Randn(new[] { 8, 784 }, rng);
        var y = IntTensor.FromArray(Enumerable.Range(0, 8).Select(i => i % 10).ToArray(), 8);
        var model = new MlpClassifier();
        var weight = model.NamedParameters().Single(p => p.Name == "fc1.weight").Parameter;
        var before = Tensor.Full(0.5f, weight.Shape);
        weight.Grad = before;

        weight.RequiresGrad = false;
        model.LossGraph.ForwardBackward(x, y);
        Assert.Same(before, weight.Grad);
        Assert.All(weight.Grad!.ToArray(), v => Assert.Equal(0.5f, v));

        weight.RequiresGrad = true;
        model.LossGraph.ForwardBackward(x, y);
        var reference = new MlpClassifier();
        reference.LoadStateDict(model.StateDict());
        reference.Loss(x, y).Backward();
        var expected = reference.NamedParameters().Single(p => p.Name == "fc1.weight").Parameter.Grad!.ToArray().Select(v => v + 0.5f).ToArray();
        StaticDynamicParityTests.AssertClose(Tensor.FromArray(expected, weight.Shape), weight.Grad!, "gradient of fc1.weight after unfreezing");
    }

    [Fact]
    public void FrozenParameters_SteadyStateAllocatesNothing()
    {
        var model = new MlpClassifier();
        FreezeFirstLayer(model);
        var rng = new Rng(23);
        var x = Tensor.Randn(new[] { 16, 784 }, rng);
        var y = IntTensor.FromArray(Enumerable.Range(0, 16).Select(i => i % 10).ToArray(), 16);
        var graph = model.LossGraph;
        Assert.Equal(0, SteadyState.AllocatedBytes(() => graph.ForwardBackward(x, y)));
    }
}
