using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.DeviceBench;

/// <summary>The tutorial's two-layer net: 1000 → 100 (ReLU) → 10, summed squared error.</summary>
public partial class TwoLayerNet : Module
{
    readonly Linear fc1;
    readonly Linear fc2;

    public TwoLayerNet(Rng rng)
    {
        fc1 = new Linear(1000, 100, rng: rng);
        fc2 = new Linear(100, 10, rng: rng);
    }

    [Compile]
    public Tensor Loss([Shape("N", 1000)] Tensor x, [Shape("N", 10)] Tensor y) => MseLoss(fc2.Forward(Relu(fc1.Forward(x))), y, Reduction.Sum);
}

/// <summary>The Fashion-MNIST MLP: 784 → 256 (ReLU) → 10, cross-entropy.</summary>
public partial class FashionMlp : Module
{
    readonly Linear fc1;
    readonly Linear fc2;

    public FashionMlp(Rng rng)
    {
        fc1 = new Linear(784, 256, rng: rng);
        fc2 = new Linear(256, 10, rng: rng);
    }

    [Compile]
    public Tensor Loss([Shape("N", 784)] Tensor x, [Shape("N")] IntTensor y) => CrossEntropy(fc2.Forward(Relu(fc1.Forward(x))), y);
}

/// <summary>samples/Cnn's network: two 3×3 convolutions with pools, then Linear(784, 10).</summary>
public partial class SmallCnn : Module
{
    readonly Sequential net;

    public SmallCnn(Rng rng) => net = new Sequential(
        new Conv2d(1, 8, 3, padding: 1, rng: rng), new ReLU(), new MaxPool2d(2),
        new Conv2d(8, 16, 3, padding: 1, rng: rng), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(16 * 7 * 7, 10, rng: rng));

    [Compile]
    public Tensor Loss([Shape("N", 1, 28, 28)] Tensor images, [Shape("N")] IntTensor labels) => CrossEntropy(net.Forward(images), labels);
}
