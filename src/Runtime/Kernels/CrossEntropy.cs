using System.Runtime.CompilerServices;

namespace Kiln.Kernels;

/// <summary>
/// Fused softmax + cross-entropy over logits [n, c] and class labels in [0, c): the loss, its gradient, or both in one
/// pass over the logits (each row's max and log-sum-exp serve both). Eager <c>Ops.CrossEntropy</c> and generated code
/// call these same routines.
/// </summary>
public static class CrossEntropy
{
    /// <summary>loss[0] = mean over rows of logsumexp(row) − row[label].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int n, int c, Span<float> loss) =>
        Core(logits, labels, n, c, loss, 0f, Span<float>.Empty);

    /// <summary>gradient = (softmax(logits) − onehot(labels)) · upstream / n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int n, int c, float upstream, Span<float> gradient) =>
        Core(logits, labels, n, c, Span<float>.Empty, upstream, gradient);

    /// <summary>Loss and its gradient in one pass: each row's max and log-sum-exp serve both.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardBackward(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int n, int c, Span<float> loss, float upstream, Span<float> gradient) =>
        Core(logits, labels, n, c, loss, upstream, gradient);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Core(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int n, int c, Span<float> loss, float upstream, Span<float> gradient)
    {
        if (n == 0) throw new ArgumentException("CrossEntropy: the batch is empty.");
        if (logits.Length < (long)n * c || labels.Length < n || (!gradient.IsEmpty && gradient.Length < (long)n * c))
            throw new ArgumentException($"CrossEntropy: buffers too small for [{n},{c}] (logits {logits.Length}, labels {labels.Length}, gradient {gradient.Length}).");
        double total = 0;
        float scale = upstream / n;
        for (int i = 0; i < n; i++)
        {
            int label = labels[i];
            if ((uint)label >= (uint)c)
                throw new ArgumentOutOfRangeException(nameof(labels), $"CrossEntropy: label {label} at position {i} is outside [0, {c}).");
            var row = logits.Slice(i * c, c);
            float max = SpanLoops.Max(row);
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
                SpanLoops.Scale(g, scale / sum);
                g[label] -= scale;
            }
            total += max + MathF.Log(sum) - row[label];
        }
        if (!loss.IsEmpty) loss[0] = (float)(total / n);
    }
}
