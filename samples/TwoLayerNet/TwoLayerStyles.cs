using Kiln.Compiled;
using Kiln.Nn;
using Kiln.Optim;
using static Kiln.Ops;

namespace Kiln.Samples.TwoLayer;

/// <summary>One way of writing the training loop, as the tutorial presents them in turn.</summary>
public sealed record TwoLayerStyle(string Name, string Description, Func<int, Action<int, float>?, StyleRun> Train);

/// <summary>What a style's training produced: the loss before each step, the trained parameters, and the compiled
/// graph for the static style.</summary>
public sealed record StyleRun(IReadOnlyList<float> Losses, IReadOnlyList<Tensor> Parameters, CompiledGraph? Graph = null);

/// <summary>
/// "Learning PyTorch with Examples": a two-layer ReLU net fitting random data (N = 64, D_in = 1000, H = 100,
/// D_out = 10) with a sum-of-squares loss, written in each of the tutorial's dynamic styles, and once more as a static
/// graph that the generator built at build time. Every style seeds its own generator, so each run is reproducible;
/// losses are recorded before that step's update, as the tutorial prints them.
/// </summary>
public static class TwoLayerStyles
{
    public const int BatchSize = 64, InputSize = 1000, HiddenSize = 100, OutputSize = 10;

    /// <summary>How many steps the sample trains each style.</summary>
    public const int Steps = 500;

    public static readonly TwoLayerStyle[] All =
    {
        new("tensors", "tensors, hand-written backward, lr 1e-6", TensorsManual),
        new("autograd", "autograd, lr 1e-6", Autograd_),
        new("myrelu", "autograd with a custom MyReLU Function, lr 1e-6", CustomFunction),
        new("nn", "nn.Sequential, manual update, lr 1e-4", NnManualUpdate),
        new("adam", "nn.Sequential + Adam, lr 1e-4", NnAdam),
        new("module", "custom Module TwoLayerNet + SGD, lr 1e-4", CustomModule),
        new("dynamic", "DynamicNet (middle layer reused 0-3 times) + SGD lr 1e-4, momentum 0.9", DynamicNetSgd),
        new("static", "the nn model as a [Compile] Module: LossGraph.ForwardBackward, manual update, lr 1e-4", StaticGraph),
    };

    /// <summary>The tutorial's random inputs [N, D_in] and targets [N, D_out], each style's first draws from its Rng.</summary>
    public static (Tensor X, Tensor Y) RandomData(Rng rng) =>
        (Tensor.Randn(new[] { BatchSize, InputSize }, rng), Tensor.Randn(new[] { BatchSize, OutputSize }, rng));

    /// <summary>Forward and backward by hand with tensor ops; nothing is recorded on the tape.</summary>
    public static StyleRun TensorsManual(int steps, Action<int, float>? report)
    {
        var rng = new Rng(0);
        var (x, y) = RandomData(rng);
        var w1 = Tensor.Randn(new[] { InputSize, HiddenSize }, rng);
        var w2 = Tensor.Randn(new[] { HiddenSize, OutputSize }, rng);
        const float learningRate = 1e-6f;
        var losses = new List<float>(steps);
        for (int t = 0; t < steps; t++)
        {
            var h = x.MatMul(w1);
            var hRelu = h.Clamp(min: 0f);
            var yPred = hRelu.MatMul(w2);
            var loss = (yPred - y).Square().Sum().Item();
            Record(losses, t, loss, report);

            var gradYPred = (yPred - y) * 2f;
            var gradW2 = hRelu.T().MatMul(gradYPred);
            var gradHRelu = gradYPred.MatMul(w2.T());
            var gradH = gradHRelu * GreaterThan(h, 0f);
            var gradW1 = x.T().MatMul(gradH);
            w1.SubInPlace(gradW1 * learningRate);
            w2.SubInPlace(gradW2 * learningRate);
        }
        return new StyleRun(losses, new[] { w1, w2 });
    }

    /// <summary>The same net with the tape computing the gradients.</summary>
    static StyleRun Autograd_(int steps, Action<int, float>? report) =>
        AutogradLoop(steps, report, h => h.Clamp(min: 0f));

    /// <summary>The autograd loop with the ReLU replaced by the user-defined <see cref="MyReLU"/>.</summary>
    public static StyleRun CustomFunction(int steps, Action<int, float>? report)
    {
        var relu = new MyReLU();
        return AutogradLoop(steps, report, h => relu.Apply(h));
    }

