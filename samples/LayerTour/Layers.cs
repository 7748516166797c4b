using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Samples.LayerTour;

/// <summary>
/// The tutorial's layers, each behind a <c>[Compile]</c> method with literal input shapes: called directly a method
/// runs on the tape; the generator turns each into <c>&lt;Method&gt;Graph</c>. A graph has one result, so the Rnn's
/// output and h_n are two methods. None of them returns a scalar loss, so the generator builds Forward only (its
/// KILN0103 note is silenced below); <see cref="Loss"/> is the one scalar, for Kiln.Compare.
/// </summary>
#pragma warning disable KILN0103
public partial class Layers : Module
{
    public readonly Embedding Embedding;
    public readonly MaxPool2d MaxPool2d = new((4, 1), stride: (1, 1));
    public readonly MaxPool1d MaxPool1d = new(2, stride: 1);
    public readonly AvgPool2d AvgPool2d = new(2);
    public readonly AvgPool1d AvgPool1d = new(2, stride: 2);
    public readonly Rnn Rnn;
    public readonly Conv1d Conv1d;
    public readonly BatchNorm1d BatchNorm1d = new(4);
    public readonly LayerNorm LayerNorm = new(4);
    public readonly Dropout Dropout;
    readonly Linear head;

    public Layers(Rng rng)
    {
        Embedding = new Embedding(10, 4, paddingIdx: 0, rng: rng);
        Rnn = new Rnn(5, 8, numLayers: 2, batchFirst: true, rng: rng);
        Conv1d = new Conv1d(2, 3, 3, stride: 2, padding: 1, rng: rng);
        Dropout = new Dropout(0.6f, rng: rng);
        head = new Linear(3 * 4, 3, rng: rng);
    }

    [Compile] public Tensor Embed([Shape(2, 4)] IntTensor tokens) => Embedding.Forward(tokens);
    [Compile] public Tensor MaxPoolTall([Shape(1, 1, 4, 4)] Tensor x) => MaxPool2d.Forward(x);
    [Compile] public Tensor MaxPoolPairs([Shape(1, 1, 5)] Tensor x) => MaxPool1d.Forward(x);
    [Compile] public Tensor AvgPoolSquares([Shape(1, 1, 4, 4)] Tensor x) => AvgPool2d.Forward(x);
    [Compile] public Tensor AvgPoolPairs([Shape(1, 1, 6)] Tensor x) => AvgPool1d.Forward(x);

    [Compile]
    public Tensor RnnOutput([Shape(3, 7, 5)] Tensor x)
    {
        var (output, _) = Rnn.Forward(x);
        return output;
    }

    [Compile]
    public Tensor RnnHidden([Shape(3, 7, 5)] Tensor x)
    {
        var (_, hN) = Rnn.Forward(x);
        return hN;
    }

    [Compile] public Tensor Convolve([Shape(1, 2, 10)] Tensor x) => Conv1d.Forward(x);
    [Compile] public Tensor BatchNormalize([Shape(3, 4)] Tensor x) => BatchNorm1d.Forward(x);
    [Compile] public Tensor LayerNormalize([Shape(3, 4)] Tensor x) => LayerNorm.Forward(x);
    [Compile] public Tensor Drop([Shape(2, 10)] Tensor x) => Dropout.Forward(x);

    /// <summary>A loss through two of the layers, for the Compare table: Conv1d → ReLU → MaxPool1d(2, 1) → Flatten → Linear(12, 3).</summary>
    [Compile]
    public Tensor Loss([Shape("N", 2, 10)] Tensor x, [Shape("N")] IntTensor y) =>
        CrossEntropy(head.Forward(Flatten(MaxPool1d.Forward(Relu(Conv1d.Forward(x))), 1)), y);
}
#pragma warning restore KILN0103
