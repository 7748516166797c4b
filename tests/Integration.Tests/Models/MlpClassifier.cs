using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>The example: a Fashion-MNIST MLP with cross-entropy on class labels.</summary>
public partial class MlpClassifier : Module
{
    readonly Linear fc1 = new(784, 256);
    readonly Linear fc2 = new(256, 10);

    [Compile]
    public Tensor Loss([Shape("N", 784)] Tensor x, [Shape("N")] IntTensor y)
        => CrossEntropy(fc2.Forward(Relu(fc1.Forward(x))), y);
}
