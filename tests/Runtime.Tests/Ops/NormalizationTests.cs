using Kiln.Runtime.Tests.Support;

namespace Kiln.Runtime.Tests.OpTests;

public class NormalizationTests
{
    public static TheoryData<string> BatchNormCases => OpFixture.CasesOf("batch_norm1d");
    public static TheoryData<string> LayerNormCases => OpFixture.CasesOf("layer_norm");

    [Theory]
    [MemberData(nameof(BatchNormCases))]
    public void BatchNormMatchesPyTorch(string name)
    {
        var f = OpFixture.Load(name);
        var x = f.Leaf("x");
        var runningMean = f.Leaf("running_mean");
        var runningVar = f.Leaf("running_var");
        var weight = f.Leaf("weight");
        var bias = f.Leaf("bias");
        bool training = f.Attr("training").GetBoolean();
        float momentum = training ? (float)f.Attr("momentum").GetDouble() : 0.1f;
        float eps = (float)f.Attr("eps").GetDouble();
        var output = Ops.BatchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps);
        f.CheckAll(("out", output), ("running_mean", runningMean), ("running_var", runningVar));
    }

    [Theory]
    [MemberData(nameof(LayerNormCases))]
    public void LayerNormMatchesPyTorch(string name)
    {
        var f = OpFixture.Load(name);
        var x = f.Leaf("x");
        var weight = f.OptionalLeaf("weight");
        var bias = f.OptionalLeaf("bias");
        var shape = f.Attr("normalized_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        f.CheckAll(("out", Ops.LayerNorm(x, shape, weight, bias, (float)f.Attr("eps").GetDouble())));
    }

    [Theory]
    [InlineData(new[] { 6, 3 }, true, true)]
    [InlineData(new[] { 4, 3, 5 }, true, true)]
    [InlineData(new[] { 2, 3, 3, 4 }, true, true)]
    [InlineData(new[] { 5, 2, 3 }, false, false)]
    [InlineData(new[] { 3, 4 }, true, false)]
    [InlineData(new[] { 2, 2, 2, 3 }, false, true)]
    public void BatchNormTrainingGradientsMatchFiniteDifferences(int[] shape, bool withWeight, bool withBias)
    {
        var rng = new Rng(31);
        int channels = shape[1];
        var inputs = new List<Tensor> { Tensor.Randn(shape, rng) };
        if (withWeight) inputs.Add(Ops.Add(Tensor.Randn(new[] { channels }, rng), 1f));
        if (withBias) inputs.Add(Tensor.Randn(new[] { channels }, rng));
        GradCheck.Check(xs =>
        {
            var weight = withWeight ? xs[1] : null;
            var bias = withBias ? xs[withWeight ? 2 : 1] : null;
            return new[] { Ops.BatchNorm(xs[0], null, null, weight, bias, training: true) };
        }, inputs.ToArray());
    }

    [Theory]
    [InlineData(new[] { 4, 3 })]
    [InlineData(new[] { 2, 3, 5 })]
    [InlineData(new[] { 2, 3, 2, 2 })]
    public void BatchNormEvaluationGradientsMatchFiniteDifferences(int[] shape)
    {
        var rng = new Rng(32);
        int channels = shape[1];
        var runningMean = Tensor.Randn(new[] { channels }, rng);
        var runningVar = Ops.Add(Tensor.Rand(new[] { channels }, rng), 0.5f);
        GradCheck.Check(xs => new[] { Ops.BatchNorm(xs[0], runningMean, runningVar, xs[1], xs[2], training: false) },
            new[] { Tensor.Randn(shape, rng), Tensor.Randn(new[] { channels }, rng), Tensor.Randn(new[] { channels }, rng) });
    }

    [Fact]
    public void BatchNormTrainingMatchesTheFormulaAndUpdatesRunningStatistics()
    {
        var rng = new Rng(33);
        int n = 3, c = 2, h = 2, w = 3;
        var x = Ops.Add(Ops.Mul(Tensor.Randn(new[] { n, c, h, w }, rng), 3f), 5f);
        var weight = Tensor.Randn(new[] { c }, rng);
        var bias = Tensor.Randn(new[] { c }, rng);
        var runningMean = Tensor.FromArray(new[] { 0.5f, -1f }, c);
        var runningVar = Tensor.FromArray(new[] { 2f, 0.25f }, c);
        var y = Ops.BatchNorm(x, runningMean, runningVar, weight, bias, training: true, momentum: 0.2f, eps: 1e-3f);
        int count = n * h * w;
        var expectedMean = new[] { 0.5, -1.0 };
        var expectedVar = new[] { 2.0, 0.25 };
        for (int ch = 0; ch < c; ch++)
        {
            var values = new List<double>();
            for (int b = 0; b < n; b++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++) values.Add(x[b, ch, i, j]);
            double mean = values.Average();
            double variance = values.Sum(v => (v - mean) * (v - mean)) / count;
            for (int b = 0; b < n; b++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++)
                        Assert.Equal((x[b, ch, i, j] - mean) / Math.Sqrt(variance + 1e-3) * weight[ch] + bias[ch], y[b, ch, i, j], 1e-4);
            Assert.Equal(0.8 * expectedMean[ch] + 0.2 * mean, runningMean[ch], 1e-5);
            Assert.Equal(0.8 * expectedVar[ch] + 0.2 * variance * count / (count - 1), runningVar[ch], 1e-4);
        }

        // evaluation uses (and leaves alone) the running statistics
        var before = runningMean.ToArray();
        var eval = Ops.BatchNorm(x, runningMean, runningVar, null, null, training: false);
        Assert.Equal(before, runningMean.ToArray());
        Assert.Equal((x[1, 1, 0, 2] - runningMean[1]) / Math.Sqrt(runningVar[1] + 1e-5), eval[1, 1, 0, 2], 1e-4);
    }

    [Theory]
    [InlineData(new[] { 3, 5 }, new[] { 5 }, true, true)]
    [InlineData(new[] { 2, 3, 4 }, new[] { 3, 4 }, true, true)]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4 }, false, false)]
    [InlineData(new[] { 4, 6 }, new[] { 6 }, true, false)]
    [InlineData(new[] { 2, 2, 5 }, new[] { 2, 2, 5 }, false, true)]
    public void LayerNormGradientsMatchFiniteDifferences(int[] shape, int[] normalizedShape, bool withWeight, bool withBias)
    {
        var rng = new Rng(34);
        var inputs = new List<Tensor> { Tensor.Randn(shape, rng) };
        if (withWeight) inputs.Add(Tensor.Randn(normalizedShape, rng));
        if (withBias) inputs.Add(Tensor.Randn(normalizedShape, rng));
        GradCheck.Check(xs =>
        {
            var weight = withWeight ? xs[1] : null;
            var bias = withBias ? xs[withWeight ? 2 : 1] : null;
            return new[] { Ops.LayerNorm(xs[0], normalizedShape, weight, bias) };
        }, inputs.ToArray());
    }

    [Fact]
    public void LayerNormNormalisesEachRow()
    {
        var x = Tensor.FromArray(new[] { 1f, 2f, 3f, 4f, 10f, 10f, 10f, 14f }, 2, 4);
        var y = Ops.LayerNorm(x, new[] { 4 }, eps: 0f).ToArray();
        double s = Math.Sqrt(1.25);
        var expected = new[] { -1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s, -1 / Math.Sqrt(3), -1 / Math.Sqrt(3), -1 / Math.Sqrt(3), 3 / Math.Sqrt(3) };
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], y[i], 1e-5);
    }

    [Fact]
    public void BatchNormValidation()
    {
        var x = Tensor.Zeros(4, 3);
        var stat = Tensor.Zeros(3);
        Assert.Equal("BatchNorm: input must have at least 2 dimensions [N, C, ...], got [3].",
            Assert.Throws<ArgumentException>(() => Ops.BatchNorm(Tensor.Zeros(3), stat, stat, null, null, true)).Message);
        Assert.Equal("BatchNorm: running_mean [4] does not match the 3 channels of input [4,3] (expected [3]).",
            Assert.Throws<ArgumentException>(() => Ops.BatchNorm(x, Tensor.Zeros(4), stat, null, null, true)).Message);
        Assert.Equal("BatchNorm: running_var [3,1] does not match the 3 channels of input [4,3] (expected [3]).",
            Assert.Throws<ArgumentException>(() => Ops.BatchNorm(x, stat, Tensor.Zeros(3, 1), null, null, true)).Message);
        Assert.Equal("BatchNorm: weight [2] does not match the 3 channels of input [4,3] (expected [3]).",
            Assert.Throws<ArgumentException>(() => Ops.BatchNorm(x, stat, stat, Tensor.Zeros(2), null, true)).Message);
        Assert.Equal("BatchNorm: bias [5] does not match the 3 channels of input [4,3] (expected [3]).",
            Assert.Throws<ArgumentException>(() => Ops.BatchNorm(x, stat, stat, null, Tensor.Zeros(5), true)).Message);
        Assert.Equal("BatchNorm: running_mean and running_var must both be given or both be null.",
            Assert.Throws<ArgumentException>(() => Ops.BatchNorm(x, stat, null, null, null, true)).Message);
        Assert.Equal("BatchNorm: evaluation mode needs running_mean and running_var (input [4,3]).",
            Assert.Throws<ArgumentException>(() => Ops.BatchNorm(x, null, null, null, null, false)).Message);
        Assert.Equal("BatchNorm: expected more than 1 value per channel when training, got input [1,3].",
            Assert.Throws<ArgumentException>(() => Ops.BatchNorm(Tensor.Zeros(1, 3), stat, stat, null, null, true)).Message);
        Assert.StartsWith("BatchNorm: eps must be non-negative, got -1.",
            Assert.Throws<ArgumentOutOfRangeException>(() => Ops.BatchNorm(x, stat, stat, null, null, true, eps: -1f)).Message);
        // one value per channel is fine outside training
        Assert.Equal(new[] { 1, 3 }, Ops.BatchNorm(Tensor.Zeros(1, 3), stat, Tensor.Ones(3), null, null, false).Shape);

        var tracked = Tensor.Zeros(3);
        tracked.RequiresGrad = true;
        Assert.Contains("cannot be modified in place",
            Assert.Throws<InvalidOperationException>(() => Ops.BatchNorm(Tensor.Randn(4, 3), tracked, stat, null, null, true)).Message);
    }

    [Fact]
    public void LayerNormValidation()
    {
        var x = Tensor.Zeros(2, 3);
        Assert.Equal("LayerNorm: the normalized shape needs at least one dimension (input [2,3]).",
            Assert.Throws<ArgumentException>(() => Ops.LayerNorm(x, Array.Empty<int>())).Message);
        Assert.Equal("LayerNorm: normalized shape [4] does not match the trailing dimensions of input [2,3].",
            Assert.Throws<ArgumentException>(() => Ops.LayerNorm(x, new[] { 4 })).Message);
        Assert.Equal("LayerNorm: normalized shape [1,2,3] does not match the trailing dimensions of input [2,3].",
            Assert.Throws<ArgumentException>(() => Ops.LayerNorm(x, new[] { 1, 2, 3 })).Message);
        Assert.Equal("LayerNorm: weight [2] does not match the normalized shape [3].",
            Assert.Throws<ArgumentException>(() => Ops.LayerNorm(x, new[] { 3 }, Tensor.Zeros(2))).Message);
        Assert.Equal("LayerNorm: bias [1,3] does not match the normalized shape [3].",
            Assert.Throws<ArgumentException>(() => Ops.LayerNorm(x, new[] { 3 }, null, Tensor.Zeros(1, 3))).Message);
        Assert.Equal("LayerNorm: normalized shape [0] has no elements.",
            Assert.Throws<ArgumentException>(() => Ops.LayerNorm(Tensor.Zeros(2, 0), new[] { 0 })).Message);
        Assert.StartsWith("LayerNorm: eps must be non-negative, got NaN.",
            Assert.Throws<ArgumentOutOfRangeException>(() => Ops.LayerNorm(x, new[] { 3 }, eps: float.NaN)).Message);
    }
}
