using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Kiln.Accelerators.Kernels;

namespace Kiln.Accelerators;

/// <summary>
/// Host launchers for the hand-written device kernels (Kernels/): what generated device programs call for the
/// schedule's library kernels and GEMMs, and what the device optimizers run. Each kernel is loaded once per session.
/// GEMM runs cuBLAS on CUDA when its library loads and the tiled shared-memory kernel otherwise.
/// </summary>
public sealed class DeviceLibrary : IDisposable
{
    readonly DeviceSession session;
    CuBlas? cublas;
    bool cublasTried;

    internal DeviceLibrary(DeviceSession session) => this.session = session;

    /// <summary>Kernel launches (and memsets) issued through this session so far.</summary>
    public long Launches { get; private set; }

    /// <summary>Which GEMM ran last: "cuBLAS" or "tiled shared-memory kernel (16×16)"; null before the first.</summary>
    public string? GemmPath { get; private set; }

    Accelerator Accelerator => session.Accelerator;
    AcceleratorStream Stream => session.Stream;

    internal void Counted() => Launches++;

    public void Clear(ArrayView<float> view)
    {
        if (view.Length == 0) return;
        view.MemSetToZero(Stream);
        Launches++;
    }

    /// <summary>c (+)= op(a)·op(b) for row-major a, b, c: c is [m, n], op(a) [m, k], op(b) [k, n].</summary>
    public void Gemm(string graph, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, bool transposeA, bool transposeB, bool accumulate)
    {
        Launches++;
        if (Cublas() is { } blas)
        {
            // cuBLAS is column-major: a row-major matrix is its transpose there, so C = op(A)·op(B) is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ.
            GemmPath = "cuBLAS";
            blas.Gemm(transposeB ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose,
                transposeA ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose,
                n, m, k, 1f, b, transposeB ? k : n, a, transposeA ? m : k, accumulate ? 1f : 0f, c, n);
            return;
        }
        GemmPath = $"tiled shared-memory kernel ({GemmKernels.Tile}×{GemmKernels.Tile})";
        var kernel = session.Explicit(typeof(GemmKernels).GetMethod(nameof(GemmKernels.Tiled))!, graph,
            () => Accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape>(GemmKernels.Tiled));
        var grid = new Index2D((n + GemmKernels.Tile - 1) / GemmKernels.Tile, (m + GemmKernels.Tile - 1) / GemmKernels.Tile);
        var shape = new GemmShape { M = m, N = n, K = k, TransposeA = transposeA ? 1 : 0, TransposeB = transposeB ? 1 : 0, Accumulate = accumulate ? 1 : 0 };
        kernel(Stream, new KernelConfig(grid, new Index2D(GemmKernels.Tile, GemmKernels.Tile)), a, b, c, shape);
    }

    CuBlas? Cublas()
    {
        if (cublasTried) return cublas;
        cublasTried = true;
        if (Accelerator is not CudaAccelerator cuda || Environment.GetEnvironmentVariable("KILN_NO_CUBLAS") == "1") return null;
        try
        {
            cublas = new CuBlas(cuda);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or CuBlasException)
        {
            cublas = null; // libcublas.so.12/.11/.10 not there (a CUDA 13 machine has .so.13): the tiled kernel it is.
        }
        return cublas;
    }

    public void Softmax(string graph, ArrayView<float> x, ArrayView<float> y, int outer, int size, int inner, bool log)
    {
        var shape = new LineShape { Outer = outer, Size = size, Inner = inner, Log = log ? 1 : 0 };
        Launch(graph, RowKernels.SoftmaxForward, shape.Lines, x, y, shape);
    }

    /// <summary>Gradient of softmax / log-softmax from the forward output <paramref name="y"/> and the upstream <paramref name="g"/>.</summary>
    public void SoftmaxBackward(string graph, ArrayView<float> y, ArrayView<float> g, ArrayView<float> gx, int outer, int size, int inner, bool log)
    {
        var shape = new LineShape { Outer = outer, Size = size, Inner = inner, Log = log ? 1 : 0 };
        Launch(graph, RowKernels.SoftmaxBackward, shape.Lines, y, g, gx, shape);
    }

    public void MaxAlong(string graph, ArrayView<float> x, ArrayView<float> values, int outer, int size, int inner)
    {
        var shape = new LineShape { Outer = outer, Size = size, Inner = inner };
        Launch(graph, RowKernels.MaxForward, shape.Lines, x, values, shape);
    }

