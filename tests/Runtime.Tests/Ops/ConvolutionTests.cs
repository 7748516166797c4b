using Kiln.Kernels;
using Kiln.Runtime.Tests.Support;

namespace Kiln.Runtime.Tests.OpTests;

public class ConvolutionTests
{
    public static TheoryData<string> Conv1dCases => OpFixture.CasesOf("conv1d");
    public static TheoryData<string> Conv2dCases => OpFixture.CasesOf("conv2d");

    [Theory]
    [MemberData(nameof(Conv1dCases))]
    public void Conv1dMatchesPyTorch(string name)
    {
        var f = OpFixture.Load(name);
        var x = f.Leaf("x");
        var weight = f.Leaf("weight");
        var bias = f.OptionalLeaf("bias");
        f.CheckAll(("out", Ops.Conv1d(x, weight, bias, f.IntAttr("stride"), f.IntAttr("padding"))));
    }

    [Theory]
    [MemberData(nameof(Conv2dCases))]
    public void Conv2dMatchesPyTorch(string name)
    {
        var f = OpFixture.Load(name);
        var x = f.Leaf("x");
        var weight = f.Leaf("weight");
        var bias = f.OptionalLeaf("bias");
        f.CheckAll(("out", Ops.Conv2d(x, weight, bias, f.PairAttr("stride"), f.PairAttr("padding"))));
    }

    [Theory]
    [InlineData(2, 3, 7, 4, 3, 1, 0, true)]
    [InlineData(2, 2, 8, 3, 3, 2, 1, true)]
    [InlineData(1, 3, 5, 2, 1, 1, 0, false)] // pointwise: no im2col
    [InlineData(2, 2, 4, 2, 6, 1, 1, false)] // kernel as wide as the padded input
    [InlineData(1, 2, 9, 2, 2, 3, 2, true)] // stride larger than the kernel skips inputs
    public void Conv1dGradientsMatchFiniteDifferences(int n, int cin, int length, int cout, int kernel, int stride, int padding, bool withBias)
    {
        var rng = new Rng(11);
        var inputs = new List<Tensor> { Tensor.Randn(new[] { n, cin, length }, rng), Tensor.Randn(new[] { cout, cin, kernel }, rng) };
        if (withBias) inputs.Add(Tensor.Randn(new[] { cout }, rng));
        GradCheck.Check(xs => new[] { Ops.Conv1d(xs[0], xs[1], withBias ? xs[2] : null, stride, padding) }, inputs.ToArray());
    }

    [Theory]
    [InlineData(2, 2, 5, 5, 3, 3, 3, 1, 1, 1, 1, true)]
    [InlineData(1, 2, 6, 7, 3, 2, 3, 2, 1, 1, 0, false)] // rectangular kernel, stride and padding per axis
    [InlineData(2, 3, 4, 4, 2, 1, 1, 1, 1, 0, 0, true)] // pointwise
    [InlineData(1, 1, 5, 6, 2, 2, 2, 2, 2, 1, 1, true)]
    [InlineData(1, 2, 4, 5, 2, 3, 1, 1, 3, 0, 1, false)]
    public void Conv2dGradientsMatchFiniteDifferences(int n, int cin, int h, int w, int cout, int kh, int kw, int sh, int sw, int ph, int pw, bool withBias)
    {
        var rng = new Rng(12);
        var inputs = new List<Tensor> { Tensor.Randn(new[] { n, cin, h, w }, rng), Tensor.Randn(new[] { cout, cin, kh, kw }, rng) };
        if (withBias) inputs.Add(Tensor.Randn(new[] { cout }, rng));
        GradCheck.Check(xs => new[] { Ops.Conv2d(xs[0], xs[1], withBias ? xs[2] : null, (sh, sw), (ph, pw)) }, inputs.ToArray());
    }

    [Theory]
    [InlineData(3, 3, 9, 11, 5, 3, 3, 1, 1, 1, 1)]
    [InlineData(2, 4, 10, 7, 3, 5, 2, 2, 3, 2, 0)]
    [InlineData(1, 2, 6, 6, 4, 1, 1, 2, 2, 0, 0)] // 1×1 with stride: not the pointwise shortcut
    [InlineData(2, 1, 3, 3, 2, 3, 3, 1, 1, 2, 2)] // more padding than the kernel reaches on the far side
    public void Conv2dMatchesDirectConvolution(int n, int cin, int h, int w, int cout, int kh, int kw, int sh, int sw, int ph, int pw)
    {
        var rng = new Rng(13);
        var x = Tensor.Randn(new[] { n, cin, h, w }, rng);
        var weight = Tensor.Randn(new[] { cout, cin, kh, kw }, rng);
        var bias = Tensor.Randn(new[] { cout }, rng);
        var y = Ops.Conv2d(x, weight, bias, (sh, sw), (ph, pw));
        int oh = (h + 2 * ph - kh) / sh + 1, ow = (w + 2 * pw - kw) / sw + 1;
        Assert.Equal(new[] { n, cout, oh, ow }, y.Shape);
        for (int b = 0; b < n; b++)
            for (int co = 0; co < cout; co++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++)
                    {
                        double sum = bias[co];
                        for (int ci = 0; ci < cin; ci++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++)
                                {
                                    int iy = oy * sh - ph + i, ix = ox * sw - pw + j;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                    sum += x[b, ci, iy, ix] * weight[co, ci, i, j];
                                }
                        Assert.Equal(sum, y[b, co, oy, ox], 1e-4);
                    }
    }

