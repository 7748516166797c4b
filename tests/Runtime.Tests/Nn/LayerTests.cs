using Kiln.Nn;

namespace Kiln.Runtime.Tests.Nn;

public class LayerTests
{
    static int Int(NnFixture f, string name) => f.Attrs.GetProperty(name).GetInt32();

    /// <summary>Loads the fixture's parameters (and any buffers given as inputs) into the module and checks its forward output.</summary>
    static void CheckAgainstFixture(Module module, NnFixture f, Func<Tensor, Tensor> forward, params string[] bufferInputs)
    {
        var state = new Dictionary<string, Tensor>(f.Params);
        foreach (var name in bufferInputs) state[name] = f.Inputs[name];
        module.LoadStateDict(state, strict: false);
        Assert.Equal(state.Keys.Order(), module.StateDict().Keys.Where(state.ContainsKey).Order());
        NnFixture.AssertClose(f.Output["out"], forward(f.Inputs["x"]), "out");
    }

    // Every module test takes its cases by op from the fixture folder and builds the module from the case's attrs, so
    // another fixture set (other seeds, shapes, sizes; see Parity/make_alternate_fixtures.py) runs unchanged.
    public static TheoryData<string> ConvolutionCases => OpTests.OpFixture.CasesOf("conv1d", "conv2d");
    public static TheoryData<string> PoolingCases => OpTests.OpFixture.CasesOf("max_pool1d", "avg_pool1d", "max_pool2d", "avg_pool2d");
    public static TheoryData<string> LayerNormCases => OpTests.OpFixture.CasesOf("layer_norm");
    public static TheoryData<string> EmbeddingCases => OpTests.OpFixture.CasesOf("embedding");

    /// <summary>An int attr, or a [height, width] pair (an int n meaning (n, n)).</summary>
    static (int Height, int Width) Pair(NnFixture f, string name)
    {
        var attr = f.Attrs.GetProperty(name);
        if (attr.ValueKind == System.Text.Json.JsonValueKind.Number) return (attr.GetInt32(), attr.GetInt32());
        var values = attr.EnumerateArray().Select(e => e.GetInt32()).ToArray();
        return (values[0], values[1]);
    }

    static bool Bool(NnFixture f, string name, bool absent) =>
        f.Attrs.TryGetProperty(name, out var attr) ? attr.GetBoolean() : absent;

    [Theory]
    [MemberData(nameof(ConvolutionCases))]
    public void ConvolutionModulesReproducePyTorch(string caseName)
    {
        var f = NnFixture.Load(caseName);
        bool bias = Bool(f, "bias", absent: f.Params.ContainsKey("bias"));
        Module conv;
        Func<Tensor, Tensor> forward;
        if (f.Op == "conv1d")
        {
            var conv1 = new Conv1d(Int(f, "in_channels"), Int(f, "out_channels"), Int(f, "kernel_size"), Int(f, "stride"), Int(f, "padding"), bias);
            (conv, forward) = (conv1, conv1.Forward);
        }
        else
        {
            var conv2 = new Conv2d(Int(f, "in_channels"), Int(f, "out_channels"), Pair(f, "kernel_size"), Pair(f, "stride"), Pair(f, "padding"), bias);
            Assert.Equal(bias, conv2.Bias is not null);
            (conv, forward) = (conv2, conv2.Forward);
        }
        CheckAgainstFixture(conv, f, forward);
    }

    [Theory]
    [MemberData(nameof(PoolingCases))]
    public void PoolingModulesReproducePyTorch(string caseName)
    {
        var f = NnFixture.Load(caseName);
        Assert.False(Bool(f, "ceil_mode", absent: false), $"{caseName}: the pooling modules have no ceil_mode.");
        Assert.True(Bool(f, "count_include_pad", absent: true), $"{caseName}: the average pools count the padding.");
        var (k, s, p) = (Pair(f, "kernel_size"), Pair(f, "stride"), Pair(f, "padding"));
        Module pool = f.Op switch
        {
            "max_pool1d" => new MaxPool1d(k.Height, s.Height, p.Height),
            "avg_pool1d" => new AvgPool1d(k.Height, s.Height, p.Height),
            "max_pool2d" => new MaxPool2d(k, s, p),
            _ => new AvgPool2d(k, s, p),
        };
        NnFixture.AssertClose(f.Output["out"], ((ITensorModule)pool).Forward(f.Inputs["x"]), caseName);
    }