    public static StyleRun AutogradLoop(int steps, Action<int, float>? report, Func<Tensor, Tensor> activation)
    {
        var rng = new Rng(0);
        var (x, y) = RandomData(rng);
        var w1 = Tensor.Randn(new[] { InputSize, HiddenSize }, rng);
        var w2 = Tensor.Randn(new[] { HiddenSize, OutputSize }, rng);
        w1.RequiresGrad = true;
        w2.RequiresGrad = true;
        const float learningRate = 1e-6f;
        var losses = new List<float>(steps);
        for (int t = 0; t < steps; t++)
        {
            var yPred = activation(x.MatMul(w1)).MatMul(w2);
            var loss = (yPred - y).Square().Sum();
            Record(losses, t, loss.Item(), report);
            loss.Backward();
            using (Autograd.NoGrad())
            {
                w1.SubInPlace(w1.Grad! * learningRate);
                w2.SubInPlace(w2.Grad! * learningRate);
                w1.Grad = null;
                w2.Grad = null;
            }
        }
        return new StyleRun(losses, new[] { w1, w2 });
    }

    static Sequential SequentialModel(Rng rng) => new(
        new Linear(InputSize, HiddenSize, rng: rng),
        new ReLU(),
        new Linear(HiddenSize, OutputSize, rng: rng));

    /// <summary>nn.Sequential and MSELoss(reduction='sum'), parameters updated by hand.</summary>
    public static StyleRun NnManualUpdate(int steps, Action<int, float>? report)
    {
        var rng = new Rng(0);
        var (x, y) = RandomData(rng);
        var model = SequentialModel(rng);
        var losses = new List<float>(steps);
        for (int t = 0; t < steps; t++)
        {
            var loss = MseLoss(model.Forward(x), y, Reduction.Sum);
            Record(losses, t, loss.Item(), report);
            model.ZeroGrad();
            loss.Backward();
            UpdateByHand(model, NnLearningRate);
        }
        return new StyleRun(losses, model.Parameters().ToList());
    }

    const float NnLearningRate = 1e-4f;

    static void UpdateByHand(Module model, float learningRate)
    {
        using (Autograd.NoGrad())
            foreach (var parameter in model.Parameters())
                parameter.SubInPlace(parameter.Grad! * learningRate);
    }

    /// <summary>
    /// The nn style run through the static graph: the same model and initial weights (built from the same seed) and the
    /// same update by hand, but each step is one call of the generated LossGraph.ForwardBackward, which runs the fused
    /// forward and backward kernels in a preplanned arena and accumulates into each parameter's Grad. No tape is built.
    /// </summary>
    public static StyleRun StaticGraph(int steps, Action<int, float>? report)
    {
        var rng = new Rng(0);
        var (x, y) = RandomData(rng);
        var model = new StaticTwoLayerNet(InputSize, HiddenSize, OutputSize, rng);
        var graph = model.LossGraph;
        var losses = new List<float>(steps);
        for (int t = 0; t < steps; t++)
        {
            // ForwardBackward adds into the gradients, so they are cleared first, as before a tape backward.
            model.ZeroGrad();
            // The returned loss tensor belongs to the graph and is overwritten by its next call; Item() reads it now.
            Record(losses, t, graph.ForwardBackward(x, y).Item(), report);
            UpdateByHand(model, NnLearningRate);
        }
        return new StyleRun(losses, model.Parameters().ToList(), graph);
    }

    public static StyleRun NnAdam(int steps, Action<int, float>? report)
    {
        var rng = new Rng(0);
        var (x, y) = RandomData(rng);
        var model = SequentialModel(rng);
        return OptimizerLoop(steps, report, x, y, model.Forward, new Adam(model.Parameters(), lr: 1e-4f));
    }

    public static StyleRun CustomModule(int steps, Action<int, float>? report)
    {
        var rng = new Rng(0);
        var (x, y) = RandomData(rng);
        var model = new TwoLayerNet(InputSize, HiddenSize, OutputSize, rng);
        return OptimizerLoop(steps, report, x, y, model.Forward, new Sgd(model.Parameters(), lr: 1e-4f));
    }

    public static StyleRun DynamicNetSgd(int steps, Action<int, float>? report)
    {
        var rng = new Rng(0);
        var (x, y) = RandomData(rng);
        var model = new DynamicNet(InputSize, HiddenSize, OutputSize, rng, depthRng: new Rng(0));
        return OptimizerLoop(steps, report, x, y, model.Forward, new Sgd(model.Parameters(), lr: 1e-4f, momentum: 0.9f));
    }

    static StyleRun OptimizerLoop(int steps, Action<int, float>? report, Tensor x, Tensor y, Func<Tensor, Tensor> forward, Optimizer optimizer)
    {
        var losses = new List<float>(steps);
        for (int t = 0; t < steps; t++)
        {
            var loss = MseLoss(forward(x), y, Reduction.Sum);
            Record(losses, t, loss.Item(), report);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
        }
        return new StyleRun(losses, optimizer.Parameters);
    }

    static void Record(List<float> losses, int step, float loss, Action<int, float>? report)
    {
        losses.Add(loss);
        report?.Invoke(step, loss);
    }
}
