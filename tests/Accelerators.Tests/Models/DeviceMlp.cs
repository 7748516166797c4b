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
