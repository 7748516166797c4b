using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Kiln.Kernels;

/// <summary>
/// Batch and layer normalisation over caller-owned buffers. Batch norm sees its input as [batch, channels, inner]
/// (inner = the product of the spatial dimensions, 1 for [N, C]); with inner = 1 the work runs along rows of C
/// channels, otherwise along each channel's contiguous run of inner values, so both layouts stay vectorised.
/// The backward passes recompute x − mean instead of keeping x̂, as torch keeps only the mean and 1/σ.
/// </summary>
public static class Normalization
{
    /// <summary>Per-channel mean and biased variance (divided by batch·inner), two-pass for accuracy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BatchNormStatistics(ReadOnlySpan<float> x, int batch, int channels, int inner, Span<float> mean, Span<float> variance)
    {
        int count = batch * inner;
        CheckBatchNorm(x.Length, batch, channels, inner, mean.Length, variance.Length, "BatchNormStatistics");
        var rented = ArrayPool<float>.Shared.Rent(Math.Max(inner == 1 ? channels : inner, 1));
        try
        {
            if (inner == 1)
            {
                var row = rented.AsSpan(0, channels);
                mean[..channels].Clear();
                for (int n = 0; n < batch; n++) TensorPrimitives.Add(mean[..channels], x.Slice(n * channels, channels), mean[..channels]);
                TensorPrimitives.Divide(mean[..channels], count, mean[..channels]);
                variance[..channels].Clear();
                for (int n = 0; n < batch; n++)
                {
                    TensorPrimitives.Subtract(x.Slice(n * channels, channels), mean[..channels], row);
                    TensorPrimitives.MultiplyAdd(row, row, variance[..channels], variance[..channels]);
                }
                TensorPrimitives.Divide(variance[..channels], count, variance[..channels]);
                return;
            }
            var centered = rented.AsSpan(0, inner);
            for (int c = 0; c < channels; c++)
            {
                double sum = 0;
                for (int n = 0; n < batch; n++) sum += TensorPrimitives.Sum(x.Slice((n * channels + c) * inner, inner));
                float m = (float)(sum / count);
                double squares = 0;
                for (int n = 0; n < batch; n++)
                {
                    TensorPrimitives.Subtract(x.Slice((n * channels + c) * inner, inner), m, centered);
                    squares += TensorPrimitives.SumOfSquares(centered);
                }
                mean[c] = m;
                variance[c] = (float)(squares / count);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>y = (x − mean)·invStd·weight + bias per channel; <paramref name="weight"/> and <paramref name="bias"/> may be empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BatchNormForward(ReadOnlySpan<float> x, int batch, int channels, int inner, ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd,
        ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y)
    {
        CheckBatchNorm(x.Length, batch, channels, inner, mean.Length, invStd.Length, "BatchNormForward");
        if (y.Length < x.Length) throw new ArgumentException($"BatchNormForward: output holds {y.Length} floats, {x.Length} needed.");
        var rented = ArrayPool<float>.Shared.Rent(Math.Max(2 * channels, 1));
        try
        {
            // y = x·scale + shift with scale = weight·invStd and shift = bias − mean·scale
            var scale = rented.AsSpan(0, channels);
            var shift = rented.AsSpan(channels, channels);
            for (int c = 0; c < channels; c++)
            {
                scale[c] = (weight.IsEmpty ? 1f : weight[c]) * invStd[c];
                shift[c] = (bias.IsEmpty ? 0f : bias[c]) - mean[c] * scale[c];
            }
            if (inner == 1)
            {
                for (int n = 0; n < batch; n++)
                    TensorPrimitives.MultiplyAdd(x.Slice(n * channels, channels), scale, shift, y.Slice(n * channels, channels));
                return;
            }
            for (int n = 0; n < batch; n++)
                for (int c = 0; c < channels; c++)
                {
                    int offset = (n * channels + c) * inner;
                    var dst = y.Slice(offset, inner);
                    TensorPrimitives.Multiply(x.Slice(offset, inner), scale[c], dst);
                    TensorPrimitives.Add(dst, shift[c], dst);
                }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Gradients of <see cref="BatchNormForward"/>. With <paramref name="batchStatistics"/> the mean and variance
    /// were the batch's own, so the input gradient also flows through them:
    /// dx = weight·invStd·(dy − mean(dy) − x̂·mean(dy·x̂)); otherwise (running statistics) dx = weight·invStd·dy.
    /// Any of the three gradients may be an empty span to skip it; all are written, not accumulated.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BatchNormBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, int batch, int channels, int inner,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd, ReadOnlySpan<float> weight, bool batchStatistics,
        Span<float> gradInput, Span<float> gradWeight, Span<float> gradBias)
    {
        CheckBatchNorm(x.Length, batch, channels, inner, mean.Length, invStd.Length, "BatchNormBackward");
        if (gradOutput.Length < x.Length || (!gradInput.IsEmpty && gradInput.Length < x.Length))
            throw new ArgumentException($"BatchNormBackward: gradient buffers hold {gradOutput.Length} and {gradInput.Length} floats, {x.Length} needed.");
        int count = batch * inner;
        var rented = ArrayPool<float>.Shared.Rent(Math.Max(5 * channels + (inner == 1 ? channels : inner), 1));
        try
        {
            var buffer = rented.AsSpan();
            var sumDy = buffer.Slice(0, channels);              // Σ dy
            var sumDyCentered = buffer.Slice(channels, channels); // Σ dy·(x − mean)
            var a = buffer.Slice(2 * channels, channels);
            var b = buffer.Slice(3 * channels, channels);
            var c = buffer.Slice(4 * channels, channels);
            var centered = buffer.Slice(5 * channels, inner == 1 ? channels : inner);
            sumDy.Clear();
            sumDyCentered.Clear();
            if (inner == 1)
            {
                for (int n = 0; n < batch; n++)
                {
                    var dy = gradOutput.Slice(n * channels, channels);
                    TensorPrimitives.Add(sumDy, dy, sumDy);
                    TensorPrimitives.Subtract(x.Slice(n * channels, channels), mean[..channels], centered);
                    TensorPrimitives.MultiplyAdd(dy, centered, sumDyCentered, sumDyCentered);
                }
            }
            else
            {
                for (int ch = 0; ch < channels; ch++)
                {
                    double s = 0, sc = 0;
                    for (int n = 0; n < batch; n++)
                    {
                        int offset = (n * channels + ch) * inner;
                        var dy = gradOutput.Slice(offset, inner);
                        s += TensorPrimitives.Sum(dy);
                        TensorPrimitives.Subtract(x.Slice(offset, inner), mean[ch], centered);
                        sc += TensorPrimitives.Dot(dy, centered);
                    }
                    sumDy[ch] = (float)s;
                    sumDyCentered[ch] = (float)sc;
                }
            }

            if (!gradBias.IsEmpty) sumDy.CopyTo(gradBias);
            if (!gradWeight.IsEmpty) TensorPrimitives.Multiply(sumDyCentered, invStd[..channels], gradWeight[..channels]);
            if (gradInput.IsEmpty) return;

            // dx = a·dy + b·(x − mean) + c per channel
            for (int ch = 0; ch < channels; ch++)
            {
                float w = weight.IsEmpty ? 1f : weight[ch];
                a[ch] = w * invStd[ch];
                b[ch] = batchStatistics ? -a[ch] * invStd[ch] * invStd[ch] * sumDyCentered[ch] / count : 0f;
                c[ch] = batchStatistics ? -a[ch] * sumDy[ch] / count : 0f;
            }
            if (inner == 1)
            {
                for (int n = 0; n < batch; n++)
                {
                    var dx = gradInput.Slice(n * channels, channels);
                    TensorPrimitives.MultiplyAdd(gradOutput.Slice(n * channels, channels), a, c, dx);
                    if (!batchStatistics) continue;
                    TensorPrimitives.Subtract(x.Slice(n * channels, channels), mean[..channels], centered);
                    TensorPrimitives.MultiplyAdd(centered, b, dx, dx);
                }
                return;
            }
            for (int n = 0; n < batch; n++)
                for (int ch = 0; ch < channels; ch++)
                {
                    int offset = (n * channels + ch) * inner;
                    var dx = gradInput.Slice(offset, inner);
                    TensorPrimitives.Multiply(gradOutput.Slice(offset, inner), a[ch], dx);
                    if (!batchStatistics) continue;
                    TensorPrimitives.Subtract(x.Slice(offset, inner), mean[ch], centered);
                    TensorPrimitives.MultiplyAdd(centered, b[ch], dx, dx);
                    TensorPrimitives.Add(dx, c[ch], dx);
                }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    static void CheckBatchNorm(int length, int batch, int channels, int inner, int meanLength, int invStdLength, string kernel)
    {
        if (batch < 0 || channels < 0 || inner < 0 || length < (long)batch * channels * inner || meanLength < channels || invStdLength < channels)
            throw new ArgumentException($"{kernel}: buffers do not fit [{batch},{channels},{inner}] (input {length}, statistics {meanLength} and {invStdLength}).");
    }

    /// <summary>
    /// Normalises each of <paramref name="rows"/> rows of <paramref name="size"/> values with its own mean and biased
    /// variance, then applies the elementwise <paramref name="weight"/> and <paramref name="bias"/> (either may be
    /// empty). <paramref name="mean"/> and <paramref name="invStd"/> receive each row's statistics for the backward.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LayerNormForward(ReadOnlySpan<float> x, int rows, int size, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, float eps,
        Span<float> y, Span<float> mean, Span<float> invStd)
    {
        CheckLayerNorm(x.Length, y.Length, rows, size, mean.Length, invStd.Length, "LayerNormForward");
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * size, size);
            var dst = y.Slice(r * size, size);
            float m = TensorPrimitives.Sum(row) / size;
            TensorPrimitives.Subtract(row, m, dst);
            float inv = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(dst) / size + eps);
            TensorPrimitives.Multiply(dst, inv, dst);
            if (!weight.IsEmpty && !bias.IsEmpty) TensorPrimitives.MultiplyAdd(dst, weight[..size], bias[..size], dst);
            else if (!weight.IsEmpty) TensorPrimitives.Multiply(dst, weight[..size], dst);
            else if (!bias.IsEmpty) TensorPrimitives.Add(dst, bias[..size], dst);
            mean[r] = m;
            invStd[r] = inv;
        }
    }

    /// <summary>
    /// Gradients of <see cref="LayerNormForward"/>: dx = invStd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = dy·weight.
    /// <paramref name="gradWeight"/> and <paramref name="gradBias"/> are accumulated into (clear them first);
    /// <paramref name="gradInput"/> is written. Any may be empty to skip it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LayerNormBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, int rows, int size, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> invStd, ReadOnlySpan<float> weight, Span<float> gradInput, Span<float> gradWeight, Span<float> gradBias)
    {
        CheckLayerNorm(x.Length, gradOutput.Length, rows, size, mean.Length, invStd.Length, "LayerNormBackward");
        var rented = ArrayPool<float>.Shared.Rent(Math.Max(2 * size, 1));
        try
        {
            var normalized = rented.AsSpan(0, size);
            var scaled = rented.AsSpan(size, size);
            for (int r = 0; r < rows; r++)
            {
                var dy = gradOutput.Slice(r * size, size);
                TensorPrimitives.Subtract(x.Slice(r * size, size), mean[r], normalized);
                TensorPrimitives.Multiply(normalized, invStd[r], normalized);
                if (!gradWeight.IsEmpty) TensorPrimitives.MultiplyAdd(dy, normalized, gradWeight[..size], gradWeight[..size]);
                if (!gradBias.IsEmpty) TensorPrimitives.Add(gradBias[..size], dy, gradBias[..size]);
                if (gradInput.IsEmpty) continue;
                ReadOnlySpan<float> g = dy;
                if (!weight.IsEmpty)
                {
                    TensorPrimitives.Multiply(dy, weight[..size], scaled);
                    g = scaled;
                }
                float meanG = TensorPrimitives.Sum(g) / size;
                float meanGx = TensorPrimitives.Dot(g, normalized) / size;
                var dx = gradInput.Slice(r * size, size);
                TensorPrimitives.MultiplyAdd(normalized, -meanGx, g, dx);
                TensorPrimitives.Subtract(dx, meanG, dx);
                TensorPrimitives.Multiply(dx, invStd[r], dx);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    static void CheckLayerNorm(int length, int otherLength, int rows, int size, int meanLength, int invStdLength, string kernel)
    {
        long count = (long)rows * size;
        if (rows < 0 || size <= 0 || length < count || otherLength < count || meanLength < rows || invStdLength < rows)
            throw new ArgumentException($"{kernel}: buffers do not fit {rows} rows of {size} (input {length}, other {otherLength}, statistics {meanLength} and {invStdLength}).");
    }
}
