using Kiln.Integration.Tests.Models;
using Kiln.Nn;
using Kiln.Optim;

namespace Kiln.Integration.Tests;

/// <summary>
/// Static ≡ dynamic: for every seed model, two copies from the same initial weights train side by side for several
/// optimizer steps, one on the eager tape (Loss + Backward), one through the generated graph (Forward, then
/// ForwardBackward). At every step the losses and every parameter gradient agree within 1e-4 relative.
/// </summary>
public sealed class StaticDynamicParityTests
{
    const float RelativeTolerance = 1e-4f;
    const int Steps = 4;

    static Tensor Randn(Rng rng, params int[] shape) => Tensor.Randn(shape, rng);

    static IntTensor Labels(int count, int classes, Rng rng) =>
        IntTensor.FromArray(Enumerable.Range(0, count).Select(_ => rng.NextInt(0, classes)).ToArray(), count);

    /// <param name="staticForward">The static Forward to compare too, or null for a model whose forward changes state
    /// (training-mode BatchNorm statistics, Dropout's generator): calling it as well would advance the static side twice.</param>
    /// <param name="compareState">Also compare the whole state dict (parameters and buffers such as running statistics)
    /// after each step's forward.</param>
    /// <returns>The two models after the last step, for checks that follow training (eval mode, say).</returns>
    internal static (TModel Dynamic, TModel Static) AssertParity<TModel>(
        Func<TModel> create,
        Func<TModel, Tensor> dynamicLoss,
        Func<TModel, Tensor>? staticForward,
        Func<TModel, Tensor> staticForwardBackward,
        Func<IEnumerable<Tensor>, Optimizer> optimizer,
        Action<TModel>? prepare = null,
        int steps = Steps,
        bool compareState = false)
        where TModel : Module
    {
        var dynamicModel = create();
        var staticModel = create();
        staticModel.LoadStateDict(dynamicModel.StateDict());
        prepare?.Invoke(dynamicModel);
        prepare?.Invoke(staticModel);
        var dynamicOptimizer = optimizer(dynamicModel.Parameters());
        var staticOptimizer = optimizer(staticModel.Parameters());

        for (int step = 0; step < steps; step++)
        {
            dynamicOptimizer.ZeroGrad();
            var loss = dynamicLoss(dynamicModel);
            loss.Backward();

            staticOptimizer.ZeroGrad();
            if (staticForward is not null) AssertClose(loss.Item(), staticForward(staticModel).Item(), $"step {step}: Forward");
            AssertClose(loss.Item(), staticForwardBackward(staticModel).Item(), $"step {step}: ForwardBackward's loss");

            if (compareState)
            {
                var staticState = staticModel.StateDict();
                foreach (var (name, value) in dynamicModel.StateDict())
                    AssertClose(value, staticState[name], $"step {step}: {name}");
            }

            var staticParameters = staticModel.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
            foreach (var (name, parameter) in dynamicModel.NamedParameters())
            {
                if (!parameter.RequiresGrad)
                {
                    // Frozen: the tape gives it no gradient, and the graph must leave its Grad alone too.
                    Assert.Null(parameter.Grad);
                    Assert.Null(staticParameters[name].Grad);
                    continue;
                }
                var expected = parameter.Grad ?? throw new InvalidOperationException($"the tape gave {name} no gradient");
                var actual = staticParameters[name].Grad ?? throw new Xunit.Sdk.XunitException($"step {step}: the graph gave {name} no gradient");
                AssertClose(expected, actual, $"step {step}: gradient of {name}");
            }

            dynamicOptimizer.Step();
            staticOptimizer.Step();
        }
        return (dynamicModel, staticModel);
    }

    internal static void AssertClose(float expected, float actual, string what)
    {
        float tolerance = RelativeTolerance * Math.Max(Math.Abs(expected), 1e-3f);
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: tape {expected:R}, graph {actual:R}");
    }