    public void MaxAlongBackward(string graph, ArrayView<float> x, ArrayView<float> gradOutput, ArrayView<float> gradInput, int outer, int size, int inner)
    {
        var shape = new LineShape { Outer = outer, Size = size, Inner = inner };
        Launch(graph, RowKernels.MaxBackward, shape.Lines, x, gradOutput, gradInput, shape);
    }

    /// <summary>
    /// Softmax cross-entropy: the mean loss into loss[0] and/or the gradient (scaled by upstream[0] · upstreamScale).
    /// One group of up to 256 threads.
    /// </summary>
    public void CrossEntropy(string graph, ArrayView<float> logits, ArrayView<int> labels, int rows, int classes,
        ArrayView<float>? loss, ArrayView<float> upstream, float upstreamScale, ArrayView<float>? gradient)
    {
        var kernel = session.Explicit(typeof(CrossEntropyKernels).GetMethod(nameof(CrossEntropyKernels.LossAndGradient))!, graph,
            () => Accelerator.LoadKernel<ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, CrossEntropyShape>(CrossEntropyKernels.LossAndGradient));
        int threads = Math.Min(CrossEntropyKernels.MaxGroup, Accelerator.MaxNumThreadsPerGroup);
        var shape = new CrossEntropyShape
        {
            Rows = rows, Classes = classes, WriteLoss = loss is null ? 0 : 1, WriteGradient = gradient is null ? 0 : 1, UpstreamScale = upstreamScale,
        };
        Launches++;
        kernel(Stream, new KernelConfig(1, threads), logits, labels, loss ?? upstream, upstream, gradient ?? logits, shape);
    }

    public void Gather(string graph, ArrayView<float> weight, int dim, ArrayView<int> indices, ArrayView<float> output, int count)
    {
        var shape = new GatherShape { Dim = dim, SkippedRow = -1 };
        Launch(graph, GatherKernels.Gather, count * dim, weight, indices, output, shape);
    }

    /// <summary>gradWeight[indices[i], :] += gradOutput[i, :]; rows equal to <paramref name="skippedRow"/> (padding) get nothing.</summary>
    public void ScatterAdd(string graph, ArrayView<float> gradOutput, ArrayView<int> indices, int dim, ArrayView<float> gradWeight, int skippedRow, int count)
    {
        var shape = new GatherShape { Dim = dim, SkippedRow = skippedRow };
        Launch(graph, GatherKernels.ScatterAdd, count * dim, gradOutput, indices, gradWeight, shape);
    }

    /// <summary>
    /// Fills <paramref name="mask"/> with one dropout site's mask for this step (see <see cref="DropoutKernels.Mask"/>):
    /// all ones outside training, else 0 or 1/(1-p) per element from a hash of (seed, site, index).
    /// </summary>
    public void DropoutMask(string graph, ArrayView<float> mask, int training, ulong seed, int site, float p)
    {
        if (!(p >= 0f && p <= 1f)) throw new ArgumentOutOfRangeException(nameof(p), $"{graph}: DropoutMask: p must be in [0, 1], got {p}.");
        var shape = new DropoutMaskShape { Seed = seed, Site = site, P = p, Scale = p < 1f ? 1f / (1f - p) : 0f };
        Launch(graph, DropoutKernels.Mask, (int)mask.Length, mask, training, shape);
    }

    public void SwapAxes(string graph, ArrayView<float> src, ArrayView<float> dst, int outer, int a, int middle, int b, int inner)
    {
        var shape = new SwapShape { Outer = outer, A = a, Middle = middle, B = b, Inner = inner };
        Launch(graph, GatherKernels.SwapAxes, outer * a * middle * b * inner, src, dst, shape);
    }

    /// <summary>dst[dstOffset + o·dstStride + j] = src[srcOffset + o·srcStride + j] for o &lt; outer, j &lt; block.</summary>
    public void CopyBlocks(string graph, ArrayView<float> src, int srcStride, int srcOffset, ArrayView<float> dst, int dstStride, int dstOffset, int outer, int block)
    {
        var shape = new BlockCopy { SourceStride = srcStride, SourceOffset = srcOffset, TargetStride = dstStride, TargetOffset = dstOffset, Block = block };
        Launch(graph, GatherKernels.CopyBlocks, outer * block, src, dst, shape);
    }

