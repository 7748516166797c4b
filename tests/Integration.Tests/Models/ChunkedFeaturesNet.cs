using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>
/// Chunks a constant feature dimension of a symbolic batch (7 features in 3 chunks: 3, 3 and 1, PyTorch's split):
/// what a compiled graph can chunk, as opposed to the batch dimension N.
/// </summary>
public partial class ChunkedFeaturesNet : Module
{
    readonly Linear fc = new(7, 7);

    [Compile]
    public Tensor Loss([Shape("N", 7)] Tensor x)
    {
        var parts = fc.Forward(x).Chunk(3, 1);
        return Mean(Tanh(parts[0]) * Sigmoid(parts[1])) + Mean(parts[2] * parts[2]);
    }
}
