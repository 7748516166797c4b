using Kiln.Integration.Tests.Models;
using Kiln.Nn;
using Kiln.Optim;

namespace Kiln.Integration.Tests;

/// <summary>
/// Loops compiled as loops (not unrolled), with a symbolic sequence length: one graph instance is called with several
/// lengths, T = 1 included, and at every call its loss and every parameter gradient match the eager tape; an SGD step
/// between calls keeps both sides' weights moving together.
/// </summary>
public sealed class LoopParityTests
{
    static readonly int[] Lengths = { 3, 1, 7, 3 };

    static IntTensor Labels(int count, int classes, Rng rng) =>
        IntTensor.FromArray(Enumerable.Range(0, count).Select(_ => rng.NextInt(0, classes)).ToArray(), count);

    /// <summary>For each length: tape vs ForwardBackward (loss and gradients) and vs Forward, on the same two models throughout.</summary>
    /// <param name="calls">For a length and the data generator: the tape's loss, the graph's Forward and its ForwardBackward on fresh data.</param>
    static void AssertParityOverLengths<TModel>(Func<TModel> create, Func<int, Rng, (Func<TModel, Tensor>, Func<TModel, Tensor>, Func<TModel, Tensor>)> calls)
        where TModel : Module
    {
        var dynamicModel = create();
        var staticModel = create();
        staticModel.LoadStateDict(dynamicModel.StateDict());
        var dynamicOptimizer = new Sgd(dynamicModel.Parameters(), lr: 0.1f);
        var staticOptimizer = new Sgd(staticModel.Parameters(), lr: 0.1f);
        var rng = new Rng(7);
        foreach (int length in Lengths)
        {
            var (tape, forward, forwardBackward) = calls(length, rng);
            dynamicOptimizer.ZeroGrad();
            var loss = tape(dynamicModel);
            loss.Backward();
            staticOptimizer.ZeroGrad();
            StaticDynamicParityTests.AssertClose(loss.Item(), forward(staticModel).Item(), $"T = {length}: Forward");
            StaticDynamicParityTests.AssertClose(loss.Item(), forwardBackward(staticModel).Item(), $"T = {length}: ForwardBackward's loss");
            var staticParameters = staticModel.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
            foreach (var (name, parameter) in dynamicModel.NamedParameters())
            {
                var expected = parameter.Grad ?? throw new InvalidOperationException($"the tape gave {name} no gradient");
                var actual = staticParameters[name].Grad ?? throw new Xunit.Sdk.XunitException($"T = {length}: the graph gave {name} no gradient");
                StaticDynamicParityTests.AssertClose(expected, actual, $"T = {length}: gradient of {name}");
            }
            dynamicOptimizer.Step();
            staticOptimizer.Step();
        }
    }

    [Fact]
    public void Rnn_OverASymbolicLength_MatchesTheTape_AtEveryLength()
    {
        AssertParityOverLengths(() => new SequenceRnnNet(), (length, rng) =>
        {
            var x = Tensor.Randn(new[] { 5, length, 4 }, rng);
            var y = Labels(5, 3, rng);
            return (d => d.Loss(x, y), s => s.LossGraph.Forward(x, y), s => s.LossGraph.ForwardBackward(x, y));
        });
    }

    [Fact]
    public void LstmCellForLoop_OverASymbolicLength_MatchesTheTape_AtEveryLength()
    {
        AssertParityOverLengths(() => new LstmCellLoopNet(), (length, rng) =>
        {
            var x = Tensor.Randn(new[] { 4, length, 5 }, rng);
            var h0 = Tensor.Randn(new[] { 4, 6 }, rng);
            var c0 = Tensor.Randn(new[] { 4, 6 }, rng);
            var y = Labels(4, 3, rng);
            return (d => d.Loss(x, h0, c0, y), s => s.LossGraph.Forward(x, h0, c0, y), s => s.LossGraph.ForwardBackward(x, h0, c0, y));
        });
    }

    [Fact]
    public void GruStyleForLoop_OverASymbolicLength_MatchesTheTape_AtEveryLength()
    {
        AssertParityOverLengths(() => new GruLoopNet(), (length, rng) =>
        {
            var x = Tensor.Randn(new[] { length, 3, 4 }, rng);
            var h0 = Tensor.Randn(new[] { 3, 5 }, rng);
            var y = Labels(3, 3, rng);
            return (d => d.Loss(x, h0, y), s => s.LossGraph.Forward(x, h0, y), s => s.LossGraph.ForwardBackward(x, h0, y));
        });
    }

    [Fact]
    public void ASequenceOfNoSteps_IsRefusedWhenTheGraphBindsItsLength()
    {
        // A loop always runs at least one step (a carry's final value is its last step's): the binding refuses T = 0.
        var x = Tensor.Zeros(3, 0, 4);
        var y = IntTensor.FromArray(new[] { 0, 1, 2 }, 3);
        var error = Assert.Throws<ArgumentException>(() => new SequenceRnnNet().LossGraph.Forward(x, y));
        Assert.True(error.Message.Contains("SequenceRnnNet.Loss: parameter 'x' has shape [3,0,4], but [Shape] declares [B,T,4]: T must be at least 1", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public void Rnn_GeneratedCode_IsOneLoop_WhateverTheLength()
    {
        foreach (var summary in new[] { new SequenceRnnNet().LossGraph.Summary, new LstmCellLoopNet().LossGraph.Summary, new GruLoopNet().LossGraph.Summary })
        {
            Assert.Contains("loop over T steps, its body", summary);
            Assert.Contains("loop over T steps in reverse, its body", summary);
        }
    }
}
