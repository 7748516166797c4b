using Kiln.Compiled;
using Kiln.Kernels;

namespace Kiln.Integration.Tests;

/// <summary>Tests that change <see cref="Threads.Max"/> (a process-wide setting) run alone.</summary>
[CollectionDefinition(ThreadsSettingTests.Collection, DisableParallelization = true)]
public sealed class ThreadsSettingCollection;

/// <summary>
/// <see cref="Threads.Max"/> is the one bound on every parallel kernel: at 1 the GEMM never splits and a convolution,
/// eager or generated, runs as one chunk on the calling thread.
/// </summary>
[Collection(Collection)]
public sealed class ThreadsSettingTests
{
    public const string Collection = "Kiln.Threads";

    // Large enough to be split whenever more than one thread is allowed (see ChunkedConvolutionTests).
    static readonly Conv2dGeometry Large = new(32, 8, 14, 14, 16, 3, 3, 1, 1, 1, 1);

    static void WithThreads(int count, Action body)
    {
        int saved = Threads.Max;
        try
        {
            Threads.Set(count);
            body();
        }
        finally
        {
            Threads.Max = saved;
        }
    }

    [Fact]
    public void OneThread_ConvolutionsRunAsOneChunk_AndTheGemmDoesNotSplit()
    {
        WithThreads(1, () =>
        {
            Assert.Equal(1, Gemm.MaxThreads);
            Assert.Equal(1, Convolution.BatchChunks(Large));
            // One chunk: columns for one chunk, no partial weight gradients for others.
            Assert.Equal(Large.ColumnsLength, ChunkedConvolution.ScratchLength(Large, weightGradient: false));
            Assert.Equal(Large.ColumnsLength, ChunkedConvolution.ScratchLength(Large, weightGradient: true));

            // Given a scratch sized for more chunks, the generated-code entry point still runs one chunk, on this thread:
            // its result is the serial kernel's, bit for bit.
            var rng = new Rng(7);
            var x = Tensor.Randn(new[] { Large.Batch * Large.InputImageSize }, rng).ToArray();
            var w = Tensor.Randn(new[] { Large.OutChannels * Large.PatchSize }, rng).ToArray();
            var b = Tensor.Randn(new[] { Large.OutChannels }, rng).ToArray();
            var serial = new float[Large.Batch * Large.OutputImageSize];
            var chunked = new float[serial.Length];
            Convolution.Conv2dForward(x, w, b, serial, new float[Large.ColumnsLength], Large);
            ChunkedConvolution.Conv2dForward(x, w, b, chunked, new float[4 * Large.ColumnsLength], Large);
            Assert.Equal(serial, chunked);
        });
    }

    [Fact]
    public void TheSettingBoundsTheChunkCount()
    {
        WithThreads(2, () => Assert.Equal(2, Convolution.BatchChunks(Large)));
        WithThreads(3, () =>
        {
            Assert.Equal(3, Convolution.BatchChunks(Large));
            Assert.Equal(3, Gemm.MaxThreads);
        });
        Assert.Throws<ArgumentOutOfRangeException>(() => Threads.Max = 0);
    }
}