    /// <summary>Elementwise, relative to the tensor's largest magnitude: single elements near zero cannot be compared
    /// relative to themselves after a different (but equally valid) float summation order.</summary>
    internal static void AssertClose(Tensor expected, Tensor actual, string what, float minimumScale = 1e-3f)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToArray();
        var a = actual.ToArray();
        float scale = Math.Max(e.Max(Math.Abs), minimumScale);
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= RelativeTolerance * scale, $"{what}: element {i}: tape {e[i]:R}, graph {a[i]:R} (scale {scale:R})");
    }

    [Fact]
    public void LinearRegression_MatchesTheTape()
    {
        var rng = new Rng(1);
        var x = Randn(rng, 32, 13);
        var y = Randn(rng, 32, 1);
        AssertParity(() => new LinearRegression(), m => m.Loss(x, y), m => m.LossGraph.Forward(x, y), m => m.LossGraph.ForwardBackward(x, y),
            p => new Sgd(p, lr: 0.05f, momentum: 0.9f));
    }

    [Fact]
    public void TwoLayerNet_MatchesTheTape()
    {
        var rng = new Rng(2);
        var x = Randn(rng, 64, 1000);
        var y = Randn(rng, 64, 10);
        AssertParity(() => new TwoLayerNet(), m => m.Loss(x, y), m => m.LossGraph.Forward(x, y), m => m.LossGraph.ForwardBackward(x, y),
            p => new Sgd(p, lr: 1e-4f));
    }

    [Fact]
    public void TwoLayerNetWithRawParameters_MatchesTheTape()
    {
        var rng = new Rng(3);
        var x = Randn(rng, 64, 1000);
        var y = Randn(rng, 64, 10);
        AssertParity(() => new TwoLayerNetRaw(), m => m.Loss(x, y), m => m.LossGraph.Forward(x, y), m => m.LossGraph.ForwardBackward(x, y),
            p => new Sgd(p, lr: 1e-7f));
    }

    [Fact]
    public void SoftmaxRegression_MatchesTheTape()
    {
        var rng = new Rng(4);
        var x = Randn(rng, 16, 784);
        var labels = Labels(16, 10, rng).ToArray();
        var target = Tensor.Zeros(16, 10);
        for (int i = 0; i < 16; i++) target[i, labels[i]] = 1f;
        AssertParity(() => new SoftmaxRegression(), m => m.Loss(x, target), m => m.LossGraph.Forward(x, target), m => m.LossGraph.ForwardBackward(x, target),
            p => new Adam(p, lr: 1e-2f));
    }

    [Fact]
    public void MlpClassifier_MatchesTheTape()
    {
        var rng = new Rng(5);
        var x = Randn(rng, 32, 784);
        var y = Labels(32, 10, rng);
        AssertParity(() => new MlpClassifier(), m => m.Loss(x, y), m => m.LossGraph.Forward(x, y), m => m.LossGraph.ForwardBackward(x, y),
            p => new Adam(p, lr: 1e-3f));
    }

    [Fact]
    public void RnnClassifier_MatchesTheTape()
    {
        var rng = new Rng(6);
        var x = Randn(rng, 12, 5, 8);
        var y = Labels(12, 4, rng);
        AssertParity(() => new RnnClassifier(), m => m.Loss(x, y), m => m.LossGraph.Forward(x, y), m => m.LossGraph.ForwardBackward(x, y),
            p => new Sgd(p, lr: 0.1f, momentum: 0.5f));
    }

    [Fact]
    public void UnbiasedRnnNet_MatchesTheTape()
    {
        var rng = new Rng(16);
        var x = Randn(rng, 4, 7, 5);
        var h0 = Randn(rng, 2, 7, 6);
        var y = Labels(7, 3, rng);
        Assert.DoesNotContain(new UnbiasedRnnNet().NamedParameters(), p => p.Name.StartsWith("rnn.bias", StringComparison.Ordinal));
        AssertParity(() => new UnbiasedRnnNet(), m => m.Loss(x, h0, y), m => m.LossGraph.Forward(x, h0, y), m => m.LossGraph.ForwardBackward(x, h0, y),
            p => new Sgd(p, lr: 0.1f, momentum: 0.5f));
    }

    [Fact]
    public void ChunkedFeaturesNet_MatchesTheTape_ForSeveralBatchSizes()
    {
        var rng = new Rng(17);
        foreach (int n in new[] { 1, 2, 9 })
        {
            var x = Randn(rng, n, 7);
            AssertParity(() => new ChunkedFeaturesNet(), m => m.Loss(x), m => m.LossGraph.Forward(x), m => m.LossGraph.ForwardBackward(x),
                p => new Sgd(p, lr: 0.1f));
        }
    }

    [Fact]
    public void SymbolicBatchNet_MatchesTheTape_ForSeveralBatchSizes()
    {
        foreach (int n in new[] { 3, 17, 64 })
        {
            var rng = new Rng(7 + n);
            var x = Randn(rng, n, 20);
            var y = Randn(rng, n, 5);
            AssertParity(() => new SymbolicBatchNet(), m => m.Loss(x, y), m => m.LossGraph.Forward(x, y), m => m.LossGraph.ForwardBackward(x, y),
                p => new Adam(p, lr: 1e-2f));
        }
    }

    [Fact]
    public void OpsZoo_MatchesTheTape()
    {
        var rng = new Rng(15);
        var x = Randn(rng, 9, 6);
        var t = Randn(rng, 9, 4);
        AssertParity(() => new OpsZoo(), m => m.Loss(x, t), m => m.LossGraph.Forward(x, t), m => m.LossGraph.ForwardBackward(x, t),
            p => new Sgd(p, lr: 1e-2f));
    }

    /// <summary>The vector forms of tanh, sigmoid, exp, log and pow (saturated and small pre-activations, vector loop and tail) against TensorPrimitives on the tape.</summary>
    [Fact]
    public void ActivationNet_MatchesTheTape()
    {
        var rng = new Rng(16);
        var x = Randn(rng, 11, 13);
        AssertParity(() => new ActivationNet(), m => m.Loss(x), m => m.LossGraph.Forward(x), m => m.LossGraph.ForwardBackward(x),
            p => new Sgd(p, lr: 1e-2f));
    }

    /// <summary>LeakyRelu, Gelu (exact and tanh), Softplus (both sides of its threshold) and Elu, as modules and as Ops calls.</summary>
    [Fact]
    public void RectifierNet_MatchesTheTape()
    {
        var rng = new Rng(17);
        var x = Randn(rng, 11, 13);
        var t = Randn(rng, 11, 3);
        AssertParity(() => new RectifierNet(), m => m.Loss(x, t), m => m.LossGraph.Forward(x, t), m => m.LossGraph.ForwardBackward(x, t),
            p => new Sgd(p, lr: 1e-2f));
    }
}
