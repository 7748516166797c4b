using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>Linear → LayerNorm → ReLU → Dropout → Linear; Dropout follows the module's Training flag at call time.</summary>
public partial class NormDropoutNet : Module
{
    readonly Linear input = new(32, 64);
    readonly LayerNorm norm = new(64);
    readonly Dropout dropout = new(0.25f);
    readonly Linear output = new(64, 3);

    [Compile]
    public Tensor Loss([Shape("N", 32)] Tensor x, [Shape("N")] IntTensor y)
    {
        var hidden = dropout.Forward(Relu(norm.Forward(input.Forward(x))));
        return CrossEntropy(output.Forward(hidden), y);
    }
}
