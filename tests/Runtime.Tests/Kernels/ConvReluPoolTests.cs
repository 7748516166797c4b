using Kiln.Kernels;

namespace Kiln.Runtime.Tests.Kernels;

/// <summary>
/// The fused conv2d + bias → ReLU → 2×2 max-pool kernel (<see cref="ConvReluPool"/>) on every path (direct kernels at
/// both widths, im2col) against the unfused kernels run one after the other, its backward against max-pool's
/// backward masked by the ReLU, and its gradients (through the convolution's gradient kernels) against central
/// finite differences.
/// </summary>
public class ConvReluPoolTests
{
    public static TheoryData<int, int, int, int, int, int, int, int> Geometries => new()
    {
        { 3, 1, 28, 28, 8, 3, 3, 1 },  // the CNN's first convolution (pooled rows of 14: two overlapping vectors of 8)
        { 2, 8, 14, 14, 16, 3, 3, 1 }, // its second (pooled rows of 7: two overlapping vectors of 4)
        { 2, 3, 7, 9, 5, 3, 2, 0 },    // odd output (5x8): the last row belongs to no window; 5 channels
        { 1, 2, 6, 21, 3, 3, 3, 1 },   // pooled rows of 10 (the odd 21st column belongs to no window)
        { 2, 2, 5, 5, 4, 2, 2, 0 },    // 4x4 output, even kernel: rows of 2 windows, shorter than a vector
    };

