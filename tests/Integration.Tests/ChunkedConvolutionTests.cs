using Kiln.Compiled;
using Kiln.Integration.Tests.Models;
using Kiln.Kernels;
using Kiln.Optim;
using Kiln.Tests.Shared;

namespace Kiln.Integration.Tests;

/// <summary>
/// The batch-chunked convolution generated code calls: the same numbers as the serial kernels, in parallel when the
/// convolution is large enough, serial when the caller's scratch only fits one image, and no allocation per call.
/// Kiln.Threads.Max decides the chunk count, and ThreadsSettingTests changes it: the two classes never run at once.
/// </summary>
[Collection(ThreadsSettingTests.Collection)]
public sealed class ChunkedConvolutionTests
{
    // Large enough to be split (16·72·196 multiply-adds per image, 32 images), small enough for a test.
    static readonly Conv2dGeometry Large = new(32, 8, 14, 14, 16, 3, 3, 1, 1, 1, 1);

    static float[] Random(Rng rng, int count) => Tensor.Randn(new[] { count }, rng).ToArray();

    static void AssertClose(float[] expected, float[] actual, string what) =>
        StaticDynamicParityTests.AssertClose(Tensor.FromArray(expected, expected.Length), Tensor.FromArray(actual, actual.Length), what);

    [Fact]
    public void ChunkedKernels_MatchTheSerialKernels()
    {
        var g = Large;
        Assert.Equal(Math.Min(g.Batch, Threads.Max), Convolution.BatchChunks(g));
        var rng = new Rng(41);
        var x = Random(rng, g.Batch * g.InputImageSize);
        var w = Random(rng, g.OutChannels * g.PatchSize);
        var b = Random(rng, g.OutChannels);
        var gy = Random(rng, g.Batch * g.OutputImageSize);
        var columns = new float[g.ColumnsLength];

        var y = new float[gy.Length];
        var yChunked = new float[gy.Length];
        Convolution.Conv2dForward(x, w, b, y, columns, g);
        ChunkedConvolution.Conv2dForward(x, w, b, yChunked, new float[ChunkedConvolution.ScratchLength(g, weightGradient: false)], g);
        AssertClose(y, yChunked, "forward");

        var gx = new float[x.Length];
        var gxChunked = Random(rng, x.Length); // overwritten, not accumulated
        Convolution.Conv2dBackwardInput(gy, w, gx, columns, g);
        ChunkedConvolution.Conv2dBackwardInput(gy, w, gxChunked, new float[ChunkedConvolution.ScratchLength(g, weightGradient: false)], g);
        AssertClose(gx, gxChunked, "input gradient");

        foreach (bool accumulate in new[] { false, true })
        {
            var start = Random(rng, w.Length + b.Length);
            float[] gw = start[..w.Length], gb = start[w.Length..], gwChunked = start[..w.Length], gbChunked = start[w.Length..];
            Convolution.Conv2dBackwardWeight(x, gy, gw, gb, columns, g, accumulate);
            ChunkedConvolution.Conv2dBackwardWeight(x, gy, gwChunked, gbChunked, new float[ChunkedConvolution.ScratchLength(g, weightGradient: true)], g, accumulate);
            AssertClose(gw, gwChunked, $"weight gradient (accumulate: {accumulate})");
            AssertClose(gb, gbChunked, $"bias gradient (accumulate: {accumulate})");

            // Only the weight gradient: the bias span is empty.
            var onlyWeight = start[..w.Length];
            ChunkedConvolution.Conv2dBackwardWeight(x, gy, onlyWeight, Span<float>.Empty, new float[ChunkedConvolution.ScratchLength(g, weightGradient: true)], g, accumulate);
            AssertClose(gw, onlyWeight, $"weight gradient alone (accumulate: {accumulate})");
        }
    }

    [Fact]
    public void ScratchForOneImage_RunsTheBatchSerially()
    {
        var g = Large;
        var rng = new Rng(42);
        var x = Random(rng, g.Batch * g.InputImageSize);
        var w = Random(rng, g.OutChannels * g.PatchSize);
        var y = new float[g.Batch * g.OutputImageSize];
        var expected = new float[y.Length];
        Convolution.Conv2dForward(x, w, ReadOnlySpan<float>.Empty, expected, new float[g.ColumnsLength], g);
        ChunkedConvolution.Conv2dForward(x, w, ReadOnlySpan<float>.Empty, y, new float[g.ColumnsLength], g);
        Assert.Equal(expected, y);
    }

    [Fact]
    public void ChunkedForwardAndBackward_AllocateNothing()
    {
        var g = Large;
        var rng = new Rng(43);
        var x = Random(rng, g.Batch * g.InputImageSize);
        var w = Random(rng, g.OutChannels * g.PatchSize);
        var gy = Random(rng, g.Batch * g.OutputImageSize);
        var y = new float[gy.Length];
        var gw = new float[w.Length];
        var scratch = new float[ChunkedConvolution.ScratchLength(g, weightGradient: true)];
        Assert.Equal(0, SteadyState.AllocatedBytes(() =>
        {
            ChunkedConvolution.Conv2dForward(x, w, ReadOnlySpan<float>.Empty, y, scratch, g);
            ChunkedConvolution.Conv2dBackwardWeight(x, gy, gw, Span<float>.Empty, scratch, g);
        }));
    }

    /// <summary>A batch large enough that both the eager op and the generated graph split their convolutions.</summary>
    [Fact]
    public void Cnn_MatchesTheTape_WithTheBatchSplitAcrossCores()
    {
        var rng = new Rng(44);
        const int n = 2048;
        Assert.True(Convolution.BatchChunks(new Conv2dGeometry(n, 1, 8, 8, 4, 3, 3, 1, 1, 1, 1)) == Math.Min(n, Threads.Max));
        var images = Tensor.Randn(new[] { n, 1, 8, 8 }, rng);
        var labels = IntTensor.FromArray(Enumerable.Range(0, n).Select(_ => rng.NextInt(0, 10)).ToArray(), n);
        StaticDynamicParityTests.AssertParity(() => new Cnn(), m => m.Loss(images, labels), m => m.LossGraph.Forward(images, labels),
            m => m.LossGraph.ForwardBackward(images, labels), p => new Sgd(p, lr: 0.05f));
    }

    [Fact]
    public void ShortBatchBuffers_AreRejectedBeforeAnyChunkRuns()
    {
        var g = Large;
        var w = new float[g.OutChannels * g.PatchSize];
        var scratch = new float[ChunkedConvolution.ScratchLength(g, weightGradient: true)];
        var error = Assert.Throws<ArgumentException>(() =>
            ChunkedConvolution.Conv2dForward(new float[g.Batch * g.InputImageSize - 1], w, ReadOnlySpan<float>.Empty, new float[g.Batch * g.OutputImageSize], scratch, g));
        Assert.Contains("Conv2dForward", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() =>
            ChunkedConvolution.Conv2dBackwardWeight(new float[g.Batch * g.InputImageSize], new float[g.OutputImageSize], w, Span<float>.Empty, scratch, g));
    }
}
