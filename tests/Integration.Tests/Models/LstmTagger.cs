using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>
/// Token sequences of a fixed length through an Embedding and an LstmCell stepped by a constant-bound loop (compiled as
/// one graph loop), with tuple deconstruction of the cell's (h, c), then a Linear on the last hidden state.
/// </summary>
public partial class LstmTagger : Module
{
    const int Steps = 4;
    const int EmbeddingSize = 5;

    readonly Embedding embedding = new(20, EmbeddingSize);
    readonly LstmCell cell = new(EmbeddingSize, 6);
    readonly Linear head = new(6, 3);

    [Compile]
    public Tensor Loss([Shape("N", Steps)] IntTensor tokens, [Shape("N")] IntTensor y)
    {
        var embedded = embedding.Forward(tokens);
        var (h, c) = cell.Forward(Narrow(embedded, 1, 0, 1).Reshape(-1, EmbeddingSize));
        for (int t = 1; t < Steps; t++)
            (h, c) = cell.Forward(Narrow(embedded, 1, t, 1).Reshape(-1, EmbeddingSize), (h, c));
        return CrossEntropy(head.Forward(h), y);
    }
}
