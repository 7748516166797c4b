using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>
/// The rectifier family in both spellings (Kiln.Nn modules and Kiln.Ops calls with non-default options): leaky relu,
/// gelu (exact and tanh), softplus (with pre-activations on both sides of its threshold), elu and silu, over an odd width
/// (37) so the vector loops and their scalar tails both run.
/// </summary>
public partial class RectifierNet : Module
{
    readonly Linear fc1 = new(13, 37);
    readonly LeakyReLU leaky = new(0.2f);
    readonly GELU gelu = new();
    readonly Softplus softplus = new(beta: 2f, threshold: 5f);
    readonly ELU elu = new(alpha: 0.5f);
    readonly SiLU silu = new();
    readonly Linear fc2 = new(37, 3);

    [Compile]
    public Tensor Loss([Shape("N", 13)] Tensor x, [Shape("N", 3)] Tensor target)
    {
        var h = fc1.Forward(x) * 3f;
        var mixed = leaky.Forward(h) + gelu.Forward(h) * 0.5f + Gelu(h, approximate: "tanh") * 0.25f
            + softplus.Forward(h) + elu.Forward(h) + LeakyRelu(h, 0.05f) + Softplus(h) + Elu(h) + silu.Forward(h) + Silu(h * 0.5f);
        return MseLoss(fc2.Forward(mixed), target);
    }
}
