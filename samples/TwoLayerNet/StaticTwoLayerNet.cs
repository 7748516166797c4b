using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Samples.TwoLayer;

/// <summary>
/// The nn style's model (Linear(1000, 100) → ReLU → Linear(100, 10), sum of squared errors) with its loss marked
/// <c>[Compile]</c>. Called directly, <see cref="Loss"/> runs eagerly on the tape like any method; the generator also
/// turns it, at build time, into <c>LossGraph</c>: a shape-checked, differentiated, fused and memory-planned graph.
/// Built from the same <see cref="Rng"/> as the nn style's Sequential, it starts from the same weights. Its sizes are
/// constructor arguments, as the tutorial writes them: the generator equates D_in and D_out with the [Shape] sizes
/// and binds H from the first layer's weight when the graph is first called.
/// </summary>
public partial class StaticTwoLayerNet : Module
{
    readonly Sequential model;

    public StaticTwoLayerNet(int inputSize, int hiddenSize, int outputSize, Rng rng)
    {
        model = new Sequential(
            new Linear(inputSize, hiddenSize, rng: rng),
            new ReLU(),
            new Linear(hiddenSize, outputSize, rng: rng));
    }

    [Compile]
    public Tensor Loss([Shape("N", TwoLayerStyles.InputSize)] Tensor x, [Shape("N", TwoLayerStyles.OutputSize)] Tensor y) =>
        MseLoss(model.Forward(x), y, Reduction.Sum);
}
