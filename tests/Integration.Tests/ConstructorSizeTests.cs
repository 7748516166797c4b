using Kiln.Integration.Tests.Models;
using Kiln.Optim;

namespace Kiln.Integration.Tests;

/// <summary>
/// Module sizes from constructor arguments (issue 10, item 1): the tutorials' models compile as written, match the
/// tape, serve instances of different sizes from one generated class, and a size that contradicts another fails at
/// the first call naming the module and both shapes.
/// </summary>
public sealed class ConstructorSizeTests
{
    static Tensor Randn(Rng rng, params int[] shape) => Tensor.Randn(shape, rng);

    static IntTensor Labels(int count, int classes, Rng rng) =>
        IntTensor.FromArray(Enumerable.Range(0, count).Select(_ => rng.NextInt(0, classes)).ToArray(), count);

    [Theory]
    [InlineData(3)]
    [InlineData(13)]
    public void LinearRegression_WithTheFeatureCountFromTheConstructor_MatchesTheTape(int features)
    {
        var rng = new Rng(40);
        var x = Randn(rng, 16, features);
        var y = Randn(rng, 16, 1);
        StaticDynamicParityTests.AssertParity(() => new SizedLinearRegression(features, new Rng(41)),
            m => m.Loss(x, y), m => m.LossGraph.Forward(x, y), m => m.LossGraph.ForwardBackward(x, y), p => new Sgd(p, lr: 0.03f));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(4)]
    public void SoftmaxRegression_WithTheClassCountFromTheConstructor_MatchesTheTape(int classes)
    {
        var rng = new Rng(42);
        var x = Randn(rng, 9, 1, 8, 8);
        var y = Labels(9, classes, rng);
        StaticDynamicParityTests.AssertParity(() => new SizedSoftmaxRegression(64, classes, new Rng(43)),
            m => m.Loss(x, y), m => m.LossGraph.Forward(x, y), m => m.LossGraph.ForwardBackward(x, y), p => new Sgd(p, lr: 0.1f));
    }

    [Fact]
    public void TwoLayerNet_TwoInstancesOfDifferentSizes_EachMatchTheTape()
    {
        var rng = new Rng(44);
        var x = Randn(rng, 7, 12);
        foreach (var (hidden, outputs) in new[] { (5, 2), (16, 3) })
        {
            var y = Randn(rng, 7, outputs);
            var (_, trained) = StaticDynamicParityTests.AssertParity(() => new SizedTwoLayerNet(12, hidden, outputs, new Rng(45)),
                m => m.Loss(x, y), m => m.LossGraph.Forward(x, y), m => m.LossGraph.ForwardBackward(x, y), p => new Sgd(p, lr: 0.01f));
            // The hidden size is a symbol of the graph, planned per binding like the batch dimension.
            Assert.Contains($"hiddenSize={hidden}", trained.LossGraph.Summary);
        }
    }

    [Fact]
    public void Mlp_WithSizesInFieldsSetFromTheConstructor_MatchesTheTape()
    {
        var rng = new Rng(46);
        var x = Randn(rng, 8, 6);
        var y = Labels(8, 3, rng);
        StaticDynamicParityTests.AssertParity(() => new SizedMlp(6, 10, 10, 3, new Rng(47)),
            m => m.Loss(x, y), m => m.LossGraph.Forward(x, y), m => m.LossGraph.ForwardBackward(x, y), p => new Sgd(p, lr: 0.1f));
    }

