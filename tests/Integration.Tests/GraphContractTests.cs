using Kiln.Integration.Tests.Models;
using Kiln.Tests.Shared;

namespace Kiln.Integration.Tests;

/// <summary>The generated graph's contract beyond its numbers: no allocation in steady state, clear shape errors.</summary>
public sealed class GraphContractTests
{
    [Fact]
    public void SteadyStateForwardBackward_AllocatesNothing()
    {
        var model = new MlpClassifier();
        var rng = new Rng(11);
        var x = Tensor.Randn(new[] { 64, 784 }, rng);
        var y = IntTensor.FromArray(Enumerable.Range(0, 64).Select(i => i % 10).ToArray(), 64);
        var graph = model.LossGraph;
        // The warm-up covers the first calls, which plan the arena and create each Grad.
        Assert.Equal(0, SteadyState.AllocatedBytes(() => graph.ForwardBackward(x, y)));
    }

    [Fact]
    public void SteadyStateForward_AllocatesNothing()
    {
        var model = new TwoLayerNet();
        var rng = new Rng(12);
        var x = Tensor.Randn(new[] { 64, 1000 }, rng);
        var y = Tensor.Randn(new[] { 64, 10 }, rng);
        var graph = model.LossGraph;
        Assert.Equal(0, SteadyState.AllocatedBytes(() => graph.Forward(x, y)));
    }

    [Fact]
    public void WrongInputShape_ThrowsWithTheParameterNameAndBothShapes()
    {
        var model = new MlpClassifier();
        var x = Tensor.Zeros(8, 783);
        var y = IntTensor.FromArray(new int[8], 8);

        var error = Assert.ThrowsAny<ArgumentException>(() => model.LossGraph.ForwardBackward(x, y));

        Assert.Equal("x", error.ParamName);
        Assert.Contains("[8,783]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[N,784]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DisagreeingSymbolicDimensions_ThrowWithTheParameterNameAndBothShapes()
    {
        var model = new MlpClassifier();
        var x = Tensor.Zeros(8, 784);
        var y = IntTensor.FromArray(new int[5], 5);

        var error = Assert.ThrowsAny<ArgumentException>(() => model.LossGraph.Forward(x, y));

        Assert.Equal("y", error.ParamName);
        Assert.Contains("[5]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[N]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SummaryAndDot_DescribeTheCompiledGraph()
    {
        var graph = new TwoLayerNet().LossGraph;
        Assert.Contains("Loss", graph.Summary, StringComparison.Ordinal);
        Assert.StartsWith("digraph", graph.ToDot().TrimStart(), StringComparison.Ordinal);
    }
}
