namespace Kiln.Compiled;

/// <summary>
/// Entry points of generated code. The cross-entropy, block-copy, swap-axes and max-along kernels now live in
/// Kiln.Kernels (CrossEntropy, Layout, Reduction), shared with the eager ops; their methods here are one-line
/// forwarders kept so generated code emitted against the old names still compiles. Dropout masks and the recomputing
/// max-pool gradient remain here.
/// </summary>
public static class CompiledKernels
{
    /// <summary>Forwards to <see cref="Kernels.CrossEntropy.Forward"/>.</summary>
    public static void CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int n, int c, Span<float> loss) =>
        Kernels.CrossEntropy.Forward(logits, labels, n, c, loss);

    /// <summary>Forwards to <see cref="Kernels.CrossEntropy.Backward"/>.</summary>
    public static void CrossEntropyBackward(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int n, int c, float upstream, Span<float> gradient) =>
        Kernels.CrossEntropy.Backward(logits, labels, n, c, upstream, gradient);

    /// <summary>Forwards to <see cref="Kernels.CrossEntropy.ForwardBackward"/>.</summary>
    public static void CrossEntropyWithGradient(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int n, int c, Span<float> loss, float upstream, Span<float> gradient) =>
        Kernels.CrossEntropy.ForwardBackward(logits, labels, n, c, loss, upstream, gradient);

    /// <summary>Forwards to <see cref="Kernels.Layout.CopyBlocks"/>.</summary>
    public static void CopyBlocks(ReadOnlySpan<float> src, int srcStride, int srcOffset, Span<float> dst, int dstStride, int dstOffset, int outer, int block) =>
        Kernels.Layout.CopyBlocks(src, srcStride, srcOffset, dst, dstStride, dstOffset, outer, block);

    /// <summary>
    /// The dropout mask of one call: in training, Kiln.Kernels.Dropout's mask drawn from <paramref name="rng"/> (or
    /// Rng.Default, as the eager op does); otherwise, or for p = 0, all ones, drawing nothing.
    /// </summary>
    public static void DropoutMask(bool training, Rng? rng, float p, Span<float> mask)
    {
        if (!training || p == 0f) mask.Fill(1f);
        else Kernels.Dropout.FillMask(rng ?? Rng.Default, p, mask);
    }

    /// <summary>
    /// Max-pooling gradient from the kept input: the argmax indices are recomputed into <paramref name="scratch"/>
    /// (values, then indices) with the forward kernel itself, so ties resolve exactly as in the forward pass.
    /// </summary>
    public static void MaxPool2dBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradInput, Span<float> scratch, in Kernels.Pool2dGeometry g)
    {
        int outputs = g.Planes * g.OutputPlaneSize;
        var values = scratch.Slice(0, outputs);
        var indices = System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(scratch.Slice(outputs, outputs));
        Kernels.Pooling.MaxPool2dForward(x, values, indices, g);
        Kernels.Pooling.MaxPool2dBackward(gradOutput, indices, gradInput, g);
    }

    /// <summary>Forwards to <see cref="Kernels.Reduction.MaxAlong"/> (values only).</summary>
    public static void MaxAlong(ReadOnlySpan<float> x, Span<float> values, int outer, int size, int inner) =>
        Kernels.Reduction.MaxAlong(x, values, Span<int>.Empty, outer, size, inner);

    /// <summary>Forwards to <see cref="Kernels.Reduction.MaxAlongBackward"/>.</summary>
    public static void MaxAlongBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradInput, int outer, int size, int inner) =>
        Kernels.Reduction.MaxAlongBackward(x, gradOutput, gradInput, outer, size, inner);

    /// <summary>Forwards to <see cref="Kernels.Layout.SwapAxes"/>.</summary>
    public static void SwapAxes(ReadOnlySpan<float> src, Span<float> dst, int outer, int a, int middle, int b, int inner) =>
        Kernels.Layout.SwapAxes(src, dst, outer, a, middle, b, inner);
}
