using Kiln.Integration.Tests.Models;
using Kiln.Optim;

namespace Kiln.Integration.Tests;

/// <summary>
/// Parity for the CNN, the LSTM tagger and the LayerNorm + Dropout net. That net's Dropout draws from Rng.Default, one stream
/// both sides would consume in turn, so it is compared in eval mode; TrainingDropoutParityTests covers training mode with
/// equally seeded generators.
/// </summary>
public sealed class MoreParityTests
{
    [Fact]
    public void Cnn_MatchesTheTape()
    {
        var rng = new Rng(8);
        var images = Tensor.Randn(new[] { 6, 1, 8, 8 }, rng);
        var labels = IntTensor.FromArray(Enumerable.Range(0, 6).Select(_ => rng.NextInt(0, 10)).ToArray(), 6);
        StaticDynamicParityTests.AssertParity(() => new Cnn(), m => m.Loss(images, labels), m => m.LossGraph.Forward(images, labels),
            m => m.LossGraph.ForwardBackward(images, labels), p => new Sgd(p, lr: 0.05f));
    }

    /// <summary>Fused (no bias; odd convolution output) and unfused (no ReLU; 3×3 window at stride 1) chains side by side.</summary>
    [Fact]
    public void ConvPoolVariants_MatchTheTape()
    {
        var rng = new Rng(12);
        var images = Tensor.Randn(new[] { 5, 1, 8, 8 }, rng);
        var labels = IntTensor.FromArray(Enumerable.Range(0, 5).Select(_ => rng.NextInt(0, 5)).ToArray(), 5);
        var summary = new ConvPoolVariantsNet().LossGraph.Summary;
        // The forward program: two chains fused (their kernels alone), the other two pool separately.
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(summary, ": conv2d_relu_max_pool2d -> ").Count);
        Assert.Contains(": max_pool2d -> ", summary);
        StaticDynamicParityTests.AssertParity(() => new ConvPoolVariantsNet(), m => m.Loss(images, labels), m => m.LossGraph.Forward(images, labels),
            m => m.LossGraph.ForwardBackward(images, labels), p => new Sgd(p, lr: 0.05f));
    }

    [Fact]
    public void LstmTagger_MatchesTheTape()
    {
        var rng = new Rng(10);
        var tokens = IntTensor.FromArray(Enumerable.Range(0, 7 * 4).Select(_ => rng.NextInt(0, 20)).ToArray(), 7, 4);
        var y = IntTensor.FromArray(Enumerable.Range(0, 7).Select(_ => rng.NextInt(0, 3)).ToArray(), 7);
        StaticDynamicParityTests.AssertParity(() => new LstmTagger(), m => m.Loss(tokens, y), m => m.LossGraph.Forward(tokens, y),
            m => m.LossGraph.ForwardBackward(tokens, y), p => new Sgd(p, lr: 0.5f));
    }

    /// <summary>
    /// Training mode normalises with batch statistics and updates the running statistics in place (only
    /// ForwardBackward is called on the static side, so both sides update them once per step); eval mode then uses
    /// the running statistics both sides accumulated.
    /// </summary>
    [Fact]
    public void BatchNormNet_MatchesTheTape_InTrainingAndEval()
    {
        var rng = new Rng(13);
        var x = Tensor.Randn(new[] { 12, 10 }, rng);
        var y = IntTensor.FromArray(Enumerable.Range(0, 12).Select(_ => rng.NextInt(0, 3)).ToArray(), 12);
        var (dynamicModel, staticModel) = StaticDynamicParityTests.AssertParity(() => new BatchNormNet(), m => m.Loss(x, y),
            staticForward: null, m => m.LossGraph.ForwardBackward(x, y), p => new Sgd(p, lr: 0.1f), compareState: true);

        dynamicModel.Eval();
        staticModel.Eval();
        StaticDynamicParityTests.AssertClose(dynamicModel.Loss(x, y).Item(), staticModel.LossGraph.Forward(x, y).Item(), "eval: Forward");
    }

    [Fact]
    public void BatchNormNet_CountsBatchesLikeTheTape()
    {
        var rng = new Rng(14);
        var x = Tensor.Randn(new[] { 8, 10 }, rng);
        var y = IntTensor.FromArray(new int[8], 8);
        var dynamicModel = new BatchNormNet();
        var staticModel = new BatchNormNet();
        dynamicModel.Loss(x, y);
        staticModel.LossGraph.ForwardBackward(x, y);
        Assert.Equal(dynamicModel.StateDict()["norm.num_batches_tracked"].Item(), staticModel.StateDict()["norm.num_batches_tracked"].Item());
    }

    [Fact]
    public void NormDropoutNet_InEvalMode_MatchesTheTape()
    {
        var rng = new Rng(9);
        var x = Tensor.Randn(new[] { 10, 32 }, rng);
        var y = IntTensor.FromArray(Enumerable.Range(0, 10).Select(_ => rng.NextInt(0, 3)).ToArray(), 10);
        StaticDynamicParityTests.AssertParity(() => new NormDropoutNet(), m => m.Loss(x, y), m => m.LossGraph.Forward(x, y),
            m => m.LossGraph.ForwardBackward(x, y), p => new Adam(p, lr: 1e-2f), prepare: m => m.Eval());
    }
}