    static readonly Convolution.Path[] Paths = { Convolution.Path.Im2Col, Convolution.Path.Direct256, Convolution.Path.Direct512 };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Forward_IsConvThenReluThenMaxPool_OnEveryPath(int n, int cin, int h, int w, int cout, int kh, int kw, int pad)
    {
        var g = new Conv2dGeometry(n, cin, h, w, cout, kh, kw, 1, 1, pad, pad);
        var (x, weight, bias) = Inputs(g, seed: 11 + h * 7 + cin);
        foreach (var path in Paths)
            foreach (var withBias in new[] { true, false })
            {
                var b = withBias ? bias : Array.Empty<float>();
                var (expected, expectedWinner) = Unfused(g, x, weight, b, path);
                var (pooled, argmax) = Fused(g, x, weight, b, path);
                string what = $"{path}, bias {withBias}, {g}";
                Assert.Equal(expected, pooled);
                for (int i = 0; i < pooled.Length; i++)
                    // Where the ReLU zeroed the window every position ties; elsewhere the winner is unique on random data.
                    if (pooled[i] > 0f) Assert.True(expectedWinner[i] == argmax[i], $"{what}: argmax {i} is {argmax[i]}, expected {expectedWinner[i]}");

                // The forward-only call (no argmax kept) writes the same pooled values.
                var scratch = new float[ConvReluPool.ScratchLength(g)];
                var alone = new float[pooled.Length];
                ConvReluPool.Forward(x, weight, b, alone, Span<float>.Empty, scratch, g, path);
                Assert.Equal(pooled, alone);
            }
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Backward_IsMaxPoolBackwardMaskedByTheRelu(int n, int cin, int h, int w, int cout, int kh, int kw, int pad)
    {
        var g = new Conv2dGeometry(n, cin, h, w, cout, kh, kw, 1, 1, pad, pad);
        var (x, weight, bias) = Inputs(g, seed: 5 + w);
        var (pooled, argmax) = Fused(g, x, weight, bias, Convolution.Path.Auto);
        var gradPooled = Tensor.Randn(new[] { pooled.Length }, new Rng(9)).ToArray();

        // Unfused: the ReLU output, max-pool's indices over it, max-pool's backward, then relu_backward's mask.
        var conv = new float[g.Batch * g.OutputImageSize];
        Convolution.Conv2dForward(x, weight, bias, conv, new float[g.ColumnsLength], g);
        var relu = conv.Select(v => Math.Max(v, 0f)).ToArray();
        var pool = PoolGeometry(g);
        var indices = new int[pooled.Length];
        Pooling.MaxPool2dForward(relu, new float[pooled.Length], indices, pool);
        var expected = new float[conv.Length];
        Pooling.MaxPool2dBackward(gradPooled, indices, expected, pool);
        for (int i = 0; i < expected.Length; i++) if (relu[i] <= 0f) expected[i] = 0f;

        var actual = Enumerable.Repeat(float.NaN, conv.Length).ToArray();
        ConvReluPool.Backward(gradPooled, pooled, argmax, actual, g.Batch * g.OutChannels, g.OutputHeight, g.OutputWidth);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void BackwardWeight_IsTheScatterThenTheWeightGradient_OnEveryPath(int n, int cin, int h, int w, int cout, int kh, int kw, int pad)
    {
        var g = new Conv2dGeometry(n, cin, h, w, cout, kh, kw, 1, 1, pad, pad);
        var (x, weight, bias) = Inputs(g, seed: 17 + h);
        var (pooled, argmax) = Fused(g, x, weight, bias, Convolution.Path.Auto);
        var rng = new Rng(19);
        var gradPooled = Tensor.Randn(new[] { pooled.Length }, rng).ToArray();
        var start = Tensor.Randn(new[] { weight.Length }, rng).ToArray();
        var gradConv = new float[g.Batch * g.OutputImageSize];
        ConvReluPool.Backward(gradPooled, pooled, argmax, gradConv, g.Batch * g.OutChannels, g.OutputHeight, g.OutputWidth);
        foreach (var path in Paths)
            foreach (var accumulate in new[] { false, true })
            {
                var expected = accumulate ? (float[])start.Clone() : new float[weight.Length];
                Convolution.Conv2dBackwardWeight(x, gradConv, expected, Span<float>.Empty, new float[g.ColumnsLength], g, accumulate, path);
                var actual = accumulate ? (float[])start.Clone() : Enumerable.Repeat(float.NaN, weight.Length).ToArray();
                var scratch = Enumerable.Repeat(float.NaN, ConvReluPool.ScratchLength(g)).ToArray();
                ConvReluPool.BackwardWeight(x, gradPooled, pooled, argmax, actual, scratch, g, accumulate, path);
                // The im2col path sums image by image in the same order, the direct one in the same vector partials: close, not always bitwise.
                for (int i = 0; i < expected.Length; i++)
                    Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"{path}, accumulate {accumulate}, {g}: weight gradient {i} is {actual[i]}, expected {expected[i]}");
            }
    }

    /// <summary>f = Σ r ⊙ fused(x, w, b): the gradients of x, w and b against central differences of f.</summary>
    [Fact]
    public void Gradients_MatchFiniteDifferences()
    {
        var g = new Conv2dGeometry(2, 2, 5, 6, 3, 3, 3, 1, 1, 1, 1);
        var (x, weight, bias) = Inputs(g, seed: 3);
        int pooledLength = ConvReluPool.PooledLength(g);
        var r = Tensor.Randn(new[] { pooledLength }, new Rng(4)).ToArray();
        var scratch = new float[Math.Max(ConvReluPool.ScratchLength(g), g.ColumnsLength)];

        var (pooled, argmax) = Fused(g, x, weight, bias, Convolution.Path.Auto);
        var gradConv = new float[g.Batch * g.OutputImageSize];
        ConvReluPool.Backward(r, pooled, argmax, gradConv, g.Batch * g.OutChannels, g.OutputHeight, g.OutputWidth);
        var gx = new float[x.Length];
        var gw = new float[weight.Length];
        var gb = new float[bias.Length];
        // As the compiled graph computes them: the input gradient from the scatter, the weight gradient straight from
        // the pooled gradient, the bias gradient as the pooled gradient's sum under the ReLU's mask.
        Convolution.Conv2dBackwardInput(gradConv, weight, gx, scratch, g);
        ConvReluPool.BackwardWeight(x, r, pooled, argmax, gw, scratch, g);
        int perChannel = pooledLength / (g.Batch * g.OutChannels);
        for (int i = 0; i < pooledLength; i++) if (pooled[i] > 0f) gb[i / perChannel % g.OutChannels] += r[i];

        int checkedCount = 0;
        foreach (var (values, gradient, name) in new[] { (x, gx, "x"), (weight, gw, "weight"), (bias, gb, "bias") })
            for (int i = 0; i < values.Length; i++)
            {
                const float eps = 1e-2f;
                float saved = values[i];
                values[i] = saved + eps;
                var (plus, plusArgmax) = Fused(g, x, weight, bias, Convolution.Path.Auto);
                values[i] = saved - eps;
                var (minus, minusArgmax) = Fused(g, x, weight, bias, Convolution.Path.Auto);
                values[i] = saved;
                // A step that moves a window's winner or crosses the ReLU's kink measures neither side's derivative.
                if (!plusArgmax.SequenceEqual(minusArgmax) || plus.Zip(minus).Any(p => p.First > 0f != p.Second > 0f)) continue;
                double numeric = (Dot(r, plus) - Dot(r, minus)) / (2 * eps);
                Assert.True(Math.Abs(numeric - gradient[i]) <= 1e-2 * (1 + Math.Abs(numeric)),
                    $"d/d{name}[{i}]: analytic {gradient[i]}, numeric {numeric}");
                checkedCount++;
            }
        // Most entries must have been checked (only those near a kink or a tie are skipped).
        Assert.True(checkedCount > (x.Length + weight.Length + bias.Length) / 2, $"only {checkedCount} entries checked");
    }

    [Fact]
    public void TooSmallBuffers_AreAClearError()
    {
        var g = new Conv2dGeometry(1, 1, 4, 4, 2, 3, 3, 1, 1, 1, 1);
        var (x, weight, bias) = Inputs(g, seed: 1);
        var e = Assert.Throws<ArgumentException>(() =>
            ConvReluPool.Forward(x, weight, bias, new float[3], Span<float>.Empty, new float[ConvReluPool.ScratchLength(g)], g));
        Assert.Contains("ConvReluPool.Forward", e.Message);
        e = Assert.Throws<ArgumentException>(() => ConvReluPool.Backward(new float[8], new float[8], new float[8], new float[10], 2, 4, 4));
        Assert.Contains("too small", e.Message);
    }

    static (float[] X, float[] Weight, float[] Bias) Inputs(in Conv2dGeometry g, int seed)
    {
        var rng = new Rng(seed);
        return (Tensor.Randn(new[] { g.Batch * g.InputImageSize }, rng).ToArray(),
            Tensor.Randn(new[] { g.OutChannels * g.PatchSize }, rng).ToArray(),
            Tensor.Randn(new[] { g.OutChannels }, rng).ToArray());
    }

    static (float[] Pooled, float[] ArgMax) Fused(in Conv2dGeometry g, float[] x, float[] weight, float[] bias, Convolution.Path path)
    {
        // Dirty scratch and outputs: the kernel must not depend on what a previous call left there.
        var scratch = Enumerable.Repeat(float.NaN, ConvReluPool.ScratchLength(g)).ToArray();
        var pooled = Enumerable.Repeat(float.NaN, ConvReluPool.PooledLength(g)).ToArray();
        var argmax = Enumerable.Repeat(float.NaN, pooled.Length).ToArray();
        ConvReluPool.Forward(x, weight, bias, pooled, argmax, scratch, g, path);
        return (pooled, argmax);
    }

    /// <summary>The unfused kernels: convolution (same path), ReLU, max-pool; each window's winner as a position 0..3.</summary>
    static (float[] Pooled, float[] Winner) Unfused(in Conv2dGeometry g, float[] x, float[] weight, float[] bias, Convolution.Path path)
    {
        var conv = new float[g.Batch * g.OutputImageSize];
        Convolution.Conv2dForward(x, weight, bias, conv, new float[g.ColumnsLength], g, path);
        var relu = conv.Select(v => Math.Max(v, 0f)).ToArray();
        var pool = PoolGeometry(g);
        var pooled = new float[ConvReluPool.PooledLength(g)];
        var indices = new int[pooled.Length];
        Pooling.MaxPool2dForward(relu, pooled, indices, pool);
        int width = g.OutputWidth;
        var winner = indices.Select(at => (float)(at / width % 2 * 2 + at % width % 2)).ToArray();
        return (pooled, winner);
    }

    static Pool2dGeometry PoolGeometry(in Conv2dGeometry g) =>
        new(g.Batch * g.OutChannels, g.OutputHeight, g.OutputWidth, 2, 2, 2, 2, 0, 0);

    static double Dot(float[] a, float[] b) => a.Zip(b).Sum(p => (double)p.First * p.Second);
}