    [Fact]
    public void SizesThatContradictEachOther_FailAtTheFirstCall_NamingTheModuleAndBothShapes()
    {
        var rng = new Rng(48);
        var x = Randn(rng, 8, 6);
        var y = Labels(8, 3, rng);
        var model = new SizedMlp(6, 10, 7, 3, new Rng(49));
        var error = Assert.Throws<ArgumentException>(() => model.LossGraph.ForwardBackward(x, y));
        Assert.Contains("parameter 'fc2.weight' of module 'fc2' has shape [3,7], but the compiled graph expects [classes,hidden1]", error.Message);
        Assert.Contains("hidden1 = 10 from 'fc1.weight'", error.Message);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    public void SizesHeldInFields_AndReadByTheMethod_MatchTheTape(int hidden)
    {
        var rng = new Rng(52);
        var x = Randn(rng, 6, 5);
        var (_, trained) = StaticDynamicParityTests.AssertParity(() => new FieldSizedNet(5, hidden, new Rng(53)),
            m => m.Loss(x), m => m.LossGraph.Forward(x), m => m.LossGraph.ForwardBackward(x), p => new Sgd(p, lr: 0.05f));
        Assert.Contains($"hiddenSize={hidden}", trained.LossGraph.Summary);
    }

    [Fact]
    public void AFieldThatContradictsTheParametersShapes_FailsAtTheFirstCall_NamingBoth()
    {
        var x = Randn(new Rng(54), 3, 5);
        StaticDynamicParityTests.AssertClose(new ExpressionSizedNet(4, 0, new Rng(55)).Loss(x).Item(),
            new ExpressionSizedNet(4, 0, new Rng(55)).LossGraph.Forward(x).Item(), "agreeing sizes");
        var error = Assert.Throws<InvalidOperationException>(() => new ExpressionSizedNet(4, 2, new Rng(55)).LossGraph.Forward(x));
        Assert.Contains("'numHiddens' is 4, but the shapes bind fc_outFeatures = 6 (from 'fc.weight')", error.Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    public void ModuleSizePropertiesReadByTheMethod_MatchTheTape(int hidden)
    {
        var x = Randn(new Rng(56), 4, 5);
        var (_, trained) = StaticDynamicParityTests.AssertParity(() => new ModulePropertyNet(hidden, new Rng(57)),
            m => m.Loss(x), m => m.LossGraph.Forward(x), m => m.LossGraph.ForwardBackward(x), p => new Sgd(p, lr: 0.05f));
        Assert.Contains($"hidden={hidden}", trained.LossGraph.Summary);
    }

    static IntTensor Tokens(Rng rng, int batch, int length, int vocab) =>
        IntTensor.FromArray(Enumerable.Range(0, batch * length).Select(_ => rng.NextInt(0, vocab)).ToArray(), batch, length);

    [Fact]
    public void RnnClassifier_WithEmbeddingRnnAndHeadSizedByTheConstructor_TwoInstancesOfDifferentSizes_EachMatchTheTape()
    {
        var rng = new Rng(60);
        foreach (var (vocab, embed, hidden, classes, length) in new[] { (11, 4, 6, 3, 5), (7, 9, 3, 5, 1) })
        {
            var tokens = Tokens(rng, 6, length, vocab);
            var y = Labels(6, classes, rng);
            var (_, trained) = StaticDynamicParityTests.AssertParity(() => new SizedRnnClassifier(vocab, embed, hidden, classes, new Rng(61)),
                m => m.Loss(tokens, y), m => m.LossGraph.Forward(tokens, y), m => m.LossGraph.ForwardBackward(tokens, y), p => new Sgd(p, lr: 0.1f));
            // The sizes are symbols of the graph, bound from the parameters' shapes: one generated class serves both instances.
            Assert.Contains($"hidden={hidden}", trained.LossGraph.Summary);
            Assert.Contains($"embed={embed}", trained.LossGraph.Summary);
        }
    }

    [Fact]
    public void LstmCellLoop_WithSizesFromTheConstructor_TwoInstancesOfDifferentSizes_EachMatchTheTape()
    {
        var rng = new Rng(62);
        foreach (var (features, hidden, length) in new[] { (5, 6, 4), (3, 2, 1) })
        {
            var x = Randn(rng, 4, length, features);
            var h0 = Randn(rng, 4, hidden);
            var c0 = Randn(rng, 4, hidden);
            var y = Labels(4, 3, rng);
            var (_, trained) = StaticDynamicParityTests.AssertParity(() => new SizedLstmCellLoopNet(features, hidden, new Rng(63)),
                m => m.Loss(x, h0, c0, y), m => m.LossGraph.Forward(x, h0, c0, y), m => m.LossGraph.ForwardBackward(x, h0, c0, y),
                p => new Sgd(p, lr: 0.1f));
            Assert.Contains($"H={hidden}", trained.LossGraph.Summary);
        }
    }

    [Fact]
    public void AnLstmCellSmallerThanTheStateItIsGiven_FailsAtTheFirstCall_NamingItsGateRowsAsFourTimesTheHiddenSize()
    {
        var rng = new Rng(64);
        var x = Randn(rng, 4, 2, 3);
        var state = Randn(rng, 4, 3);
        var error = Assert.Throws<ArgumentException>(() => new SizedLstmCellLoopNet(3, 2, new Rng(65)).LossGraph.Forward(x, state, state, Labels(4, 3, rng)));
        Assert.Contains("parameter 'cell.weight_ih' of module 'cell' has shape [8,3], but the compiled graph expects [H*4,F]", error.Message);
        Assert.Contains("H = 3 from 'h0'", error.Message);
    }
}
