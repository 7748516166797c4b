using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>Linear → ReLU → Dropout → Linear whose Dropout draws from a generator the caller supplies.</summary>
public partial class TrainingDropoutNet : Module
{
    readonly Linear input = new(16, 32);
    readonly Dropout dropout;
    readonly Linear output = new(32, 4);

    public TrainingDropoutNet(Rng dropoutRng) => dropout = new Dropout(0.3f, dropoutRng);

    [Compile]
    public Tensor Loss([Shape("N", 16)] Tensor x, [Shape("N")] IntTensor y)
        => CrossEntropy(output.Forward(dropout.Forward(Relu(input.Forward(x)))), y);
}
