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

    [Fact]
    public void LossAndArgMax_ComeFromOneGraph_AndMatchTheTape()
    {
        var rng = new Rng(22);
        var x = Tensor.Randn(new[] { 7, 6 }, rng);
        var y = IntTensor.FromArray(new[] { 0, 3, 1, 2, 2, 0, 1 }, 7);
        var dynamicModel = new LossAndPredictionNet();
        var staticModel = new LossAndPredictionNet();
        staticModel.LoadStateDict(dynamicModel.StateDict());

        for (int step = 0; step < 3; step++)
        {
            var (loss, predicted) = dynamicModel.Step(x, y);
            dynamicModel.ZeroGrad();
            loss.Backward();
            staticModel.ZeroGrad();
            var both = staticModel.StepGraph.ForwardBackward(x, y);
            StaticDynamicParityTests.AssertClose(loss.Item(), both.Loss.Item(), $"step {step}: ForwardBackward's loss");
            Assert.Equal(predicted.Shape, both.Predicted.Shape);
            Assert.Equal(predicted.ToArray(), both.Predicted.ToArray());
            // ForwardBackward still differentiates the loss, the first result.
            var staticParameters = staticModel.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
            foreach (var (name, parameter) in dynamicModel.NamedParameters())
                StaticDynamicParityTests.AssertClose(parameter.Grad!, staticParameters[name].Grad!, $"step {step}: gradient of {name}");
            var forward = staticModel.StepGraph.Forward(x, y);
            Assert.Equal(predicted.ToArray(), forward.Predicted.ToArray());

            // Accuracy from the predictions the same call returned.
            int correct = Enumerable.Range(0, 7).Count(i => both.Predicted[i] == y[i]);
            Assert.Equal(Enumerable.Range(0, 7).Count(i => predicted[i] == y[i]), correct);
            using (Autograd.NoGrad())
            {
                foreach (var (_, parameter) in dynamicModel.NamedParameters()) parameter.SubInPlace(parameter.Grad! * 0.5f);
                foreach (var (_, parameter) in staticModel.NamedParameters()) parameter.SubInPlace(parameter.Grad! * 0.5f);
            }
        }
    }

    [Fact]
    public void MaxValuesAndIndices_BothLeaveTheGraph_AndMatchTheTape()
    {
        var rng = new Rng(23);
        var x = Tensor.Randn(new[] { 5, 6 }, rng);
        var y = IntTensor.FromArray(new[] { 1, 3, 0, 2, 2 }, 5);
        var model = new LossAndPredictionNet();
        var (loss, predicted, best) = model.Scores(x, y);
        var graph = model.ScoresGraph.ForwardBackward(x, y);
        StaticDynamicParityTests.AssertClose(loss.Item(), graph.Loss.Item(), "loss");
        Assert.Equal(predicted.ToArray(), graph.Predicted.ToArray());
        StaticDynamicParityTests.AssertClose(best, graph.Best, "best scores");
        // Indices carry no gradient, so the graph is not offered as a tape node.
        Assert.Null(model.ScoresGraph.GetType().GetMethod("Apply"));
    }
}
