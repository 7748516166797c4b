using Kiln.Compiled;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Samples.FashionMnist;

/// <summary>
/// What the training loop needs from a Fashion-MNIST classifier in each mode: the loss and logits on the tape, and the
/// same two through the graphs the generator built from the model's <c>[Compile]</c> methods.
/// </summary>
public interface IFashionClassifier
{
    /// <summary>Cross-entropy on the tape (the [Compile] method called directly).</summary>
    Tensor Loss(Tensor x, IntTensor y);

    /// <summary>The same loss through <c>LossGraph.ForwardBackward</c>, its gradients added into the parameters' Grad.</summary>
    Tensor StaticLoss(Tensor x, IntTensor y);

    /// <summary>Class scores on the tape.</summary>
    Tensor Logits(Tensor x);

    /// <summary>Class scores through <c>LogitsGraph.Forward</c> (a result the graph owns: read it before the next call).</summary>
    Tensor StaticLogits(Tensor x);

    /// <summary>The loss's compiled graph, for its Summary and DOT.</summary>
    CompiledGraph LossGraphOf { get; }
}

/// <summary>Softmax regression: Flatten → Linear(784, 10), trained with cross-entropy on the class labels.</summary>
public partial class SoftmaxRegression : Module, IFashionClassifier
{
    readonly Sequential net;

    public SoftmaxRegression(Rng rng) => net = new Sequential(new Flatten(), new Linear(784, 10, rng: rng));

    [Compile]
    public Tensor Loss([Shape("N", 1, 28, 28)] Tensor x, [Shape("N")] IntTensor y) => CrossEntropy(net.Forward(x), y);

    // Logits are [N, 10], not a scalar loss: the generator builds Forward only (no ForwardBackward), which is all
    // evaluation needs.
    [Compile]
    public Tensor Logits([Shape("N", 1, 28, 28)] Tensor x) => net.Forward(x);

    public Tensor StaticLoss(Tensor x, IntTensor y) => LossGraph.ForwardBackward(x, y);
    public Tensor StaticLogits(Tensor x) => LogitsGraph.Forward(x);
    public CompiledGraph LossGraphOf => LossGraph;
}

/// <summary>A multilayer perceptron: Flatten → Linear(784, 256) → ReLU → Linear(256, 10), cross-entropy.</summary>
public partial class Mlp : Module, IFashionClassifier
{
    readonly Sequential net;

    public Mlp(Rng rng) => net = new Sequential(new Flatten(), new Linear(784, 256, rng: rng), new ReLU(), new Linear(256, 10, rng: rng));

    [Compile]
    public Tensor Loss([Shape("N", 1, 28, 28)] Tensor x, [Shape("N")] IntTensor y) => CrossEntropy(net.Forward(x), y);

    [Compile]
    public Tensor Logits([Shape("N", 1, 28, 28)] Tensor x) => net.Forward(x);

    public Tensor StaticLoss(Tensor x, IntTensor y) => LossGraph.ForwardBackward(x, y);
    public Tensor StaticLogits(Tensor x) => LogitsGraph.Forward(x);
    public CompiledGraph LossGraphOf => LossGraph;
}
