namespace Kiln.Nn;

/// <summary>
/// A lookup table (nn.Embedding): row i of the weight [num, dim] for index i. Initialised N(0, 1) with the
/// padding row zeroed; the padding row gets no gradient.
/// </summary>
public sealed class Embedding : Module
{
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, Rng? rng = null)
        : this(Init.Normal(Tensor.Zeros(Validate(numEmbeddings, embeddingDim)), 0f, 1f, rng), paddingIdx, zeroPaddingRow: true)
    {
    }

    Embedding(Tensor weight, int? paddingIdx, bool zeroPaddingRow)
    {
        int rows = weight.Dims[0];
        if (paddingIdx is int pad)
        {
            if (pad < -rows || pad >= rows)
                throw new ArgumentOutOfRangeException(nameof(paddingIdx), $"Embedding: padding index {pad} is outside the table of {rows} rows.");
            PaddingIdx = pad < 0 ? pad + rows : pad;
            if (zeroPaddingRow) weight.Data.Slice(PaddingIdx.Value * weight.Dims[1], weight.Dims[1]).Clear();
        }
        Weight = new Parameter(weight);
    }

    static int[] Validate(int numEmbeddings, int embeddingDim)
    {
        if (numEmbeddings <= 0 || embeddingDim <= 0)
            throw new ArgumentOutOfRangeException(nameof(numEmbeddings), $"Embedding: sizes must be positive, got {numEmbeddings} x {embeddingDim}.");
        return new[] { numEmbeddings, embeddingDim };
    }

    /// <summary>An embedding whose table is a copy of <paramref name="weights"/> [num, dim] (nn.Embedding.from_pretrained).</summary>
    public static Embedding FromPretrained(Tensor weights, bool freeze = true, int? paddingIdx = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Rank != 2) throw new ArgumentException($"Embedding.FromPretrained: weights must be 2-D [num, dim], got {weights.ShapeString}.");
        var embedding = new Embedding(weights.Detach().Clone(), paddingIdx, zeroPaddingRow: false);
        embedding.Weight.RequiresGrad = !freeze;
        return embedding;
    }

    public int NumEmbeddings => Weight.Dims[0];
    public int EmbeddingDim => Weight.Dims[1];
    public int? PaddingIdx { get; }
    public Parameter Weight { get; }

    /// <summary>Indices of any shape → that shape + [dim].</summary>
    public Tensor Forward(IntTensor indices) => Ops.Embedding(indices, Weight, PaddingIdx);

    protected override string ExtraRepr() => $"{NumEmbeddings}, {EmbeddingDim}" + (PaddingIdx is int p ? $", padding_idx={p}" : "");
}
