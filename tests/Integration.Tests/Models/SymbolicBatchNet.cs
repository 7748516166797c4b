using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>
/// A symbolic batch N with the rest of the subset: a raw Parameter whose shape comes from [Shape], a helper method that
/// is inlined, a loop with a constant bound (unrolled), an if on a constant, named and default arguments.
/// </summary>
public partial class SymbolicBatchNet : Module
{
    const int Features = 20;
    const bool UseResidual = true;

    [Shape(Features, Features)]
    readonly Parameter mixing = Parameter.Randn(Features, Features);
    readonly Parameter scale = Parameter.Full(0.1f, 1, Features);
    readonly Linear readout = new(Features, 5);

    Tensor Block(Tensor h)
    {
        var mixed = Tanh(h.MatMul(mixing) * scale);
        if (UseResidual) mixed = mixed + h;
        return mixed;
    }

    [Compile]
    public Tensor Loss([Shape("N", Features)] Tensor x, [Shape("N", 5)] Tensor y)
    {
        var h = x;
        for (int i = 0; i < 2; i++) h = Block(h);
        var prediction = readout.Forward(h);
        return MseLoss(prediction, y, reduction: Reduction.Mean) + 0.5f * Mean(Square(prediction), dim: 1).Sum() / 64f;
    }
}
