using Kiln.Kernels;

namespace Kiln;

public static partial class Ops
{
    /// <summary>
    /// torch.nn.functional.batch_norm over x [N, C, ...] ([N, C], [N, C, L], [N, C, H, W]) with per-channel
    /// statistics. Training normalises with the batch mean and biased variance and updates the running buffers in
    /// place (running_var with the unbiased variance): r = (1 − momentum)·r + momentum·batch statistic. Evaluation
    /// normalises with the running statistics. The running buffers may both be null in training (torch's
    /// track_running_stats=False). Gradients flow to x, weight and bias, never to the running buffers.
    /// </summary>
    public static Tensor BatchNorm(Tensor x, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias, bool training,
        float momentum = 0.1f, float eps = 1e-5f)
    {
        ArgumentNullException.ThrowIfNull(x);
        const string name = "BatchNorm";
        if (x.Rank < 2) throw new ArgumentException($"{name}: input must have at least 2 dimensions [N, C, ...], got {x.ShapeString}.");
        int batch = x.Dims[0], channels = x.Dims[1];
        int inner = ShapeUtil.CountInt(x.Dims.AsSpan(2));
        CheckChannelVector(name, "running_mean", runningMean, channels, x);
        CheckChannelVector(name, "running_var", runningVar, channels, x);
        CheckChannelVector(name, "weight", weight, channels, x);
        CheckChannelVector(name, "bias", bias, channels, x);
        if ((runningMean is null) != (runningVar is null))
            throw new ArgumentException($"{name}: running_mean and running_var must both be given or both be null.");
        if (!training && runningMean is null)
            throw new ArgumentException($"{name}: evaluation mode needs running_mean and running_var (input {x.ShapeString}).");
        if (!(eps >= 0f)) throw new ArgumentOutOfRangeException(nameof(eps), $"{name}: eps must be non-negative, got {eps}.");
        int count = batch * inner;
        if (training && count <= 1)
            throw new ArgumentException($"{name}: expected more than 1 value per channel when training, got input {x.ShapeString}.");

        var mean = new float[channels];
        var invStd = new float[channels];
        if (training)
        {
            var variance = new float[channels];
            Normalization.BatchNormStatistics(x.Storage, batch, channels, inner, mean, variance);
            for (int c = 0; c < channels; c++) invStd[c] = 1f / MathF.Sqrt(variance[c] + eps);
            if (runningMean is not null && runningVar is not null)
            {
                Autograd.EnsureMutable(runningMean, name);
                Autograd.EnsureMutable(runningVar, name);
                float unbias = (float)count / (count - 1);
                var rm = runningMean.Storage;
                var rv = runningVar.Storage;
                for (int c = 0; c < channels; c++)
                {
                    rm[c] = (1f - momentum) * rm[c] + momentum * mean[c];
                    rv[c] = (1f - momentum) * rv[c] + momentum * variance[c] * unbias;
                }
            }
        }
        else
        {
            runningMean!.Storage.CopyTo(mean, 0);
            var rv = runningVar!.Storage;
            for (int c = 0; c < channels; c++) invStd[c] = 1f / MathF.Sqrt(rv[c] + eps);
        }

        var result = new float[x.Count];
        Normalization.BatchNormForward(x.Storage, batch, channels, inner, mean, invStd, weight?.Storage, bias?.Storage, result);
        var output = Tensor.Wrap(result, x.Dims);
        return RecordNormalization(name, output, x, weight, bias, (gy, gx, gw, gb) =>
            Normalization.BatchNormBackward(gy, x.Storage, batch, channels, inner, mean, invStd, weight?.Storage, training, gx, gw, gb));
    }

    /// <summary>
    /// torch.nn.functional.layer_norm: normalises over the trailing dimensions given by
    /// <paramref name="normalizedShape"/>, with an elementwise weight and bias of that shape.
    /// </summary>
    public static Tensor LayerNorm(Tensor x, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, float eps = 1e-5f)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(normalizedShape);
        const string name = "LayerNorm";
        if (normalizedShape.Length == 0) throw new ArgumentException($"{name}: the normalized shape needs at least one dimension (input {x.ShapeString}).");
        string shapeText = ShapeUtil.Format(normalizedShape);
        if (normalizedShape.Length > x.Rank || !ShapeUtil.SameShape(x.Dims.AsSpan(x.Rank - normalizedShape.Length), normalizedShape))
            throw new ArgumentException($"{name}: normalized shape {shapeText} does not match the trailing dimensions of input {x.ShapeString}.");
        foreach (var (label, t) in new[] { ("weight", weight), ("bias", bias) })
            if (t is not null && !ShapeUtil.SameShape(t.Dims, normalizedShape))
                throw new ArgumentException($"{name}: {label} {t.ShapeString} does not match the normalized shape {shapeText}.");
        if (!(eps >= 0f)) throw new ArgumentOutOfRangeException(nameof(eps), $"{name}: eps must be non-negative, got {eps}.");
        int size = ShapeUtil.CountInt(normalizedShape);
        if (size == 0) throw new ArgumentException($"{name}: normalized shape {shapeText} has no elements.");
        int rows = x.Count / size;

        var mean = new float[rows];
        var invStd = new float[rows];
        var result = new float[x.Count];
        Normalization.LayerNormForward(x.Storage, rows, size, weight?.Storage, bias?.Storage, eps, result, mean, invStd);
        var output = Tensor.Wrap(result, x.Dims);
        return RecordNormalization(name, output, x, weight, bias, (gy, gx, gw, gb) =>
            Normalization.LayerNormBackward(gy, x.Storage, rows, size, mean, invStd, weight?.Storage, gx, gw, gb));
    }

    static void CheckChannelVector(string op, string label, Tensor? t, int channels, Tensor x)
    {
        if (t is not null && (t.Rank != 1 || t.Dims[0] != channels))
            throw new ArgumentException($"{op}: {label} {t.ShapeString} does not match the {channels} channels of input {x.ShapeString} (expected [{channels}]).");
    }

    delegate void NormalizationBackward(float[] gradOutput, float[]? gradInput, float[]? gradWeight, float[]? gradBias);

    /// <summary>The tape node shared by the normalisations: one kernel call fills whichever of the three gradients are needed.</summary>
    static Tensor RecordNormalization(string name, Tensor output, Tensor x, Tensor? weight, Tensor? bias, NormalizationBackward backward)
    {
        var inputs = new List<Tensor> { x };
        int weightSlot = -1, biasSlot = -1;
        if (weight is not null) { weightSlot = inputs.Count; inputs.Add(weight); }
        if (bias is not null) { biasSlot = inputs.Count; inputs.Add(bias); }
        var inputArray = inputs.ToArray();
        if (!Autograd.ShouldRecord(inputArray)) return output;
        return Autograd.Record(output, name, inputArray, g =>
        {
            var gx = x.RequiresGrad ? new float[x.Count] : null;
            var gw = weight is not null && weight.RequiresGrad ? new float[weight.Count] : null;
            var gb = bias is not null && bias.RequiresGrad ? new float[bias.Count] : null;
            backward(g.Storage, gx, gw, gb);
            var grads = new Tensor?[inputArray.Length];
            if (gx is not null) grads[0] = Tensor.Wrap(gx, x.Dims);
            if (gw is not null) grads[weightSlot] = Tensor.Wrap(gw, weight!.Dims);
            if (gb is not null) grads[biasSlot] = Tensor.Wrap(gb, bias!.Dims);
            return grads;
        });
    }
}