    /// <summary>y = conv2d(x, weight) (+ bias): x [batch, inChannels, height, width], weight [outChannels, inChannels, kh, kw].</summary>
    public void Conv2d(string graph, ArrayView<float> x, ArrayView<float> weight, ArrayView<float>? bias, ArrayView<float> y,
        int batch, int inChannels, int height, int width, int outChannels, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth)
    {
        var shape = Conv(batch, inChannels, height, width, outChannels, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, bias is not null, false);
        Launch(graph, ConvolutionKernels.Conv2dForward, batch * outChannels * shape.OutputHeight * shape.OutputWidth, x, weight, bias ?? weight, y, shape);
    }

    /// <summary>The gradient of conv2d with respect to its input (height and width are the input's).</summary>
    public void Conv2dBackwardInput(string graph, ArrayView<float> gradOutput, ArrayView<float> weight, ArrayView<float> gradInput,
        int batch, int inChannels, int height, int width, int outChannels, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth)
    {
        var shape = Conv(batch, inChannels, height, width, outChannels, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, false, false);
        Launch(graph, ConvolutionKernels.Conv2dBackwardInput, batch * inChannels * height * width, gradOutput, weight, gradInput, shape);
    }

    /// <summary>The gradient of conv2d with respect to its weight, written or added (a parameter's Grad).</summary>
    public void Conv2dBackwardWeight(string graph, ArrayView<float> x, ArrayView<float> gradOutput, ArrayView<float> gradWeight, bool accumulate,
        int batch, int inChannels, int height, int width, int outChannels, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth)
    {
        var shape = Conv(batch, inChannels, height, width, outChannels, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, false, accumulate);
        Launch(graph, ConvolutionKernels.Conv2dBackwardWeight, outChannels * inChannels * kernelHeight * kernelWidth, x, gradOutput, gradWeight, shape);
    }

    /// <summary>
    /// The fused conv2d (+ bias) → ReLU → 2×2 max-pool at stride 2: the pooled values, and the window argmax when
    /// <paramref name="argmax"/> is given (the backward's). Geometry arguments are the convolution's.
    /// </summary>
    public void Conv2dReluMaxPool2x2(string graph, ArrayView<float> x, ArrayView<float> weight, ArrayView<float>? bias, ArrayView<float> pooled, ArrayView<float>? argmax,
        int batch, int inChannels, int height, int width, int outChannels, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth)
    {
        var shape = Conv(batch, inChannels, height, width, outChannels, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, bias is not null, false);
        shape.KeepArgMax = argmax is null ? 0 : 1;
        Launch(graph, ConvolutionKernels.Conv2dReluMaxPool2x2, batch * outChannels * (shape.OutputHeight / 2) * (shape.OutputWidth / 2),
            x, weight, bias ?? weight, pooled, argmax ?? pooled, shape);
    }

    /// <summary>The fused op's gradient of the convolution's output [planes, height, width] from the pooled gradient, value and argmax.</summary>
    public void Conv2dReluMaxPool2x2Backward(string graph, ArrayView<float> gradPooled, ArrayView<float> pooled, ArrayView<float> argmax, ArrayView<float> gradConv,
        int planes, int height, int width)
    {
        var shape = Pool(planes, height, width, 2, 2, 2, 2, 0, 0);
        Launch(graph, ConvolutionKernels.Conv2dReluMaxPool2x2Backward, planes * height * width, gradPooled, pooled, argmax, gradConv, shape);
    }

    /// <summary>The fused op's weight gradient from its pooled gradient, value and argmax, written or added (a parameter's Grad).</summary>
    public void Conv2dReluMaxPool2x2BackwardWeight(string graph, ArrayView<float> x, ArrayView<float> gradPooled, ArrayView<float> pooled, ArrayView<float> argmax,
        ArrayView<float> gradWeight, bool accumulate,
        int batch, int inChannels, int height, int width, int outChannels, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth)
    {
        var shape = Conv(batch, inChannels, height, width, outChannels, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, false, accumulate);
        Launch(graph, ConvolutionKernels.Conv2dReluMaxPool2x2BackwardWeight, outChannels * inChannels * kernelHeight * kernelWidth,
            x, gradPooled, pooled, argmax, gradWeight, shape);
    }

    static ConvShape Conv(int batch, int inChannels, int height, int width, int outChannels, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
        int paddingHeight, int paddingWidth, bool bias, bool accumulate) => new()
    {
        Batch = batch, InChannels = inChannels, Height = height, Width = width, OutChannels = outChannels, KernelHeight = kernelHeight, KernelWidth = kernelWidth,
        StrideHeight = strideHeight, StrideWidth = strideWidth, PaddingHeight = paddingHeight, PaddingWidth = paddingWidth,
        OutputHeight = (height + 2 * paddingHeight - kernelHeight) / strideHeight + 1, OutputWidth = (width + 2 * paddingWidth - kernelWidth) / strideWidth + 1,
        HasBias = bias ? 1 : 0, Accumulate = accumulate ? 1 : 0,
    };

