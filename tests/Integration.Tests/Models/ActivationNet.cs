using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>
/// Transcendental activations in one fused loop, over pre-activations large enough to saturate tanh and sigmoid and
/// an odd width (37) so both the vector loop and its scalar tail run.
/// </summary>
public partial class ActivationNet : Module
{
    readonly Parameter w = Parameter.Randn(13, 37);

    [Compile]
    public Tensor Loss([Shape("N", 13)] Tensor x)
    {
        var h = x.MatMul(w) * 4f;
        // Squared before the mean: a plain mean of these mixed-sign terms nearly cancels, and a result near zero cannot
        // be compared relative to itself after a different (equally valid) float summation order.
        return Square(Tanh(h) * Sigmoid(h) + Log(Sigmoid(h) + 0.5f) + Exp(Tanh(h) - 1f) + Abs(h) * h.Pow(3f) * 1e-6f).Mean();
    }
}
