using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>The tutorial's two-layer net with a primary constructor: every size a parameter, fields initialised from them.</summary>
public partial class SizedTwoLayerNet(int inputSize, int hiddenSize, int outputSize, Rng rng) : Module
{
    readonly Linear linear1 = new(inputSize, hiddenSize, rng: rng);
    readonly Linear linear2 = new(hiddenSize, outputSize, rng: rng);

    [Compile]
    public Tensor Loss([Shape("N", 12)] Tensor x, [Shape("N", "K")] Tensor y) => MseLoss(linear2.Forward(Relu(linear1.Forward(x))), y);
}
