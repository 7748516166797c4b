using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Accelerators.Tests.Models;

/// <summary>The sample's network: 64 → 32 (ReLU) → 10, cross-entropy on class labels.</summary>
public partial class DeviceMlp : Module
{
    readonly Linear fc1;
    readonly Linear fc2;

    public DeviceMlp(Rng rng)
    {
        fc1 = new Linear(64, 32, rng: rng);
        fc2 = new Linear(32, 10, rng: rng);
    }

    [Compile]
    public Tensor Loss([Shape("N", 64)] Tensor x, [Shape("N")] IntTensor y) => CrossEntropy(fc2.Forward(Relu(fc1.Forward(x))), y);
}

/// <summary>Tanh and sigmoid layers (the approximate transcendental functions on a GPU), a log-softmax and a mean.</summary>
public partial class SquashNet : Module
{
    readonly Linear fc1;
    readonly Linear fc2;

    public SquashNet(Rng rng)
    {
        fc1 = new Linear(12, 16, rng: rng);
        fc2 = new Linear(16, 5, rng: rng);
    }

    [Compile]
    public Tensor Loss([Shape("N", 12)] Tensor x, [Shape("N", 5)] Tensor target)
    {
        var h = Tanh(fc1.Forward(x)) * Sigmoid(x.Sum(1, keepDim: true));
        var logProbabilities = LogSoftmax(fc2.Forward(h), 1);
        return -Mean(Sum(target * logProbabilities, 1));
    }
}

/// <summary>
/// Convolutions with and without bias, stride 2 and padding, average pooling and an overlapping, padded max pool:
/// the device's direct convolution and pooling kernels and their gradients (input gradients through conv2).
/// </summary>
public partial class PoolNet : Module
{
    readonly Conv2d conv1;
    readonly Conv2d conv2;
    readonly Linear head;

    public PoolNet(Rng rng)
    {
        conv1 = new Conv2d(2, 3, 3, padding: 1, rng: rng);
        conv2 = new Conv2d(3, 4, 3, stride: 2, padding: 1, bias: false, rng: rng);
        head = new Linear(4 * 2 * 2, 3, rng: rng);
    }

    [Compile]
    public Tensor Loss([Shape("N", 2, 8, 8)] Tensor x, [Shape("N")] IntTensor y)
    {
        var h = AvgPool2d(Relu(conv1.Forward(x)), 2);
        var g = MaxPool2d(Tanh(conv2.Forward(h)), 3, stride: 1, padding: 1);
        return CrossEntropy(head.Forward(AvgPool2d(g, 1, stride: 1).Flatten(startDim: 1)), y);
    }
}
