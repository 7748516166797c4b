using Kiln.Kernels;
using Kiln.Runtime.Tests.Support;

namespace Kiln.Runtime.Tests.OpTests;

public class PoolingTests
{
    public static TheoryData<string> PoolCases => OpFixture.CasesOf("max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d");

    [Theory]
    [MemberData(nameof(PoolCases))]
    public void PoolingMatchesPyTorch(string name)
    {
        var f = OpFixture.Load(name);
        Assert.False(f.Attr("ceil_mode").GetBoolean());
        var x = f.Leaf("x");
        int kernel = f.IntAttr("kernel_size"), stride = f.IntAttr("stride"), padding = f.IntAttr("padding");
        Tensor output = name switch
        {
            _ when name.StartsWith("max_pool1d") => Ops.MaxPool1d(x, kernel, stride, padding),
            _ when name.StartsWith("max_pool2d") => Ops.MaxPool2d(x, kernel, stride, padding),
            _ when name.StartsWith("avg_pool1d") => Ops.AvgPool1d(x, kernel, stride, padding),
            _ => Ops.AvgPool2d(x, kernel, stride, padding),
        };
        f.CheckAll(("out", output));
    }

    /// <summary>Distinct values 0.1 apart in a shuffled order, so finite differences never cross a tie.</summary>
    static Tensor WithoutTies(int[] shape, int seed)
    {
        var rng = new Rng(seed);
        int count = shape.Aggregate(1, (a, b) => a * b);
        var order = rng.Permutation(count);
        return Tensor.FromArray(order.Select(i => (i - count / 2) * 0.1f).ToArray(), shape);
    }

    [Theory]
    [InlineData(2, null, 0)]
    [InlineData(3, 2, 1)]
    [InlineData(3, 1, 1)] // overlapping windows: one input can be the maximum of several
    [InlineData(4, 3, 2)]
    public void MaxPool1dGradientsMatchFiniteDifferences(int kernel, int? stride, int padding)
    {
        GradCheck.Check(x => Ops.MaxPool1d(x, kernel, stride, padding), WithoutTies(new[] { 2, 3, 9 }, 21));
    }

    [Theory]
    [InlineData(2, null, 0)]
    [InlineData(3, 2, 1)]
    [InlineData(3, 1, 1)]
    [InlineData(4, 3, 2)]
    public void AvgPool1dGradientsMatchFiniteDifferences(int kernel, int? stride, int padding)
    {
        GradCheck.Check(x => Ops.AvgPool1d(x, kernel, stride, padding), Tensor.Randn(new[] { 2, 3, 9 }, new Rng(22)));
    }

    [Theory]
    [InlineData(2, 2, 2, 2, 0, 0)]
    [InlineData(3, 3, 2, 2, 1, 1)]
    [InlineData(2, 3, 1, 2, 1, 1)] // rectangular window
    [InlineData(3, 2, 2, 1, 0, 1)]
    public void MaxPool2dGradientsMatchFiniteDifferences(int kh, int kw, int sh, int sw, int ph, int pw)
    {
        GradCheck.Check(x => Ops.MaxPool2d(x, (kh, kw), (sh, sw), (ph, pw)), WithoutTies(new[] { 2, 2, 6, 7 }, 23));
    }

    [Theory]
    [InlineData(2, 2, 2, 2, 0, 0)]
    [InlineData(3, 3, 2, 2, 1, 1)]
    [InlineData(2, 3, 1, 2, 1, 1)]
    [InlineData(3, 2, 2, 1, 0, 1)]
    public void AvgPool2dGradientsMatchFiniteDifferences(int kh, int kw, int sh, int sw, int ph, int pw)
    {
        GradCheck.Check(x => Ops.AvgPool2d(x, (kh, kw), (sh, sw), (ph, pw)), Tensor.Randn(new[] { 2, 2, 6, 7 }, new Rng(24)));
    }

    [Fact]
    public void StrideDefaultsToTheKernel()
    {
        var x = Tensor.Randn(new[] { 1, 2, 8, 8 }, new Rng(25));
        Assert.Equal(new[] { 1, 2, 4, 4 }, Ops.MaxPool2d(x, 2).Shape);
        Assert.Equal(Ops.MaxPool2d(x, 2, 2).ToArray(), Ops.MaxPool2d(x, 2).ToArray());
        Assert.Equal(new[] { 1, 2, 2, 2 }, Ops.AvgPool2d(x, 3).Shape);
        Assert.Equal(new[] { 1, 2, 2 }, Ops.MaxPool1d(Tensor.Zeros(1, 2, 7), 3).Shape);
        Assert.Equal(new[] { 1, 2, 2, 2 }, Ops.MaxPool2d(x, (3, 4)).Shape);
    }

