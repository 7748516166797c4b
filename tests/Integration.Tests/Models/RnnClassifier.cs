using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>Sequences of 5 steps of 8 features, an Rnn (one loop of the graph) and a Linear on the last hidden state.</summary>
public partial class RnnClassifier : Module
{
    const int Hidden = 16;

    readonly Rnn rnn = new(8, Hidden, batchFirst: true);
    readonly Linear head = new(Hidden, 4);

    [Compile]
    public Tensor Loss([Shape("N", 5, 8)] Tensor x, [Shape("N")] IntTensor y)
    {
        var (_, lastHidden) = rnn.Forward(x);
        return CrossEntropy(head.Forward(lastHidden.Reshape(-1, Hidden)), y);
    }
}
