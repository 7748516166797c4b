namespace Kiln.Samples.LayerTour;

/// <summary>One layer's result on the tape and through its graph.</summary>
public sealed record LayerResult(string Name, Tensor Dynamic, Tensor Static)
{
    public double MaxDifference => Dynamic.ToArray().Zip(Static.ToArray(), (a, b) => Math.Abs((double)a - b)).DefaultIfEmpty(0).Max();
    public bool SameShape => Dynamic.Shape.SequenceEqual(Static.Shape);
}

/// <summary>
/// The inputs of the tour and each layer run both ways: <see cref="Dynamic"/> calls the [Compile] methods directly (the
/// tape), <see cref="Static"/> — built from the same seed, so with the same weights — calls their graphs.
/// </summary>
public sealed class Tour
{
    public readonly Layers Dynamic = new(new Rng(0));
    public readonly Layers Static = new(new Rng(0));

    public static readonly IntTensor Tokens = IntTensor.FromArray(new[] { 0, 2, 0, 5, 1, 3, 4, 9 }, 2, 4);
    public static readonly Tensor Image = Tensor.FromArray(Enumerable.Range(1, 16).Select(v => (float)v).ToArray(), 1, 1, 4, 4);
    public static readonly Tensor Row5 = Tensor.FromArray(new float[] { 1, 3, 2, 5, 4 }, 1, 1, 5);
    public static readonly Tensor Row6 = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 1, 1, 6);
    public static readonly Tensor Sequences = Tensor.Randn(new[] { 3, 7, 5 }, new Rng(1));
    public static readonly Tensor Signal = Tensor.Randn(new[] { 1, 2, 10 }, new Rng(2));
    public static readonly Tensor Features = Tensor.FromArray(new float[] { 1, 2, 3, 4, 2, 4, 6, 8, 10, 0, -10, 5 }, 3, 4);
    public static readonly Tensor Ones = Tensor.FromArray(Enumerable.Repeat(1f, 20).ToArray(), 2, 10);

    public LayerResult Embedding() => new("Embedding(10, 4, padding_idx 0)", Dynamic.Embed(Tokens), Static.EmbedGraph.Forward(Tokens).Clone());
    public LayerResult MaxPoolTall() => new("MaxPool2d((4, 1), stride 1)", Dynamic.MaxPoolTall(Image), Static.MaxPoolTallGraph.Forward(Image).Clone());
    public LayerResult MaxPoolPairs() => new("MaxPool1d(2, stride 1)", Dynamic.MaxPoolPairs(Row5), Static.MaxPoolPairsGraph.Forward(Row5).Clone());
    public LayerResult AvgPoolSquares() => new("AvgPool2d(2)", Dynamic.AvgPoolSquares(Image), Static.AvgPoolSquaresGraph.Forward(Image).Clone());
    public LayerResult AvgPoolPairs() => new("AvgPool1d(2, stride 2)", Dynamic.AvgPoolPairs(Row6), Static.AvgPoolPairsGraph.Forward(Row6).Clone());
    public LayerResult RnnOutput() => new("Rnn output", Dynamic.RnnOutput(Sequences), Static.RnnOutputGraph.Forward(Sequences).Clone());
    public LayerResult RnnHidden() => new("Rnn h_n", Dynamic.RnnHidden(Sequences), Static.RnnHiddenGraph.Forward(Sequences).Clone());
    public LayerResult Convolve() => new("Conv1d(2, 3, 3, stride 2, padding 1)", Dynamic.Convolve(Signal), Static.ConvolveGraph.Forward(Signal).Clone());
    public LayerResult BatchNormalize() => new("BatchNorm1d(4)", Dynamic.BatchNormalize(Features), Static.BatchNormalizeGraph.Forward(Features).Clone());
    public LayerResult LayerNormalize() => new("LayerNorm(4)", Dynamic.LayerNormalize(Features), Static.LayerNormalizeGraph.Forward(Features).Clone());

    /// <summary>Dropout in train or eval mode (both instances switched).</summary>
    public LayerResult Drop(bool training)
    {
        Dynamic.Train(training);
        Static.Train(training);
        try { return new($"Dropout(0.6), {(training ? "train" : "eval")}", Dynamic.Drop(Ones), Static.DropGraph.Forward(Ones).Clone()); }
        finally { Dynamic.Train(); Static.Train(); }
    }

    public IEnumerable<LayerResult> All() => new[]
    {
        Embedding(), MaxPoolTall(), MaxPoolPairs(), AvgPoolSquares(), AvgPoolPairs(), RnnOutput(), RnnHidden(), Convolve(),
        BatchNormalize(), LayerNormalize(), Drop(training: false),
    };
}
