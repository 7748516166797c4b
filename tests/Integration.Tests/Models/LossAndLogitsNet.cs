using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>A classifier returning its loss and its logits from one graph: (Tensor Loss, Tensor Logits).</summary>
public partial class LossAndLogitsNet : Module
{
    readonly Linear fc1 = new(6, 8);
    readonly Linear fc2 = new(8, 3);

    [Compile]
    public (Tensor Loss, Tensor Logits) Step([Shape("N", 6)] Tensor x, [Shape("N")] IntTensor y)
    {
        var logits = fc2.Forward(Relu(fc1.Forward(x)));
        return (CrossEntropy(logits, y), logits);
    }
}
