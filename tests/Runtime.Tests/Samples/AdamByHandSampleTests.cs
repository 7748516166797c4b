using Kiln.Samples.AdamByHand;

namespace Kiln.Runtime.Tests.Samples;

/// <summary>
/// The AdamByHand sample: from PyTorch's initial weights the hand gradient, the tape's and the graph's agree, the
/// hand-written Adam and Kiln's Adam (after the tape and after the graph) give the same weights, the first loss is
/// PyTorch's (shared/reference/RESULTS.md, W4: 5.8602610), and the loss falls.
/// </summary>
public class AdamByHandSampleTests
{
    [Fact]
    public void HandGradientAndHandAdam_AgreeWithTheTapeAndTheGraph_AndTheLossFalls()
    {
        var steps = AdamWalkthrough.Run(50);
        Assert.Equal(5.8602610, steps[0].Loss, 1e-6);
        Assert.Equal(5.8577509, steps[1].Loss, 1e-6);
        foreach (var step in steps)
        {
            Assert.True(step.GradientDifference < 1e-6, $"step {step.Step}: gradients differ by {step.GradientDifference}");
            Assert.True(step.WeightDifference < 1e-6, $"step {step.Step}: weights differ by {step.WeightDifference}");
            Assert.Equal(step.TapeGradient, step.GraphGradient);
            Assert.Equal(step.AdamWeight, step.GraphAdamWeight);
        }
        Assert.True(steps[^1].Loss < steps[0].Loss - 0.05, $"the loss falls: {steps[0].Loss} -> {steps[^1].Loss}");
        // Adam's first step moves every weight by lr against its gradient's sign (m̂/√v̂ = g/|g|).
        for (int k = 0; k < 4; k++)
            Assert.Equal(TinyNet.PyTorchInitialWeight[k] - AdamWalkthrough.LearningRate * Math.Sign(steps[0].HandGradient[k]), steps[0].AdamWeight[k], 1e-6);
    }
}
