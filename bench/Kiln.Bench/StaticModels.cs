using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Bench.Models;

// The models the static rows time. Each [Compile] method is both the dynamic step's forward (called directly, it runs
// the eager ops and records the tape) and, through the generator, the static graph (`LossGraph`), so both modes run
// exactly the same model.

/// <summary>The PyTorch tutorial's two-layer net in nn style (N=64, 1000 → 100 → 10), loss = sum of squares.</summary>
public partial class TwoLayerNet : Module
{
    readonly Linear fc1 = new(1000, 100);
    readonly Linear fc2 = new(100, 10);

    [Compile]
    public Tensor Loss([Shape("N", 1000)] Tensor x, [Shape("N", 10)] Tensor y) =>
        MseLoss(fc2.Forward(Relu(fc1.Forward(x))), y, Reduction.Sum);
}

/// <summary>The Fashion-MNIST MLP: 784 → 256 → 10 with ReLU and cross-entropy on class labels.</summary>
public partial class FashionMlp : Module
{
    readonly Linear fc1 = new(784, 256);
    readonly Linear fc2 = new(256, 10);

    [Compile]
    public Tensor Loss([Shape("N", 784)] Tensor x, [Shape("N")] IntTensor y) =>
        CrossEntropy(fc2.Forward(Relu(fc1.Forward(x))), y);
}

/// <summary>d2l's concise linear regression (RESULTS.md W1): Linear(2, 1) and the mean squared error.</summary>
public partial class LinearRegressionNet : Module
{
    readonly Linear linear = new(2, 1);

    [Compile]
    public Tensor Loss([Shape("N", 2)] Tensor x, [Shape("N", 1)] Tensor y) => MseLoss(linear.Forward(x), y);
}

/// <summary>d2l's concise softmax regression (RESULTS.md W3): Linear(784, 10) and cross-entropy.</summary>
public partial class SoftmaxRegression : Module
{
    readonly Linear linear = new(784, 10);

    [Compile]
    public Tensor Loss([Shape("N", 784)] Tensor x, [Shape("N")] IntTensor y) => CrossEntropy(linear.Forward(x), y);
}

/// <summary>The small CNN of RESULTS.md W6 on 28×28 single-channel images.</summary>
public partial class SmallCnn : Module
{
    readonly Sequential features = new(
        new Conv2d(1, 8, 3, padding: 1),
        new ReLU(),
        new MaxPool2d(2),
        new Conv2d(8, 16, 3, padding: 1),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten());
    readonly Linear classifier = new(16 * 7 * 7, 10);

    [Compile]
    public Tensor Loss([Shape("N", 1, 28, 28)] Tensor images, [Shape("N")] IntTensor labels) =>
        CrossEntropy(classifier.Forward(features.Forward(images)), labels);
}