    [Fact]
    public void LargeBatchesSplitAcrossCoresGiveThePerImageResults()
    {
        // 8·16·(16·3·3)·(16·16) ≈ 4.7M multiply-adds: above the threshold for running the batch in chunks
        var rng = new Rng(17);
        var x = Tensor.Randn(new[] { 8, 16, 16, 16 }, rng);
        var weight = Tensor.Randn(new[] { 16, 16, 3, 3 }, rng);
        var bias = Tensor.Randn(new[] { 16 }, rng);
        var upstream = Tensor.Randn(new[] { 8, 16, 16, 16 }, rng);
        foreach (var t in new[] { x, weight, bias }) t.RequiresGrad = true;
        var y = Ops.Conv2d(x, weight, bias, 1, 1);
        Ops.Sum(Ops.Mul(y, upstream)).Backward();

        var weightGrad = new double[weight.Count];
        var biasGrad = new double[bias.Count];
        for (int n = 0; n < 8; n++)
        {
            var xn = Tensor.FromArray(x.ToArray()[(n * 4096)..((n + 1) * 4096)], 1, 16, 16, 16);
            var wn = Tensor.FromArray(weight.ToArray(), weight.Shape);
            var bn = Tensor.FromArray(bias.ToArray(), bias.Shape);
            foreach (var t in new[] { xn, wn, bn }) t.RequiresGrad = true;
            var yn = Ops.Conv2d(xn, wn, bn, 1, 1);
            Assert.Equal(yn.ToArray(), y.ToArray()[(n * 4096)..((n + 1) * 4096)]);
            Ops.Sum(Ops.Mul(yn, Tensor.FromArray(upstream.ToArray()[(n * 4096)..((n + 1) * 4096)], 1, 16, 16, 16))).Backward();
            Assert.Equal(xn.Grad!.ToArray(), x.Grad!.ToArray()[(n * 4096)..((n + 1) * 4096)]);
            var gw = wn.Grad!.ToArray();
            for (int i = 0; i < gw.Length; i++) weightGrad[i] += gw[i];
            var gb = bn.Grad!.ToArray();
            for (int i = 0; i < gb.Length; i++) biasGrad[i] += gb[i];
        }
        var actualWeight = weight.Grad!.ToArray();
        for (int i = 0; i < actualWeight.Length; i++) Assert.Equal(weightGrad[i], actualWeight[i], 1e-3);
        var actualBias = bias.Grad!.ToArray();
        for (int i = 0; i < actualBias.Length; i++) Assert.Equal(biasGrad[i], actualBias[i], 1e-3);
    }

    [Fact]
    public void UnbatchedInputsKeepTheirRank()
    {
        var rng = new Rng(14);
        var x1 = Tensor.Randn(new[] { 2, 6 }, rng);
        var w1 = Tensor.Randn(new[] { 3, 2, 3 }, rng);
        var y1 = Ops.Conv1d(x1, w1, null, 1, 1);
        Assert.Equal(new[] { 3, 6 }, y1.Shape);
        Assert.Equal(Ops.Conv1d(Ops.Unsqueeze(x1, 0), w1, null, 1, 1).ToArray(), y1.ToArray());

        var x2 = Tensor.Randn(new[] { 2, 5, 5 }, rng);
        var w2 = Tensor.Randn(new[] { 3, 2, 3, 3 }, rng);
        Assert.Equal(new[] { 3, 3, 3 }, Ops.Conv2d(x2, w2, null, 2, 1).Shape);
        GradCheck.Check(xs => new[] { Ops.Conv2d(xs[0], xs[1], null, 2, 1) }, new[] { x2, w2 });
    }

    [Fact]
    public void GradientsAccumulateAcrossUses()
    {
        var rng = new Rng(15);
        var x = Tensor.Randn(new[] { 1, 2, 5, 5 }, rng);
        var weight = Tensor.Randn(new[] { 2, 2, 3, 3 }, rng);
        var bias = Tensor.Randn(new[] { 2 }, rng);
        GradCheck.Check(xs => new[] { Ops.Conv2d(Ops.Relu(Ops.Conv2d(xs[0], xs[1], xs[2], 1, 1)), xs[1], xs[2], 1, 1) }, new[] { x, weight, bias });
    }

