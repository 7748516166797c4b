using System.Globalization;
using Kiln;
using Kiln.Data;
using Kiln.Optim;
using Kiln.Samples.LayerTour;

// Usage: dotnet run -c Release --project samples/LayerTour
// Each layer as the PyTorch tutorial prints it (torch's tensor format), on the tape; then "static" says whether
// the layer's generated graph gave the same tensor.
var tour = new Tour();
using (Autograd.NoGrad())
{
    Show(tour.Embedding(), $"input {Tour.Tokens}   (row of index 0 is zeros: the padding index)");
    Show(tour.MaxPoolTall(), $"input 1..16 as [1, 1, 4, 4]: each column's max over 4 rows");
    Show(tour.MaxPoolPairs(), $"input {Tour.Row5}");
    Show(tour.AvgPoolSquares(), "input 1..16 as [1, 1, 4, 4]: the mean of each 2x2 block");
    Show(tour.AvgPoolPairs(), $"input {Tour.Row6}");

    var output = tour.RnnOutput();
    var hidden = tour.RnnHidden();
    Section("Rnn(5, 8, num_layers 2, batch_first), input [batch 3, seq 7, features 5]");
    Console.WriteLine($"output shape {Shape(output.Dynamic)} (batch, seq, hidden); h_n shape {Shape(hidden.Dynamic)} (layers, batch, hidden)");
    foreach (var (name, parameter) in tour.Dynamic.Rnn.NamedParameters()) Console.WriteLine($"  {name,-12} {Shape(parameter)}");
    Console.WriteLine($"last time step of output == h_n of the last layer: {Same(Ops.Narrow(output.Dynamic, 1, 6, 1).Reshape(3, 8), Ops.Narrow(hidden.Dynamic, 0, 1, 1).Reshape(3, 8))}");
    Agreement(output);
    Agreement(hidden);

    var conv = tour.Convolve();
    Section(conv.Name + ", input [1, 2, 10]");
    int lOut = (10 + 2 * 1 - 3) / 2 + 1;
    Console.WriteLine($"L_out = floor((L_in + 2*padding - kernel) / stride) + 1 = floor((10 + 2 - 3) / 2) + 1 = {lOut}; output shape {Shape(conv.Dynamic)}");
    Agreement(conv);

    var batchNorm = tour.BatchNormalize();
    var layerNorm = tour.LayerNormalize();
    Section("BatchNorm1d(4) vs LayerNorm(4) on");
    Console.WriteLine(Tour.Features);
    Console.WriteLine("BatchNorm1d normalises each feature (column) over the batch; LayerNorm each example (row) over its features:");
    Console.WriteLine($"  BatchNorm1d: column means {Stats(batchNorm.Dynamic, 0).Mean}  column variances {Stats(batchNorm.Dynamic, 0).Variance}");
    Console.WriteLine($"  LayerNorm:   row means    {Stats(layerNorm.Dynamic, 1).Mean}  row variances    {Stats(layerNorm.Dynamic, 1).Variance}");
    Console.WriteLine("  (variances are biased, as the layers use: 1 - eps / (variance + eps), so just under 1)");
    Agreement(batchNorm);
    Agreement(layerNorm);

    var train = tour.Drop(training: true);
    var eval = tour.Drop(training: false);
    Section("Dropout(0.6) on ones [2, 10]");
    Console.WriteLine("train mode: each element zeroed with p = 0.6, survivors scaled by 1 / (1 - 0.6) = 2.5");
    Console.WriteLine(train.Dynamic);
    Console.WriteLine($"  zeros: {Zeros(train.Dynamic)} of 20 (dynamic), {Zeros(train.Static)} of 20 (static); survivors: " +
        $"{string.Join(", ", train.Dynamic.ToArray().Concat(train.Static.ToArray()).Where(v => v != 0).Distinct().Select(v => v.ToString("G9", CultureInfo.InvariantCulture)))} (2.5 in float32); " +
        $"the graph drew {(train.MaxDifference == 0 ? "the same mask (its Dropout has the same seed)" : "another mask")}");
    Console.WriteLine("eval mode: the identity");
    Console.WriteLine(eval.Dynamic);
    Agreement(eval);
}

// Kiln.Compare on the one scalar of the tour: Conv1d -> ReLU -> MaxPool1d -> Flatten -> Linear(12, 3), Adam, random data.
Console.WriteLine();
var data = new TensorDataset(Tensor.Randn(new[] { 256, 2, 10 }, new Rng(3)),
    IntTensor.FromArray(Enumerable.Range(0, 256).Select(i => i % 3).ToArray(), 256));
Compare.Run(() => new Layers(new Rng(0)), (m, b) => m.Loss(b.Features, b.Labels), (m, b) => m.LossGraph.ForwardBackward(b.Features, b.Labels),
    p => new Adam(p, 1e-2f), new DataLoader(data, 32, shuffle: true, rng: new Rng(4)), steps: 100, graph: m => m.LossGraph, warmupSteps: 10,
    name: "conv1d-maxpool1d-linear").Print();
return 0;

static void Section(string title)
{
    Console.WriteLine();
    Console.WriteLine("== " + title);
}

static void Show(LayerResult result, string input)
{
    Section(result.Name);
    Console.WriteLine(input);
    Console.WriteLine(result.Dynamic);
    Agreement(result);
}

static void Agreement(LayerResult result) =>
    Console.WriteLine($"  static ({result.Name}: its graph): {(result.SameShape ? $"same shape, max |difference| {result.MaxDifference:0.0e+00}" : $"shape {Shape(result.Static)}")}");

static string Shape(Tensor t) => "[" + string.Join(", ", t.Shape) + "]";

static bool Same(Tensor a, Tensor b) => a.ToArray().SequenceEqual(b.ToArray());

static int Zeros(Tensor t) => t.ToArray().Count(v => v == 0);

static (string Mean, string Variance) Stats(Tensor t, int dim)
{
    var mean = Ops.Mean(t, dim);
    var variance = Ops.Mean((t - Ops.Mean(t, dim, keepDim: true)) * (t - Ops.Mean(t, dim, keepDim: true)), dim);
    string F(Tensor v) => "[" + string.Join(", ", v.ToArray().Select(x => x.ToString("F4", CultureInfo.InvariantCulture).Replace("-0.0000", "0.0000"))) + "]";
    return (F(mean), F(variance));
}
