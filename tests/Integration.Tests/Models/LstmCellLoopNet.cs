using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>
/// An LstmCell stepped by a for loop over sequences of any length T (x.Size(1) of a symbolic dimension): the loop is
/// compiled as a loop of the graph, carrying (h, c), not unrolled.
/// </summary>
public partial class LstmCellLoopNet : Module
{
    const int Features = 5;
    const int Hidden = 6;

    readonly LstmCell cell = new(Features, Hidden);
    readonly Linear head = new(Hidden, 3);

    [Compile]
    public Tensor Loss([Shape("B", "T", Features)] Tensor x, [Shape("B", Hidden)] Tensor h0, [Shape("B", Hidden)] Tensor c0, [Shape("B")] IntTensor y)
    {
        var h = h0;
        var c = c0;
        for (int t = 0; t < x.Size(1); t++)
            (h, c) = cell.Forward(Narrow(x, 1, t, 1).Reshape(-1, Features), (h, c));
        return CrossEntropy(head.Forward(h), y) + Mean(c * c);
    }
}
