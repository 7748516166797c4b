using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>
/// The tutorial's RNN string classifier as a PyTorch user writes it: Embedding(vocab, embed) → Rnn(embed, hidden, layers)
/// → Linear(hidden, classes), every size from the constructor except the layer count (a constant: it shapes the graph).
/// </summary>
public partial class SizedRnnClassifier(int vocab, int embed, int hidden, int classes, Rng rng) : Module
{
    const int Layers = 2;

    readonly Embedding embedding = new(vocab, embed, rng: rng);
    readonly Rnn rnn = new(embed, hidden, Layers, batchFirst: true, rng: rng);
    readonly Linear head = new(hidden, classes, rng: rng);

    [Compile]
    public Tensor Loss([Shape("N", "T")] IntTensor tokens, [Shape("N")] IntTensor y)
    {
        var (_, lastHidden) = rnn.Forward(embedding.Forward(tokens));
        return CrossEntropy(head.Forward(Select(lastHidden, 0, Layers - 1)), y);
    }
}

/// <summary>An LstmCell stepped over a symbolic length, its input and hidden sizes from the constructor.</summary>
public partial class SizedLstmCellLoopNet(int features, int hidden, Rng rng) : Module
{
    readonly LstmCell cell = new(features, hidden, rng: rng);
    readonly Linear head = new(hidden, 3, rng: rng);

    [Compile]
    public Tensor Loss([Shape("B", "T", "F")] Tensor x, [Shape("B", "H")] Tensor h0, [Shape("B", "H")] Tensor c0, [Shape("B")] IntTensor y)
    {
        var h = h0;
        var c = c0;
        for (int t = 0; t < x.Size(1); t++)
            (h, c) = cell.Forward(Select(x, 1, t), (h, c));
        return CrossEntropy(head.Forward(h), y) + Mean(c * c);
    }
}
