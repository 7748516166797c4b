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
        // Each model gets its own generator with the same seed; the static side calls only ForwardBackward so both
        // sides draw one mask per step.
        StaticDynamicParityTests.AssertParity(() => new TrainingDropoutNet(new Rng(5)), m => m.Loss(x, y),
            staticForward: null, m => m.LossGraph.ForwardBackward(x, y), p => new Sgd(p, lr: 0.2f),
            prepare: m => Assert.True(m.Training), steps: 5);

        // The masks really change from step to step: the same input gives different losses before any update.
        using (Autograd.NoGrad())
        {
            var probe = new TrainingDropoutNet(new Rng(9));
            Assert.NotEqual(probe.Loss(x, y).Item(), probe.Loss(x, y).Item());
        }
    }
}
