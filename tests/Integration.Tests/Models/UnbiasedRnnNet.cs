using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>
/// A two-layer Rnn without biases (one loop of the graph) over time-major sequences of 4 steps, from a given
/// initial state; the loss reads every step of the last layer and the final state of the top layer.
/// </summary>
public partial class UnbiasedRnnNet : Module
{
    const int Hidden = 6;

    readonly Rnn rnn = new(5, Hidden, numLayers: 2, bias: false);
    readonly Linear head = new(Hidden, 3);

    [Compile]
    public Tensor Loss([Shape(4, "N", 5)] Tensor x, [Shape(2, "N", Hidden)] Tensor h0, [Shape("N")] IntTensor y)
    {
        var (output, hN) = rnn.Forward(x, h0);
        var top = Narrow(hN, 0, 1, 1).Reshape(-1, Hidden);
        return CrossEntropy(head.Forward(top), y) + Mean(output * output);
    }
}
