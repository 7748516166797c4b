using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Samples.RnnClassifier;

/// <summary>
/// Embedding(53, 10, padding 0) → Rnn(10, 20, 2 layers, batch-first) → the 6 steps' outputs as one row of 120 →
/// Linear(120, 3). Called directly, <see cref="Loss"/> and <see cref="Logits"/> run on the tape; the generator builds
/// <c>LossGraph</c> and <c>LogitsGraph</c> from them (the Rnn compiled as one loop over the 6 steps, not unrolled).
/// </summary>
public partial class StringClassifier : Module
{
    public const int Vocabulary = Strings.AlphabetSize + 1, EmbeddingSize = 10, Hidden = 20, Steps = Strings.MaxLength, Classes = 3;

    readonly Embedding embedding;
    readonly Rnn rnn;
    readonly Linear head;

    public StringClassifier(Rng rng)
    {
        embedding = new Embedding(Vocabulary, EmbeddingSize, paddingIdx: 0, rng: rng);
        rnn = new Rnn(EmbeddingSize, Hidden, numLayers: 2, batchFirst: true, rng: rng);
        head = new Linear(Steps * Hidden, Classes, rng: rng);
    }

    [Compile]
    public Tensor Loss([Shape("N", Steps)] IntTensor tokens, [Shape("N")] IntTensor labels) => CrossEntropy(Logits(tokens), labels);

    // Logits are [N, 3], not a scalar loss: the generator says so (KILN0103) and builds Forward only.
#pragma warning disable KILN0103
    [Compile]
    public Tensor Logits([Shape("N", Steps)] IntTensor tokens)
    {
        var (output, _) = rnn.Forward(embedding.Forward(tokens));
        return head.Forward(output.Reshape(-1, Steps * Hidden));
    }
#pragma warning restore KILN0103
}