    [Theory]
    [MemberData(nameof(LayerNormCases))]
    public void LayerNormModuleReproducesPyTorch(string caseName)
    {
        var f = NnFixture.Load(caseName);
        var normalizedShape = f.Attrs.GetProperty("normalized_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var layerNorm = new LayerNorm(normalizedShape, (float)f.Attrs.GetProperty("eps").GetDouble(), elementwiseAffine: f.Params.Count > 0);
        CheckAgainstFixture(layerNorm, f, layerNorm.Forward);
    }

    [Theory]
    [MemberData(nameof(EmbeddingCases))]
    public void EmbeddingModuleReproducesPyTorch(string caseName)
    {
        var emb = NnFixture.Load(caseName);
        var padding = emb.Attrs.GetProperty("padding_idx");
        int? paddingIdx = padding.ValueKind == System.Text.Json.JsonValueKind.Null ? null : padding.GetInt32();
        var embedding = new Embedding(Int(emb, "num_embeddings"), Int(emb, "embedding_dim"), paddingIdx: paddingIdx);
        embedding.LoadStateDict(emb.Params);
        var indices = IntTensor.FromArray(emb.Inputs["indices"].ToArray().Select(v => (int)v).ToArray(), emb.Inputs["indices"].Shape);
        var output = embedding.Forward(indices);
        NnFixture.AssertClose(emb.Output["out"], output, "embedding");
        Ops.Sum(Ops.Mul(output, emb.Upstream["out"])).Backward();
        NnFixture.AssertClose(emb.Grads["weight"], embedding.Weight.Grad!, "embedding grad");
    }

    static TheoryData<string> BatchNormCases(bool training)
    {
        var data = new TheoryData<string>();
        foreach (var name in OpTests.OpFixture.CasesOf("batch_norm1d"))
            if (NnFixture.Load(name).Attrs.GetProperty("training").GetBoolean() == training) data.Add(name);
        return data;
    }

    public static TheoryData<string> BatchNormTrainingCases => BatchNormCases(training: true);
    public static TheoryData<string> BatchNormEvaluationCases => BatchNormCases(training: false);

    [Theory]
    [MemberData(nameof(BatchNormTrainingCases))]
    public void BatchNormInTrainingUsesBatchStatisticsAndUpdatesTheBuffersLikePyTorch(string caseName)
    {
        var f = NnFixture.Load(caseName);
        var bn = new BatchNorm1d(Int(f, "num_features"));
        Assert.True(bn.Training);
        CheckAgainstFixture(bn, f, bn.Forward, "running_mean", "running_var");
        NnFixture.AssertClose(f.Output["running_mean"], bn.RunningMean!, "running_mean");
        NnFixture.AssertClose(f.Output["running_var"], bn.RunningVar!, "running_var");
        Assert.Equal(1f, bn.NumBatchesTracked!.Item());
    }

    [Theory]
    [MemberData(nameof(BatchNormEvaluationCases))]
    public void BatchNormInEvaluationUsesTheRunningStatisticsAndLeavesThemAlone(string caseName)
    {
        var f = NnFixture.Load(caseName);
        var bn = new BatchNorm1d(Int(f, "num_features"));
        bn.Eval();
        CheckAgainstFixture(bn, f, bn.Forward, "running_mean", "running_var");
        Assert.Equal(f.Inputs["running_mean"].ToArray(), bn.RunningMean!.ToArray());
        Assert.Equal(f.Inputs["running_var"].ToArray(), bn.RunningVar!.ToArray());
        Assert.Equal(0f, bn.NumBatchesTracked!.Item());
    }

    [Fact]
    public void BatchNorm2dTrainsThenEvaluatesWithWhatItLearned()
    {
        var bn = new BatchNorm2d(3, momentum: 0.5f);
        Assert.Equal(new[] { "weight", "bias", "running_mean", "running_var", "num_batches_tracked" }, bn.StateDict().Keys);
        Assert.Equal(new[] { "running_mean", "running_var", "num_batches_tracked" }, bn.NamedBuffers().Select(b => b.Name));
        var x = Ops.Add(Ops.Mul(Tensor.Randn(new[] { 8, 3, 4, 4 }, new Rng(1)), 3f), 2f);
        var y = bn.Forward(x);
        // Normalised per channel over N, H, W with the batch statistics.
        var perChannel = Ops.Mean(y, new[] { 0, 2, 3 });
        Assert.All(perChannel.ToArray(), m => Assert.InRange(m, -1e-5f, 1e-5f));
        var batchMean = Ops.Mean(x, new[] { 0, 2, 3 }).ToArray();
        for (int c = 0; c < 3; c++) Assert.Equal(0.5f * batchMean[c], bn.RunningMean!.Data[c], 1e-5f);

        for (int i = 0; i < 30; i++) bn.Forward(x);
        bn.Eval();
        var before = bn.RunningMean!.ToArray();
        var evaluated = bn.Forward(x);
        Assert.Equal(before, bn.RunningMean.ToArray());
        Assert.Equal(31f, bn.NumBatchesTracked!.Item());
        // The running mean converged to the batch mean; running_var to the unbiased variance, so eval output is close but not equal.
        NnFixture.AssertClose(Tensor.FromArray(batchMean, 3), bn.RunningMean, "running_mean");
        Assert.NotEqual(y.ToArray(), evaluated.ToArray());
        Assert.All(Ops.Sub(y, evaluated).ToArray(), d => Assert.InRange(d, -0.05f, 0.05f));
        Assert.Contains("expected a 4-D input", Assert.Throws<ArgumentException>(() => bn.Forward(Tensor.Zeros(2, 3))).Message);
        Assert.Contains("has 2 channels, expected numFeatures 3", Assert.Throws<ArgumentException>(() => bn.Forward(Tensor.Zeros(2, 2, 2, 2))).Message);
    }

    [Fact]
    public void BatchNormWithoutMomentumKeepsACumulativeAverage()
    {
        var bn = new BatchNorm1d(1, momentum: null);
        bn.Forward(Tensor.FromArray(new[] { 1f, 3f }, 2, 1));
        bn.Forward(Tensor.FromArray(new[] { 5f, 7f }, 2, 1));
        Assert.Equal(4f, bn.RunningMean!.Item(), 1e-6f);
        Assert.Equal(2f, bn.RunningVar!.Item(), 1e-6f);
    }

    [Fact]
    public void DropoutZeroesAndRescalesInTrainingAndIsTheIdentityInEvaluation()
    {
        var dropout = new Dropout(0.3f, new Rng(1));
        var x = Tensor.Ones(100, 100);
        var y = dropout.Forward(x).ToArray();
        int zeros = y.Count(v => v == 0f);
        Assert.InRange(zeros, 2700, 3300);
        Assert.All(y.Where(v => v != 0f), v => Assert.Equal(1f / 0.7f, v, 1e-6f));
        Assert.NotEqual(y, dropout.Forward(x).ToArray());

        Assert.Equal(y, new Dropout(0.3f, new Rng(1)).Forward(x).ToArray());

        dropout.Eval();
        Assert.Equal(x.ToArray(), dropout.Forward(x).ToArray());
    }

    [Fact]
    public void EvalOnAContainerSwitchesOffItsDropout()
    {
        var model = new Sequential(new Linear(4, 64, rng: new Rng(1)), new ReLU(), new Dropout(0.5f, new Rng(2)), new Linear(64, 2, rng: new Rng(3)));
        var x = Tensor.Randn(new[] { 5, 4 }, new Rng(4));
        Assert.NotEqual(model.Forward(x).ToArray(), model.Forward(x).ToArray());
        model.Eval();
        Assert.False(model[2].Training);
        Assert.Equal(model.Forward(x).ToArray(), model.Forward(x).ToArray());
        model.Train();
        Assert.NotEqual(model.Forward(x).ToArray(), model.Forward(x).ToArray());
    }

    [Fact]
    public void ConvolutionDefaultInitUsesTheReceptiveFieldAsFanIn()
    {
        var conv = new Conv2d(4, 64, 5, rng: new Rng(5));
        float bound = 1f / MathF.Sqrt(4 * 5 * 5);
        Assert.Equal(new[] { 64, 4, 5, 5 }, conv.Weight.Shape);
        var w = conv.Weight.ToArray();
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        Assert.True(w.Max() > 0.99f * bound && w.Min() < -0.99f * bound);
        Assert.All(conv.Bias!.ToArray(), v => Assert.InRange(v, -bound, bound));

        var conv1 = new Conv1d(3, 8, 4, rng: new Rng(6));
        Assert.Equal(new[] { 8, 3, 4 }, conv1.Weight.Shape);
        Assert.All(conv1.Weight.ToArray(), v => Assert.InRange(v, -1f / MathF.Sqrt(12), 1f / MathF.Sqrt(12)));
        Assert.Equal(new[] { 2, 8, 7 }, conv1.Forward(Tensor.Zeros(2, 3, 10)).Shape);
    }

    [Fact]
    public void EmbeddingInitIsStandardNormalWithThePaddingRowZeroed()
    {
        var embedding = new Embedding(1000, 16, paddingIdx: -1, rng: new Rng(7));
        Assert.Equal(999, embedding.PaddingIdx);
        var w = embedding.Weight.ToArray();
        Assert.All(w[(999 * 16)..], v => Assert.Equal(0f, v));
        double mean = w[..(999 * 16)].Average(v => (double)v);
        double variance = w[..(999 * 16)].Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(variance, 0.95, 1.05);
        Assert.Equal(new[] { 2, 3, 16 }, embedding.Forward(IntTensor.FromArray(new[] { 0, 1, 2, 3, 4, 999 }, 2, 3)).Shape);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(5, 2, paddingIdx: 5));

        var frozen = Embedding.FromPretrained(Tensor.FromArray(new[] { 1f, 2f, 3f, 4f }, 2, 2));
        Assert.False(frozen.Weight.RequiresGrad);
        Assert.Equal(new[] { 3f, 4f }, frozen.Forward(IntTensor.FromArray(new[] { 1 }, 1)).ToArray());
    }

