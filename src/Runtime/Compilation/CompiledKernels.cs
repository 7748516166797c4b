using System.Numerics.Tensors;

namespace Kiln.Compiled;

/// <summary>
/// Kernels the generated code calls besides the shared ones in Kiln.Kernels: fused softmax + cross-entropy
/// (forward, backward, or both in one pass over the logits) and the block copies behind concat/narrow/transpose.
/// </summary>
public static class CompiledKernels
{
    /// <summary>loss[0] = mean over rows of logsumexp(row) − row[label].</summary>
    public static void CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int n, int c, Span<float> loss) =>
        CrossEntropyCore(logits, labels, n, c, loss, 0f, Span<float>.Empty, accumulate: false);

    /// <summary>gradient = (softmax(logits) − onehot(labels)) · upstream / n.</summary>
    public static void CrossEntropyBackward(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int n, int c, float upstream, Span<float> gradient) =>
        CrossEntropyCore(logits, labels, n, c, Span<float>.Empty, upstream, gradient, accumulate: false);

    /// <summary>Loss and its gradient in one pass: each row's max and log-sum-exp serve both.</summary>
    public static void CrossEntropyWithGradient(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int n, int c, Span<float> loss, float upstream, Span<float> gradient) =>
        CrossEntropyCore(logits, labels, n, c, loss, upstream, gradient, accumulate: false);

    static void CrossEntropyCore(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int n, int c, Span<float> loss, float upstream, Span<float> gradient, bool accumulate)
    {
        if (n == 0) throw new ArgumentException("CrossEntropy: the batch is empty.");
        double total = 0;
        float scale = upstream / n;
        for (int i = 0; i < n; i++)
        {
            int label = labels[i];
            if ((uint)label >= (uint)c)
                throw new ArgumentOutOfRangeException(nameof(labels), $"CrossEntropy: label {label} at position {i} is outside [0, {c}).");
            var row = logits.Slice(i * c, c);
            float max = TensorPrimitives.Max(row);
            float sum = 0;
            if (gradient.IsEmpty)
                for (int j = 0; j < c; j++) sum += MathF.Exp(row[j] - max);
            else
            {
                var g = gradient.Slice(i * c, c);
                for (int j = 0; j < c; j++)
                {
                    float e = MathF.Exp(row[j] - max);
                    g[j] = e;
                    sum += e;
                }
                TensorPrimitives.Multiply(g, scale / sum, g);
                g[label] -= scale;
            }
            total += max + MathF.Log(sum) - row[label];
        }
        if (!loss.IsEmpty)
        {
            if (accumulate) loss[0] += (float)(total / n);
            else loss[0] = (float)(total / n);
        }
    }

    /// <summary>
    /// For each of <paramref name="outer"/> blocks: copies <paramref name="block"/> elements from
    /// src[o·srcStride + srcOffset] to dst[o·dstStride + dstOffset] (concat, narrow and their gradients).
    /// </summary>
    public static void CopyBlocks(ReadOnlySpan<float> src, int srcStride, int srcOffset, Span<float> dst, int dstStride, int dstOffset, int outer, int block)
    {
        for (int o = 0; o < outer; o++)
            src.Slice(o * srcStride + srcOffset, block).CopyTo(dst.Slice(o * dstStride + dstOffset, block));
    }

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

    /// <summary>Largest value along the middle axis of [outer, size, inner] (the first on ties, NaN wins, as Ops.Max).</summary>
    public static void MaxAlong(ReadOnlySpan<float> x, Span<float> values, int outer, int size, int inner)
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
                values[o * inner + i] = x[(o * size + ArgMax(x, o, i, size, inner)) * inner + i];
    }

    /// <summary>Routes each gradient to the position its maximum came from; everything else is zero.</summary>
    public static void MaxAlongBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradInput, int outer, int size, int inner)
    {
        gradInput.Clear();
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
                gradInput[(o * size + ArgMax(x, o, i, size, inner)) * inner + i] = gradOutput[o * inner + i];
    }

    static int ArgMax(ReadOnlySpan<float> x, int o, int i, int size, int inner)
    {
        int best = 0;
        float bestValue = x[o * size * inner + i];
        for (int r = 1; r < size; r++)
        {
            float v = x[(o * size + r) * inner + i];
            if (v > bestValue || (float.IsNaN(v) && !float.IsNaN(bestValue))) { bestValue = v; best = r; }
        }
        return best;
    }

    /// <summary>Swaps two axes of a tensor viewed as [outer, a, middle, b, inner] into [outer, b, middle, a, inner].</summary>
    public static void SwapAxes(ReadOnlySpan<float> src, Span<float> dst, int outer, int a, int middle, int b, int inner)
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < a; i++)
                for (int m = 0; m < middle; m++)
                    for (int j = 0; j < b; j++)
                    {
                        int from = (((o * a + i) * middle + m) * b + j) * inner;
                        int to = (((o * b + j) * middle + m) * a + i) * inner;
                        src.Slice(from, inner).CopyTo(dst.Slice(to, inner));
                    }
    }
}
