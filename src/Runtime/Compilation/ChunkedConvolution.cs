using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Kiln.Kernels;

namespace Kiln.Compiled;

/// <summary>
/// The eager convolution's batch split for generated code: the batch is cut into <see cref="Convolution.BatchChunks"/>
/// contiguous chunks (one per core when the convolution is large enough to pay for threads), each run by the
/// shared kernels on its own slice of a caller-owned scratch. Unlike the eager op (Parallel.For, pooled arrays)
/// nothing is allocated per call: chunks are handed to persistent workers and the caller takes any chunk no worker
/// has claimed yet, so on a busy machine a call costs little more than a serial one. A scratch too small for the
/// chunks (a generated file sized for one image) runs the batch serially.
/// </summary>
public static unsafe class ChunkedConvolution
{
    enum Kind { Forward, BackwardInput, BackwardWeight, ForwardReluPool, BackwardWeightReluPool }

    /// <summary>
    /// Floats of scratch the chunked kernels need for <paramref name="g"/>: im2col columns per chunk, and for the
    /// weight gradient also a partial weight and bias gradient per chunk after the first.
    /// </summary>
    public static int ScratchLength(in Conv2dGeometry g, bool weightGradient)
    {
        int chunks = Convolution.BatchChunks(g);
        long length = (long)chunks * g.ColumnsLength;
        if (weightGradient) length += (long)(chunks - 1) * PartialLength(g);
        return checked((int)length);
    }

    static int PartialLength(in Conv2dGeometry g) => g.OutChannels * g.PatchSize + g.OutChannels;

    /// <summary>
    /// Floats of scratch <see cref="Conv2dReluMaxPool2x2"/> and <see cref="Conv2dReluMaxPool2x2BackwardWeight"/> need for
    /// <paramref name="g"/>: the fused kernels' own per chunk, and for the weight gradient a partial gradient per extra chunk.
    /// </summary>
    public static int ReluPoolScratchLength(in Conv2dGeometry g, bool weightGradient = false)
    {
        int chunks = Convolution.BatchChunks(g);
        long length = (long)chunks * ConvReluPool.ScratchLength(g);
        if (weightGradient) length += (long)(chunks - 1) * PartialLength(g);
        return checked((int)length);
    }

