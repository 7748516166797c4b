using Kiln.Integration.Tests.Models;
using Kiln.Optim;

namespace Kiln.Integration.Tests;

/// <summary>
/// Parity for the CNN, the LSTM tagger and the LayerNorm + Dropout net. Dropout is compared in eval mode, where it is the identity: in
/// training mode the two sides draw different masks by design (each from its own stream).
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

    [Fact]
    public void LstmTagger_MatchesTheTape()
    {
        var rng = new Rng(10);
        var tokens = IntTensor.FromArray(Enumerable.Range(0, 7 * 4).Select(_ => rng.NextInt(0, 20)).ToArray(), 7, 4);
        var y = IntTensor.FromArray(Enumerable.Range(0, 7).Select(_ => rng.NextInt(0, 3)).ToArray(), 7);
        StaticDynamicParityTests.AssertParity(() => new LstmTagger(), m => m.Loss(tokens, y), m => m.LossGraph.Forward(tokens, y),
            m => m.LossGraph.ForwardBackward(tokens, y), p => new Sgd(p, lr: 0.5f));
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
