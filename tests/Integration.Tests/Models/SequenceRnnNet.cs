using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>
/// A two-layer Rnn over batch-first sequences of any length T (symbolic: one compiled loop serves every length); the
/// loss reads the top layer's final state and every step of the output.
/// </summary>
public partial class SequenceRnnNet : Module
{
    const int Hidden = 6;

    readonly Rnn rnn = new(4, Hidden, numLayers: 2, batchFirst: true);
    readonly Linear head = new(Hidden, 3);

    [Compile]
    public Tensor Loss([Shape("B", "T", 4)] Tensor x, [Shape("B")] IntTensor y)
    {
        var (output, hN) = rnn.Forward(x);
        var top = Narrow(hN, 0, 1, 1).Reshape(-1, Hidden);
        return CrossEntropy(head.Forward(top), y) + Mean(output * output);
    }
}
