using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>Linear → BatchNorm1d → ReLU → Linear: batch statistics and running-stat updates in training, running stats in eval.</summary>
public partial class BatchNormNet : Module
{
    readonly Linear input = new(10, 16);
    readonly BatchNorm1d norm = new(16);
    readonly Linear output = new(16, 3);

    [Compile]
    public Tensor Loss([Shape("N", 10)] Tensor x, [Shape("N")] IntTensor y) =>
        CrossEntropy(output.Forward(Relu(norm.Forward(input.Forward(x)))), y);
}