    [Fact]
    public void MaxPoolPadsWithNegativeInfinityAndAvgPoolCountsThePadding()
    {
        var x = Tensor.FromArray(new[] { -3f, -1f, -2f, -5f }, 1, 1, 4);
        // windows [pad, -3, -1], [-1, -2, -5]: the padding never wins
        Assert.Equal(new[] { -1f, -1f }, Ops.MaxPool1d(x, 3, 2, 1).ToArray());
        // windows [0, -3, -1] / 3 and [-1, -2, -5] / 3
        var avg = Ops.AvgPool1d(x, 3, 2, 1).ToArray();
        Assert.Equal(-4f / 3, avg[0], 6);
        Assert.Equal(-8f / 3, avg[1], 6);
    }

    [Theory]
    [InlineData(2, 3, 7, 9, 2, 2, 2, 2, 0, 0)] // the 2×2 stride-2 shortcut, odd sizes leave a row and column out
    [InlineData(1, 2, 8, 6, 2, 2, 2, 2, 0, 0)]
    [InlineData(2, 2, 7, 8, 3, 2, 2, 3, 1, 1)]
    [InlineData(1, 3, 5, 5, 3, 3, 1, 1, 1, 0)]
    public void MaxPool2dMatchesDirectMaximum(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw)
    {
        var x = Tensor.Randn(new[] { n, c, h, w }, new Rng(27));
        x.Data[5] = float.NaN; // NaN propagates like torch
        var y = Ops.MaxPool2d(x, (kh, kw), (sh, sw), (ph, pw));
        int oh = (h + 2 * ph - kh) / sh + 1, ow = (w + 2 * pw - kw) / sw + 1;
        Assert.Equal(new[] { n, c, oh, ow }, y.Shape);
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++)
                    {
                        float best = float.NegativeInfinity;
                        for (int i = 0; i < kh; i++)
                            for (int j = 0; j < kw; j++)
                            {
                                int iy = oy * sh - ph + i, ix = ox * sw - pw + j;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                float v = x[b, ch, iy, ix];
                                if (v > best || float.IsNaN(v)) best = float.IsNaN(best) ? best : v;
                            }
                        Assert.Equal(best, y[b, ch, oy, ox]);
                    }
    }

    [Fact]
    public void MaxPoolRoutesTheGradientToTheFirstMaximum()
    {
        var x = Tensor.FromArray(new[] { 1f, 4f, 4f, 2f }, 1, 1, 2, 2);
        x.RequiresGrad = true;
        Ops.Sum(Ops.MaxPool2d(x, 2)).Backward();
        Assert.Equal(new[] { 0f, 1f, 0f, 0f }, x.Grad!.ToArray());
    }

    [Fact]
    public void UnbatchedInputsKeepTheirRank()
    {
        var x = Tensor.Randn(new[] { 3, 6, 6 }, new Rng(26));
        Assert.Equal(new[] { 3, 3, 3 }, Ops.MaxPool2d(x, 2).Shape);
        Assert.Equal(new[] { 3, 3 }, Ops.AvgPool1d(Tensor.Zeros(3, 6), 2).Shape);
        GradCheck.Check(t => Ops.AvgPool2d(t, 3, 2, 1), x);
    }

    [Fact]
    public void MaxPoolKernelReturnsIndicesWithinEachPlane()
    {
        var g = new Pool2dGeometry(2, 2, 3, 2, 2, 2, 2, 0, 1);
        var x = new float[] { 1, 9, 3, 4, 5, 6, /* plane 2 */ 7, 1, 2, 3, 4, 8 };
        var y = new float[4];
        var indices = new int[4];
        Pooling.MaxPool2dForward(x, y, indices, g);
        Assert.Equal(new[] { 4f, 9f, 7f, 8f }, y);
        Assert.Equal(new[] { 3, 1, 0, 5 }, indices);
        var gx = new float[12];
        Pooling.MaxPool2dBackward(new float[] { 1, 2, 3, 4 }, indices, gx, g);
        Assert.Equal(new float[] { 0, 2, 0, 1, 0, 0, 3, 0, 0, 0, 0, 4 }, gx);
    }

    [Fact]
    public void ValidationNamesTheOpAndShapes()
    {
        var x1 = Tensor.Zeros(2, 3, 8);
        var x2 = Tensor.Zeros(2, 3, 4, 4);
        Assert.Equal("MaxPool1d: input must be 3-D [N, C, L] (or 2-D [C, L]), got [8].",
            Assert.Throws<ArgumentException>(() => Ops.MaxPool1d(Tensor.Zeros(8), 2)).Message);
        Assert.Equal("AvgPool2d: input must be 4-D [N, C, H, W] (or 3-D [C, H, W]), got [3,8].",
            Assert.Throws<ArgumentException>(() => Ops.AvgPool2d(Tensor.Zeros(3, 8), 2)).Message);
        Assert.StartsWith("MaxPool1d: kernel size must be positive, got 0 (input [2,3,8]).",
            Assert.Throws<ArgumentOutOfRangeException>(() => Ops.MaxPool1d(x1, 0)).Message);
        Assert.StartsWith("AvgPool1d: stride must be positive, got -1 (input [2,3,8]).",
            Assert.Throws<ArgumentOutOfRangeException>(() => Ops.AvgPool1d(x1, 2, -1)).Message);
        Assert.StartsWith("MaxPool2d: padding must be non-negative, got -1 (input [2,3,4,4]).",
            Assert.Throws<ArgumentOutOfRangeException>(() => Ops.MaxPool2d(x2, 2, 2, -1)).Message);
        Assert.StartsWith("MaxPool2d: padding 2 must be at most half the kernel size 3 (input [2,3,4,4]).",
            Assert.Throws<ArgumentOutOfRangeException>(() => Ops.MaxPool2d(x2, 3, 1, 2)).Message);
        Assert.Equal("AvgPool1d: input [2,3,8]: kernel size 11 is larger than the padded input size 10.",
            Assert.Throws<ArgumentException>(() => Ops.AvgPool1d(x1, 11, 1, 1)).Message);
        Assert.Equal("MaxPool2d: input [2,3,4,4]: kernel size 2x7 is larger than the padded input size 4x6.",
            Assert.Throws<ArgumentException>(() => Ops.MaxPool2d(x2, (2, 7), (1, 1), (0, 1))).Message);
    }
}

