using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>The PyTorch tutorial's two-layer net (N=64, 1000 → 100 → 10) in nn style.</summary>
public partial class TwoLayerNet : Module
{
    readonly Linear fc1 = new(1000, 100);
    readonly Linear fc2 = new(100, 10);

    [Compile]
    public Tensor Loss([Shape("N", 1000)] Tensor x, [Shape("N", 10)] Tensor y) =>
        MseLoss(fc2.Forward(Relu(fc1.Forward(x))), y, Reduction.Sum);
}