    /// <summary>
    /// <see cref="ConvReluPool.BackwardWeight"/> (the fused op's weight gradient from its pooled gradient, value and
    /// argmax) over batch chunks, the extra chunks into partial sums added in chunk order afterwards.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Conv2dReluMaxPool2x2BackwardWeight(ReadOnlySpan<float> x, ReadOnlySpan<float> gradPooled, ReadOnlySpan<float> pooled, ReadOnlySpan<float> argmax,
        Span<float> gradWeight, Span<float> scratch, in Conv2dGeometry g, bool accumulate = false)
    {
        int chunks = Convolution.BatchChunks(g);
        if (chunks == 1 || scratch.Length < ReluPoolScratchLength(g, weightGradient: true))
        {
            ConvReluPool.BackwardWeight(x, gradPooled, pooled, argmax, gradWeight, scratch, g, accumulate);
            return;
        }
        int pooledLength = ConvReluPool.PooledLength(g), weightLength = g.OutChannels * g.PatchSize;
        if (x.Length < (long)g.Batch * g.InputImageSize || gradPooled.Length < pooledLength || pooled.Length < pooledLength || argmax.Length < pooledLength
            || gradWeight.Length < weightLength)
            throw new ArgumentException($"ChunkedConvolution.Conv2dReluMaxPool2x2BackwardWeight: buffers too small for {g} (input {x.Length}, pooled gradient {gradPooled.Length}, pooled {pooled.Length}, argmax {argmax.Length}, weight gradient {gradWeight.Length}).");
        fixed (float* px = x, pgp = gradPooled, pp = pooled, pa = argmax, pgw = gradWeight, ps = scratch)
            Run(new Job(Kind.BackwardWeightReluPool, g, chunks, px, pgw, gradWeight.Length, null, 0, pgp, ps, accumulate, pa, pp));
        int partials = chunks * ConvReluPool.ScratchLength(g), partial = PartialLength(g);
        for (int c = 1; c < chunks; c++)
            TensorPrimitives.Add(gradWeight[..weightLength], scratch.Slice(partials + (c - 1) * partial, weightLength), gradWeight[..weightLength]);
    }

    /// <summary><see cref="ConvReluPool.Forward"/> (conv2d + bias → ReLU → 2×2 max-pool, one pass) over batch chunks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Conv2dReluMaxPool2x2(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> pooled, Span<float> argmax,
        Span<float> scratch, in Conv2dGeometry g)
    {
        int chunks = Convolution.BatchChunks(g);
        if (chunks == 1 || scratch.Length < ReluPoolScratchLength(g))
        {
            ConvReluPool.Forward(x, weight, bias, pooled, argmax, scratch, g);
            return;
        }
        int pooledLength = ConvReluPool.PooledLength(g);
        if (x.Length < (long)g.Batch * g.InputImageSize || pooled.Length < pooledLength || !argmax.IsEmpty && argmax.Length < pooledLength)
            throw new ArgumentException($"ChunkedConvolution.Conv2dReluMaxPool2x2: buffers too small for {g} (input {x.Length}, pooled {pooled.Length}, argmax {argmax.Length}).");
        fixed (float* px = x, pw = weight, pb = bias, pp = pooled, pa = argmax, ps = scratch)
            Run(new Job(Kind.ForwardReluPool, g, chunks, px, pw, weight.Length, pb, bias.Length, pp, ps, false, argmax.IsEmpty ? null : pa));
    }

    /// <summary><see cref="Convolution.Conv2dForward"/> over batch chunks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Conv2dForward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y,
        Span<float> scratch, in Conv2dGeometry g)
    {
        int chunks = Chunks(g, scratch.Length, weightGradient: false);
        if (chunks == 1)
        {
            Convolution.Conv2dForward(x, weight, bias, y, scratch, g);
            return;
        }
        CheckBatchBuffers(x.Length, y.Length, g, "Conv2dForward");
        fixed (float* px = x, pw = weight, pb = bias, py = y, ps = scratch)
            Run(new Job(Kind.Forward, g, chunks, px, pw, weight.Length, pb, bias.Length, py, ps, false));
    }

    /// <summary><see cref="Convolution.Conv2dBackwardInput"/> over batch chunks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Conv2dBackwardInput(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, Span<float> gradInput,
        Span<float> scratch, in Conv2dGeometry g)
    {
        int chunks = Chunks(g, scratch.Length, weightGradient: false);
        if (chunks == 1)
        {
            Convolution.Conv2dBackwardInput(gradOutput, weight, gradInput, scratch, g);
            return;
        }
        CheckBatchBuffers(gradInput.Length, gradOutput.Length, g, "Conv2dBackwardInput");
        fixed (float* pgy = gradOutput, pw = weight, pgx = gradInput, ps = scratch)
            Run(new Job(Kind.BackwardInput, g, chunks, pgx, pw, weight.Length, null, 0, pgy, ps, false));
    }

    /// <summary>
    /// <see cref="Convolution.Conv2dBackwardWeight"/> over batch chunks: the first chunk works on the gradients
    /// themselves, the others on partial sums in the scratch, which are added in chunk order afterwards.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Conv2dBackwardWeight(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradWeight, Span<float> gradBias,
        Span<float> scratch, in Conv2dGeometry g, bool accumulate = false)
    {
        int chunks = Chunks(g, scratch.Length, weightGradient: true);
        if (chunks == 1)
        {
            Convolution.Conv2dBackwardWeight(x, gradOutput, gradWeight, gradBias, scratch, g, accumulate);
            return;
        }
        CheckBatchBuffers(x.Length, gradOutput.Length, g, "Conv2dBackwardWeight");
        fixed (float* px = x, pgy = gradOutput, pgw = gradWeight, pgb = gradBias, ps = scratch)
            Run(new Job(Kind.BackwardWeight, g, chunks, px, pgw, gradWeight.Length, pgb, gradBias.Length, pgy, ps, accumulate));

        int weightLength = g.OutChannels * g.PatchSize, columns = chunks * g.ColumnsLength, partial = PartialLength(g);
        for (int c = 1; c < chunks; c++)
        {
            var sums = scratch.Slice(columns + (c - 1) * partial, partial);
            if (!gradWeight.IsEmpty) TensorPrimitives.Add(gradWeight[..weightLength], sums[..weightLength], gradWeight[..weightLength]);
            if (!gradBias.IsEmpty) TensorPrimitives.Add(gradBias[..g.OutChannels], sums.Slice(weightLength, g.OutChannels), gradBias[..g.OutChannels]);
        }
    }

    static void CheckBatchBuffers(int inputLength, int outputLength, in Conv2dGeometry g, string kernel)
    {
        if (inputLength < (long)g.Batch * g.InputImageSize || outputLength < (long)g.Batch * g.OutputImageSize)
            throw new ArgumentException($"ChunkedConvolution.{kernel}: buffers too small for {g} (input {inputLength}, output {outputLength}).");
    }

    static int Chunks(in Conv2dGeometry g, int scratchLength, bool weightGradient)
    {
        int chunks = Convolution.BatchChunks(g);
        return chunks > 1 && scratchLength >= ScratchLength(g, weightGradient) ? chunks : 1;
    }

    /// <summary>
    /// One chunked call: raw pointers into buffers the caller keeps pinned until every chunk is done. The batch-wide
    /// buffers were checked against the geometry before pinning (slices of raw pointers have no bounds of their own).
    /// <c>A</c> is the input x (forward, weight gradient) or the input gradient; <c>B</c> the weight or the weight
    /// gradient; <c>C</c> the bias or the bias gradient; <c>D</c> the output or the output gradient.
    /// </summary>
    readonly struct Job(Kind kind, Conv2dGeometry g, int chunks, float* a, float* b, int bLength, float* c, int cLength,
        float* d, float* scratch, bool accumulate, float* e = null, float* f = null)
    {
        public readonly Kind Kind = kind;
        public readonly Conv2dGeometry Geometry = g;
        public readonly int Count = chunks;
        // The fused conv + ReLU + pool: d is the pooled output (forward) or its gradient (weight gradient), e the
        // argmax (null: not kept), f the pooled value (weight gradient).
        readonly float* a = a, b = b, c = c, d = d, e = e, f = f, scratch = scratch;
        readonly int bLength = bLength, cLength = cLength;
        readonly bool accumulate = accumulate;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunChunk(int chunk)
        {
            var g = Geometry;
            int start = (int)((long)g.Batch * chunk / Count), end = (int)((long)g.Batch * (chunk + 1) / Count);
            var sub = g with { Batch = end - start };
            int inSize = g.InputImageSize, outSize = g.OutputImageSize;
            var input = new Span<float>(a + (long)start * inSize, sub.Batch * inSize);
            if (Kind == Kind.ForwardReluPool)
            {
                int pooledSize = ConvReluPool.PooledLength(g with { Batch = 1 }), scratchSize = ConvReluPool.ScratchLength(g);
                var pooled = new Span<float>(d + (long)start * pooledSize, sub.Batch * pooledSize);
                var argmax = e is null ? Span<float>.Empty : new Span<float>(e + (long)start * pooledSize, sub.Batch * pooledSize);
                ConvReluPool.Forward(input, new ReadOnlySpan<float>(b, bLength), new ReadOnlySpan<float>(c, cLength), pooled, argmax,
                    new Span<float>(scratch + (long)chunk * scratchSize, scratchSize), sub);
                return;
            }
            if (Kind == Kind.BackwardWeightReluPool)
            {
                int pooledSize = ConvReluPool.PooledLength(g with { Batch = 1 }), scratchSize = ConvReluPool.ScratchLength(g);
                long first = (long)start * pooledSize;
                int count = sub.Batch * pooledSize;
                // The first chunk works on the gradient itself, the others on partial sums after every chunk's scratch.
                var gradWeight = chunk == 0 ? new Span<float>(b, bLength)
                    : new Span<float>(scratch + (long)Count * scratchSize + (long)(chunk - 1) * PartialLength(g), g.OutChannels * g.PatchSize);
                ConvReluPool.BackwardWeight(input, new ReadOnlySpan<float>(d + first, count), new ReadOnlySpan<float>(f + first, count), new ReadOnlySpan<float>(e + first, count),
                    gradWeight, new Span<float>(scratch + (long)chunk * scratchSize, scratchSize), sub, chunk == 0 && accumulate);
                return;
            }
            var columns = new Span<float>(scratch + (long)chunk * g.ColumnsLength, g.ColumnsLength);
            var output = new Span<float>(d + (long)start * outSize, sub.Batch * outSize);
            switch (Kind)
            {
                case Kind.Forward:
                    Convolution.Conv2dForward(input, new ReadOnlySpan<float>(b, bLength), new ReadOnlySpan<float>(c, cLength), output, columns, sub);
                    break;
                case Kind.BackwardInput:
                    Convolution.Conv2dBackwardInput(output, new ReadOnlySpan<float>(b, bLength), input, columns, sub);
                    break;
                default:
                {
                    Span<float> gradWeight, gradBias;
                    bool add = accumulate;
                    if (chunk == 0)
                    {
                        gradWeight = new Span<float>(b, bLength);
                        gradBias = new Span<float>(c, cLength);
                    }
                    else
                    {
                        int weightLength = g.OutChannels * g.PatchSize, partial = PartialLength(g);
                        var sums = new Span<float>(scratch + (long)Count * g.ColumnsLength + (long)(chunk - 1) * partial, partial);
                        gradWeight = bLength == 0 ? Span<float>.Empty : sums[..weightLength];
                        gradBias = cLength == 0 ? Span<float>.Empty : sums.Slice(weightLength, g.OutChannels);
                        add = false;
                    }
                    Convolution.Conv2dBackwardWeight(input, output, gradWeight, gradBias, columns, sub, add);
                    break;
                }
            }
        }
    }

    // ---- the chunk runner: persistent workers, nothing allocated per call ----

    static readonly object gate = new();
    static readonly SemaphoreSlim wake = new(0);
    // Spin a while before blocking: a chunk takes tens to hundreds of microseconds, a blocked wake-up about as long.
    static readonly ManualResetEventSlim allDone = new(false, 2000);
    static Thread[] workers = Array.Empty<Thread>();
    static Job current;
    static int count;
    // The next chunk to claim; "closed" between calls, so a worker that wakes late claims nothing.
    static int next = Closed;
    static int completed;
    static Exception? failure;
    const int Closed = int.MaxValue / 2;

    static void Run(in Job job)
    {
        // Another thread already splitting a convolution owns the workers: this call runs its chunks itself.
        if (!Monitor.TryEnter(gate))
        {
            for (int chunk = 0; chunk < job.Count; chunk++) job.RunChunk(chunk);
            return;
        }
        try
        {
            EnsureWorkers(job.Count - 1);
            current = job;
            Volatile.Write(ref count, job.Count);
            failure = null;
            Volatile.Write(ref completed, 0);
            allDone.Reset();
            Interlocked.Exchange(ref next, 0);
            wake.Release(Math.Min(job.Count - 1, workers.Length));
            ClaimChunks();
            // Set exactly once per call, by whoever finishes the last chunk, before this call returns: no signal
            // from one call can leak into the next.
            allDone.Wait();
            Interlocked.Exchange(ref next, Closed);
            if (failure is not null) throw new InvalidOperationException("ChunkedConvolution: a chunk failed.", failure);
        }
        finally
        {
            Monitor.Exit(gate);
        }
    }

    static void ClaimChunks()
    {
        while (true)
        {
            int chunk = Interlocked.Increment(ref next) - 1;
            // Read after the claim (a full fence): an index below it was handed out after this call's `current` and
            // `count` were written, and they cannot change before that chunk completes. A late worker's claim
            // lands on "closed" and finds nothing.
            int chunks = Volatile.Read(ref count);
            if (chunk >= chunks) return;
            RunGuarded(chunk);
            if (Interlocked.Increment(ref completed) == chunks) allDone.Set();
        }
    }

    static void RunGuarded(int chunk)
    {
        try
        {
            current.RunChunk(chunk);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref failure, e, null);
        }
    }

    static void EnsureWorkers(int count)
    {
        if (workers.Length >= count) return;
        var grown = new Thread[count];
        Array.Copy(workers, grown, workers.Length);
        for (int i = workers.Length; i < count; i++)
        {
            grown[i] = new Thread(Work) { IsBackground = true, Name = "Kiln convolution worker" };
            grown[i].Start();
        }
        workers = grown;
    }

    static void Work()
    {
        while (true)
        {
            wake.Wait();
            ClaimChunks();
        }
    }
}