    [Fact]
    public void LayerNormHasAffineParametersOfTheNormalizedShape()
    {
        var ln = new LayerNorm(5);
        Assert.Equal(new[] { "weight", "bias" }, ln.NamedParameters().Select(p => p.Name));
        Assert.All(ln.Weight!.ToArray(), v => Assert.Equal(1f, v));
        var y = ln.Forward(Tensor.Randn(new[] { 3, 5 }, new Rng(8)));
        Assert.All(Ops.Mean(y, 1).ToArray(), m => Assert.InRange(m, -1e-5f, 1e-5f));
        Assert.Empty(new LayerNorm(new[] { 2, 3 }, elementwiseAffine: false).Parameters());
    }

    [Fact]
    public void AConvNetComposesThroughSequential()
    {
        var net = new Sequential(
            new Conv2d(1, 4, 3, padding: 1, rng: new Rng(9)), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
            new Conv2d(4, 8, 3, rng: new Rng(10)), new Tanh(), new AvgPool2d(2), new Flatten(), new Dropout(0.1f, new Rng(11)),
            new Linear(8, 3, rng: new Rng(12)), new Sigmoid());
        var y = net.Forward(Tensor.Randn(new[] { 2, 1, 8, 8 }, new Rng(13)));
        Assert.Equal(new[] { 2, 3 }, y.Shape);
        Ops.Sum(y).Backward();
        Assert.All(net.Parameters(), p => Assert.NotNull(p.Grad));
        Assert.Equal(new[] { "0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias", "9.weight", "9.bias" }, net.NamedParameters().Select(p => p.Name));
        Assert.Equal(new[] { "1.running_mean", "1.running_var", "1.num_batches_tracked" }, net.NamedBuffers().Select(b => b.Name));
    }

    [Fact]
    public void LossAndSoftmaxModulesDelegateToTheirOps()
    {
        var rng = new Rng(14);
        var a = Tensor.Randn(new[] { 4, 3 }, rng);
        var b = Tensor.Randn(new[] { 4, 3 }, rng);
        Assert.Equal(Ops.MseLoss(a, b, Reduction.Sum).Item(), new MseLoss(Reduction.Sum).Forward(a, b).Item());
        Assert.Equal(Ops.MseLoss(a, b).Item(), new MseLoss().Forward(a, b).Item());
        var labels = IntTensor.FromArray(new[] { 0, 2, 1, 1 }, 4);
        Assert.Equal(Ops.CrossEntropy(a, labels).Item(), new CrossEntropyLoss().Forward(a, labels).Item());
        Assert.Equal(Ops.Softmax(a, 1).ToArray(), new Softmax(1).Forward(a).ToArray());
        Assert.Equal(Ops.LogSoftmax(a, 0).ToArray(), new LogSoftmax(0).Forward(a).ToArray());
        Assert.Equal("MseLoss(reduction=sum)", new MseLoss(Reduction.Sum).ToString());
    }
}
