using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Accelerators.Tests.Models;

/// <summary>
/// Linear → Dropout(p = 0.3) → mean over one row: the bias gradient is the dropout mask over the element count, so one step's
/// synced gradient shows the device's mask and whether the backward pass used the forward's.
/// </summary>
public partial class DropoutProbe : Module
{
    public readonly Linear Fc;
    readonly Dropout dropout;

    public DropoutProbe(Rng weights, Rng? dropoutRng)
    {
        Fc = new Linear(4, 4096, rng: weights);
        dropout = new Dropout(0.3f, dropoutRng);
    }

    [Compile]
    public Tensor Loss([Shape("N", 4)] Tensor x) => Mean(dropout.Forward(Fc.Forward(x)));
}
