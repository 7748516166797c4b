using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>
/// A GRU written in ops (update gate z, reset gate r, candidate n) stepped by a for loop over time-major sequences of
/// any length T: compiled as one loop of the graph whose body is the cell.
/// </summary>
public partial class GruLoopNet : Module
{
    const int Features = 4;
    const int Hidden = 5;

    readonly Linear inputUpdate = new(Features, Hidden);
    readonly Linear hiddenUpdate = new(Hidden, Hidden, bias: false);
    readonly Linear inputReset = new(Features, Hidden);
    readonly Linear hiddenReset = new(Hidden, Hidden, bias: false);
    readonly Linear inputCandidate = new(Features, Hidden);
    readonly Linear hiddenCandidate = new(Hidden, Hidden);
    readonly Linear head = new(Hidden, 3);

    [Compile]
    public Tensor Loss([Shape("T", "B", Features)] Tensor x, [Shape("B", Hidden)] Tensor h0, [Shape("B")] IntTensor y)
    {
        var h = h0;
        for (int t = 0; t < x.Size(0); t++)
        {
            var step = Select(x, 0, t);
            var z = Sigmoid(inputUpdate.Forward(step) + hiddenUpdate.Forward(h));
            var r = Sigmoid(inputReset.Forward(step) + hiddenReset.Forward(h));
            var n = Tanh(inputCandidate.Forward(step) + r * hiddenCandidate.Forward(h));
            h = (1 - z) * n + z * h;
        }
        return CrossEntropy(head.Forward(h), y);
    }
}
