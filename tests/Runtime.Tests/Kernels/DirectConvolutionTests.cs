using Kiln.Kernels;

namespace Kiln.Runtime.Tests.Kernels;

/// <summary>
/// The direct convolution kernels (stride 1, few channels) at both vector widths against im2col + GEMM on the same
/// machine: forward with and without bias, input gradient, weight and bias gradients, overwrite and accumulate.
/// </summary>
public class DirectConvolutionTests
{
    [Theory]
    [InlineData(3, 1, 28, 28, 8, 3, 3, 1, 1)]   // the CNN's first convolution
    [InlineData(2, 8, 14, 14, 16, 3, 3, 1, 1)]  // its second
    [InlineData(2, 3, 7, 9, 5, 3, 2, 0, 1)]     // odd channel counts (not multiples of the 4-channel block), rectangular
    [InlineData(1, 2, 5, 6, 3, 5, 5, 2, 2)]     // 5×5 "same" padding
    [InlineData(2, 5, 4, 4, 7, 2, 2, 1, 0)]     // even kernel, padding on one axis only
    [InlineData(1, 4, 1, 17, 6, 1, 3, 0, 1)]    // a 1-D convolution (H = KH = 1)
    [InlineData(1, 2, 3, 3, 2, 3, 3, 0, 0)]     // one output position
    public void MatchesIm2Col(int n, int cin, int h, int w, int cout, int kh, int kw, int ph, int pw)
    {
        var g = new Conv2dGeometry(n, cin, h, w, cout, kh, kw, 1, 1, ph, pw);
        Assert.True(DirectConvolution.Applies(g) || DirectConvolution.HardwareWide is null);
        var rng = new Rng(7 + cin * 31 + h);
        var x = Tensor.Randn(new[] { g.Batch * g.InputImageSize }, rng).ToArray();
        var weight = Tensor.Randn(new[] { g.OutChannels * g.PatchSize }, rng).ToArray();
        var bias = Tensor.Randn(new[] { g.OutChannels }, rng).ToArray();
        var gy = Tensor.Randn(new[] { g.Batch * g.OutputImageSize }, rng).ToArray();
        var start = Tensor.Randn(new[] { weight.Length }, rng).ToArray();

        var reference = Run(Convolution.Path.Im2Col, g, x, weight, bias, gy, start);
        foreach (var path in new[] { Convolution.Path.Direct256, Convolution.Path.Direct512 })
        {
            var direct = Run(path, g, x, weight, bias, gy, start);
            for (int i = 0; i < reference.Length; i++)
                AssertClose(reference[i], direct[i], $"{path} output {i} of {g}");
        }
    }

    /// <summary>Forward (bias / no bias), input gradient, weight+bias gradient (overwritten, then accumulated onto <paramref name="start"/>).</summary>
    static float[][] Run(Convolution.Path path, in Conv2dGeometry g, float[] x, float[] weight, float[] bias, float[] gy, float[] start)
    {
        // Dirty scratch: the kernels must not depend on what a previous call left there.
        var scratch = Enumerable.Repeat(float.NaN, g.ColumnsLength).ToArray();
        var y = new float[gy.Length];
        var yNoBias = new float[gy.Length];
        Convolution.Conv2dForward(x, weight, bias, y, scratch, g, path);
        Convolution.Conv2dForward(x, weight, ReadOnlySpan<float>.Empty, yNoBias, scratch, g, path);
        var gx = Enumerable.Repeat(float.NaN, x.Length).ToArray();
        Convolution.Conv2dBackwardInput(gy, weight, gx, scratch, g, path);
        var gw = Enumerable.Repeat(float.NaN, weight.Length).ToArray();
        var gb = new float[bias.Length];
        Convolution.Conv2dBackwardWeight(x, gy, gw, gb, scratch, g, accumulate: false, path);
        var gwAccumulated = (float[])start.Clone();
        Convolution.Conv2dBackwardWeight(x, gy, gwAccumulated, Span<float>.Empty, scratch, g, accumulate: true, path);
        return new[] { y, yNoBias, gx, gw, gb, gwAccumulated };
    }

    static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = 1e-3f + expected.Max(MathF.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 2e-5f * scale, $"{what}: element {i} is {actual[i]}, im2col gives {expected[i]}");
    }

    [Fact]
    public void ChosenForTheCnnButNotForStridesOrManyChannels()
    {
        if (DirectConvolution.HardwareWide is null) return; // no SIMD: im2col everywhere
        Assert.True(DirectConvolution.Applies(new Conv2dGeometry(128, 1, 28, 28, 8, 3, 3, 1, 1, 1, 1)));
        Assert.True(DirectConvolution.Applies(new Conv2dGeometry(128, 8, 14, 14, 16, 3, 3, 1, 1, 1, 1)));
        Assert.False(DirectConvolution.Applies(new Conv2dGeometry(1, 8, 14, 14, 16, 3, 3, 2, 2, 1, 1)));     // stride 2
        Assert.False(DirectConvolution.Applies(new Conv2dGeometry(1, 128, 14, 14, 128, 3, 3, 1, 1, 1, 1)));  // many channels
        Assert.False(DirectConvolution.Applies(new Conv2dGeometry(1, 8, 14, 14, 16, 1, 1, 1, 1, 0, 0)));     // pointwise
        Assert.False(DirectConvolution.Applies(new Conv2dGeometry(1, 8, 14, 14, 16, 3, 3, 1, 1, 3, 3)));     // padding ≥ kernel
    }
}
