using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Samples.AdamByHand;

/// <summary>
/// Linear(2, 2, no bias) → Sigmoid → mean squared error on one example. Called directly, <see cref="Loss"/> runs on
/// the tape; the generator also builds <c>LossGraph</c> from it (a 1-D input goes through Linear as one row).
/// </summary>
public partial class TinyNet : Module
{
    readonly Linear linear = new(2, 2, bias: false);

    /// <summary>PyTorch's initial weights under torch.manual_seed(0) (shared/reference/RESULTS.md, W4), so the losses match it.</summary>
    public static readonly float[] PyTorchInitialWeight = { -0.005293981172144413f, 0.37932288646698f, -0.5819807648658752f, -0.5203874707221985f };

    public TinyNet() => PyTorchInitialWeight.CopyTo(linear.Weight.Data);

    public Parameter Weight => linear.Weight;

    [Compile]
    public Tensor Loss([Shape(2)] Tensor x, [Shape(2)] Tensor y) => MseLoss(Sigmoid(linear.Forward(x)), y);
}