    /// <summary>Max or average pooling over [planes, height, width] (height and width are the input's).</summary>
    public void Pool2d(string graph, bool max, ArrayView<float> x, ArrayView<float> y,
        int planes, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth)
    {
        var shape = Pool(planes, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth);
        int outputs = planes * shape.OutputHeight * shape.OutputWidth;
        if (max) Launch(graph, ConvolutionKernels.MaxPool2dForward, outputs, x, y, shape);
        else Launch(graph, ConvolutionKernels.AvgPool2dForward, outputs, x, y, shape);
    }

    /// <summary>The gradient of max pooling (maxima recomputed from the input <paramref name="x"/>).</summary>
    public void MaxPool2dBackward(string graph, ArrayView<float> x, ArrayView<float> gradOutput, ArrayView<float> gradInput,
        int planes, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth)
    {
        var shape = Pool(planes, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth);
        Launch(graph, ConvolutionKernels.MaxPool2dBackward, planes * height * width, x, gradOutput, gradInput, shape);
    }

    public void AvgPool2dBackward(string graph, ArrayView<float> gradOutput, ArrayView<float> gradInput,
        int planes, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth)
    {
        var shape = Pool(planes, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth);
        Launch(graph, ConvolutionKernels.AvgPool2dBackward, planes * height * width, gradOutput, gradInput, shape);
    }

    static PoolShape Pool(int planes, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth) => new()
    {
        Planes = planes, Height = height, Width = width, KernelHeight = kernelHeight, KernelWidth = kernelWidth,
        StrideHeight = strideHeight, StrideWidth = strideWidth, PaddingHeight = paddingHeight, PaddingWidth = paddingWidth,
        OutputHeight = (height + 2 * paddingHeight - kernelHeight) / strideHeight + 1, OutputWidth = (width + 2 * paddingWidth - kernelWidth) / strideWidth + 1,
    };

    public void Copy(ArrayView<float> source, ArrayView<float> target)
    {
        source.CopyTo(target);
        Launches++;
    }

    internal void Adam(ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, AdamStep step) =>
        Launch("Adam", OptimizerKernels.Adam, (int)p.Length, p, g, m, v, step);

    internal void Sgd(ArrayView<float> p, ArrayView<float> g, ArrayView<float> buffer, SgdStep step) =>
        Launch("Sgd", OptimizerKernels.Sgd, (int)p.Length, p, g, buffer, step);

    void Launch<T1, T2, T3>(string graph, Action<Index1D, T1, T2, T3> kernel, int extent, T1 a1, T2 a2, T3 a3)
        where T1 : struct where T2 : struct where T3 : struct
    {
        if (extent == 0) return;
        var loaded = session.Explicit(kernel.Method, graph, () => Accelerator.LoadAutoGroupedKernel(kernel));
        Launches++;
        loaded(Stream, extent, a1, a2, a3);
    }

    void Launch<T1, T2, T3, T4>(string graph, Action<Index1D, T1, T2, T3, T4> kernel, int extent, T1 a1, T2 a2, T3 a3, T4 a4)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct
    {
        if (extent == 0) return;
        var loaded = session.Explicit(kernel.Method, graph, () => Accelerator.LoadAutoGroupedKernel(kernel));
        Launches++;
        loaded(Stream, extent, a1, a2, a3, a4);
    }

    void Launch<T1, T2, T3, T4, T5>(string graph, Action<Index1D, T1, T2, T3, T4, T5> kernel, int extent, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct
    {
        if (extent == 0) return;
        var loaded = session.Explicit(kernel.Method, graph, () => Accelerator.LoadAutoGroupedKernel(kernel));
        Launches++;
        loaded(Stream, extent, a1, a2, a3, a4, a5);
    }

    void Launch<T1, T2, T3, T4, T5, T6>(string graph, Action<Index1D, T1, T2, T3, T4, T5, T6> kernel, int extent, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct
    {
        if (extent == 0) return;
        var loaded = session.Explicit(kernel.Method, graph, () => Accelerator.LoadAutoGroupedKernel(kernel));
        Launches++;
        loaded(Stream, extent, a1, a2, a3, a4, a5, a6);
    }

    public void Dispose()
    {
        cublas?.Dispose();
        cublas = null;
    }
}
