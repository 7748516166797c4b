using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Samples.TwoLayer;

/// <summary>
/// The nn style's model (Linear(1000, 100) → ReLU → Linear(100, 10), sum of squared errors) with its loss marked
/// <c>[Compile]</c>. Called directly, <see cref="Loss"/> runs eagerly on the tape like any method; the generator also
/// turns it, at build time, into <c>LossGraph</c>: a shape-checked, differentiated, fused and memory-planned graph.
/// Built from the same <see cref="Rng"/> as the nn style's Sequential, it starts from the same weights.
/// </summary>
public partial class StaticTwoLayerNet : Module
{
    readonly Sequential model;

    public StaticTwoLayerNet(Rng rng)
    {
        model = new Sequential(
            new Linear(TwoLayerStyles.InputSize, TwoLayerStyles.HiddenSize, rng: rng),
            new ReLU(),
            new Linear(TwoLayerStyles.HiddenSize, TwoLayerStyles.OutputSize, rng: rng));
    }

    [Compile]
    public Tensor Loss([Shape("N", TwoLayerStyles.InputSize)] Tensor x, [Shape("N", TwoLayerStyles.OutputSize)] Tensor y) =>
        MseLoss(model.Forward(x), y, Reduction.Sum);
}