    [Fact]
    public void KernelRunsOnCallerBuffers()
    {
        var rng = new Rng(16);
        var g = new Conv2dGeometry(2, 2, 5, 4, 3, 3, 2, 2, 1, 1, 0);
        var x = Tensor.Randn(new[] { 2, 2, 5, 4 }, rng);
        var weight = Tensor.Randn(new[] { 3, 2, 3, 2 }, rng);
        var y = new float[g.Batch * g.OutputImageSize];
        Convolution.Conv2dForward(x.Data, weight.Data, ReadOnlySpan<float>.Empty, y, new float[g.ColumnsLength], g);
        Assert.Equal(Ops.Conv2d(x, weight, null, (2, 1), (1, 0)).ToArray(), y);
        var ex = Assert.Throws<ArgumentException>(() =>
            Convolution.Conv2dForward(x.Data, weight.Data, ReadOnlySpan<float>.Empty, y, new float[g.ColumnsLength - 1], g));
        Assert.StartsWith("Conv2dForward: buffers too small", ex.Message);
    }

    [Fact]
    public void ValidationNamesTheOpAndShapes()
    {
        var x1 = Tensor.Zeros(2, 3, 8);
        var w1 = Tensor.Zeros(4, 3, 3);
        Assert.Equal("Conv1d: input must be 3-D [N, C_in, L] (or 2-D [C_in, L]), got [2,3,8,1].",
            Assert.Throws<ArgumentException>(() => Ops.Conv1d(Tensor.Zeros(2, 3, 8, 1), w1)).Message);
        Assert.Equal("Conv1d: weight must be 3-D [C_out, C_in, K], got [4,3].",
            Assert.Throws<ArgumentException>(() => Ops.Conv1d(x1, Tensor.Zeros(4, 3))).Message);
        Assert.Equal("Conv1d: input [2,3,8] and weight [4,2,3]: the input has 3 channels but the weight expects 2.",
            Assert.Throws<ArgumentException>(() => Ops.Conv1d(x1, Tensor.Zeros(4, 2, 3))).Message);
        Assert.Equal("Conv1d: bias [3] does not match weight [4,3,3] (expected [4]).",
            Assert.Throws<ArgumentException>(() => Ops.Conv1d(x1, w1, Tensor.Zeros(3))).Message);
        Assert.StartsWith("Conv1d: stride must be positive, got 0 (input [2,3,8]).",
            Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Conv1d(x1, w1, null, 0)).Message);
        Assert.StartsWith("Conv1d: padding must be non-negative, got -1 (input [2,3,8]).",
            Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Conv1d(x1, w1, null, 1, -1)).Message);
        Assert.Equal("Conv1d: input [2,3,2] and weight [4,3,5]: kernel size 5 is larger than the padded input size 4.",
            Assert.Throws<ArgumentException>(() => Ops.Conv1d(Tensor.Zeros(2, 3, 2), Tensor.Zeros(4, 3, 5), null, 1, 1)).Message);
        Assert.Equal("Conv1d: weight [4,3,0] has a zero-sized dimension.",
            Assert.Throws<ArgumentException>(() => Ops.Conv1d(x1, Tensor.Zeros(4, 3, 0))).Message);

        var x2 = Tensor.Zeros(1, 2, 4, 5);
        Assert.Equal("Conv2d: input must be 4-D [N, C_in, H, W] (or 3-D [C_in, H, W]), got [4,5].",
            Assert.Throws<ArgumentException>(() => Ops.Conv2d(Tensor.Zeros(4, 5), Tensor.Zeros(1, 2, 3, 3))).Message);
        Assert.Equal("Conv2d: weight must be 4-D [C_out, C_in, KH, KW], got [3,2,3].",
            Assert.Throws<ArgumentException>(() => Ops.Conv2d(x2, Tensor.Zeros(3, 2, 3))).Message);
        Assert.Equal("Conv2d: input [1,2,4,5] and weight [3,1,3,3]: the input has 2 channels but the weight expects 1.",
            Assert.Throws<ArgumentException>(() => Ops.Conv2d(x2, Tensor.Zeros(3, 1, 3, 3))).Message);
        Assert.Equal("Conv2d: input [1,2,4,5] and weight [3,2,5,2]: kernel size 5x2 is larger than the padded input size 4x5.",
            Assert.Throws<ArgumentException>(() => Ops.Conv2d(x2, Tensor.Zeros(3, 2, 5, 2))).Message);
        Assert.Equal("Conv2d: input [1,2,4,5] and weight [3,2,5,2]: kernel size 5x2 is larger than the padded input size 4x7.",
            Assert.Throws<ArgumentException>(() => Ops.Conv2d(x2, Tensor.Zeros(3, 2, 5, 2), null, (1, 1), (0, 1))).Message);
        Assert.Equal("Conv2d: input [3,4,5] and weight [3,2,3,3]: the input has 3 channels but the weight expects 2.",
            Assert.Throws<ArgumentException>(() => Ops.Conv2d(Tensor.Zeros(3, 4, 5), Tensor.Zeros(3, 2, 3, 3))).Message);
        Assert.StartsWith("Conv2d: stride must be positive, got -2 (input [1,2,4,5]).",
            Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Conv2d(x2, Tensor.Zeros(3, 2, 3, 3), null, (1, -2), (0, 0))).Message);
        Assert.StartsWith("Conv2d: padding must be non-negative, got -1 (input [1,2,4,5]).",
            Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Conv2d(x2, Tensor.Zeros(3, 2, 3, 3), null, 1, -1)).Message);
    }
}