/// <summary>The vectorised 2×2 stride-2 max pooling at every width against a scalar reference: ties, NaNs, the last windows.</summary>
public class MaxPool2x2KernelTests
{
    [Theory]
    [InlineData(3, 28, 28)] // the CNN's first pooling: 14 outputs a row, a full vector and a partial one
    [InlineData(5, 14, 14)] // its second: 7 outputs a row
    [InlineData(2, 7, 9)]   // odd sizes leave the last row and column out
    [InlineData(1, 2, 2)]   // one window, no vector fits the buffer
    [InlineData(2, 4, 40)]
    public void EveryWidthMatchesTheScalarRule(int planes, int h, int w)
    {
        var rng = new Rng(planes * 100 + w);
        var x = Tensor.Randn(new[] { planes * h * w }, rng).ToArray();
        // Ties (the first maximum wins), NaNs (they propagate; the first NaN wins) and infinities.
        for (int i = 0; i < x.Length; i += 7) x[i] = MathF.Round(x[i]);
        for (int i = 3; i < x.Length; i += 11) x[i] = x[i - 1];
        for (int i = 5; i < x.Length; i += 37) x[i] = float.NaN;
        for (int i = 9; i < x.Length; i += 41) x[i] = float.NegativeInfinity;
        var g = new Pool2dGeometry(planes, h, w, 2, 2, 2, 2, 0, 0);
        int outputs = planes * g.OutputPlaneSize;
        var (expected, expectedIndices) = Reference(x, g);
        foreach (int bits in new[] { 0, 256, 512 })
        {
            var y = new float[outputs];
            var indices = new int[outputs];
            Pooling.MaxPool2x2(x, y, indices, g, bits);
            Assert.Equal(expectedIndices, indices);
            Assert.Equal(expected, y);
            var valuesOnly = new float[outputs];
            Pooling.MaxPool2x2(x, valuesOnly, Span<int>.Empty, g, bits);
            Assert.Equal(expected, valuesOnly);
        }
    }

    static (float[] Values, int[] Indices) Reference(float[] x, Pool2dGeometry g)
    {
        int outputs = g.Planes * g.OutputPlaneSize;
        var values = new float[outputs];
        var indices = new int[outputs];
        int o = 0;
        for (int p = 0; p < g.Planes; p++)
            for (int oy = 0; oy < g.OutputHeight; oy++)
                for (int ox = 0; ox < g.OutputWidth; ox++, o++)
                {
                    float best = float.NaN;
                    int at = -1;
                    foreach (var (dy, dx) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
                    {
                        int index = (2 * oy + dy) * g.Width + 2 * ox + dx;
                        float v = x[p * g.InputPlaneSize + index];
                        if (at < 0 || (!float.IsNaN(best) && (v > best || float.IsNaN(v)))) { best = v; at = index; }
                    }
                    values[o] = best;
                    indices[o] = at;
                }
        return (values, indices);
    }
}
