using Kiln.Integration.Tests.Models;
using Kiln.Optim;

namespace Kiln.Integration.Tests;

/// <summary>
/// Dropout in training mode: the compiled graph draws its mask with the same kernel, one draw per element in the same
/// order, from the module's generator, so two models whose generators share a seed drop the same units on both sides.
/// </summary>
public sealed class TrainingDropoutParityTests
{
    [Fact]
    public void TrainingModeDropout_DrawsTheTapesMasks_FromEquallySeededGenerators()
    {
        var rng = new Rng(21);
        var x = Tensor.Randn(new[] { 9, 16 }, rng);
        var y = IntTensor.FromArray(Enumerable.Range(0, 9).Select(_ => rng.NextInt(0, 4)).ToArray(), 9);
        var dynamicModel = new TrainingDropoutNet(new Rng(5));
        var staticModel = new TrainingDropoutNet(new Rng(5));
        staticModel.LoadStateDict(dynamicModel.StateDict());
        var dynamicOptimizer = new Sgd(dynamicModel.Parameters(), lr: 0.2f);
        var staticOptimizer = new Sgd(staticModel.Parameters(), lr: 0.2f);
        Assert.True(dynamicModel.Training && staticModel.Training);

        var stepLosses = new List<float>();
        for (int step = 0; step < 5; step++)
        {
            dynamicOptimizer.ZeroGrad();
            var loss = dynamicModel.Loss(x, y);
            loss.Backward();
            staticOptimizer.ZeroGrad();
            float staticLoss = staticModel.LossGraph.ForwardBackward(x, y).Item();

            StaticDynamicParityTests.AssertClose(loss.Item(), staticLoss, $"step {step}: loss");
            var staticParameters = staticModel.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
            foreach (var (name, parameter) in dynamicModel.NamedParameters())
                StaticDynamicParityTests.AssertClose(parameter.Grad!, staticParameters[name].Grad!, $"step {step}: {name}.grad");
            stepLosses.Add(staticLoss);
            dynamicOptimizer.Step();
            staticOptimizer.Step();
        }

        // The masks really change from step to step: the same input gives different losses before any update.
        using (Autograd.NoGrad())
        {
            var probe = new TrainingDropoutNet(new Rng(9));
            Assert.NotEqual(probe.Loss(x, y).Item(), probe.Loss(x, y).Item());
        }
    }
}
