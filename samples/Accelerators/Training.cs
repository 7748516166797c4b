using System.Globalization;
using Kiln.Accelerators;

namespace Kiln.Samples.Accelerators;

/// <summary>
/// Trains <see cref="Mlp"/> on a fixed synthetic set (64 examples, labelled by a random linear teacher) in batches of
/// 16 with Adam, through the compiled graph bound to a device; the same seeds on every device, so the losses of
/// cpu and ilgpu-cpu agree.
/// </summary>
public static class Training
{
    public const int Examples = 64, Batch = 16, Features = 64, Classes = 10;

    /// <summary>Runs <paramref name="steps"/> steps, writing "step k loss v" lines and then the device graph's Summary; returns the losses.</summary>
    public static float[] Run(KilnDevice device, int steps, TextWriter output)
    {
        var (inputs, labels) = Data();
        var model = new Mlp(new Rng(2));
        using var graph = model.LossGraph.To(device, DeviceOptimizer.Adam(lr: 0.01f));
        var losses = new float[steps];
        for (int step = 0; step < steps; step++)
        {
            int batch = step % (Examples / Batch);
            losses[step] = graph.Step(inputs[batch], labels[batch]);
            output.WriteLine($"step {(step + 1).ToString(CultureInfo.InvariantCulture)} loss {losses[step].ToString("G6", CultureInfo.InvariantCulture)}");
        }
        graph.SyncToHost();
        output.WriteLine();
        output.Write(graph.Summary);
        return losses;
    }

    /// <summary>Standard-normal features; each label is the arg-max of a fixed random linear map of its features.</summary>
    static (Tensor[] Inputs, IntTensor[] Labels) Data()
    {
        var x = Tensor.Randn(new[] { Examples, Features }, new Rng(1)).ToArray();
        var teacher = Tensor.Randn(new[] { Features, Classes }, new Rng(3)).ToArray();
        var inputs = new Tensor[Examples / Batch];
        var labels = new IntTensor[Examples / Batch];
        for (int b = 0; b < inputs.Length; b++)
        {
            inputs[b] = Tensor.FromArray(x.AsSpan(b * Batch * Features, Batch * Features).ToArray(), Batch, Features);
            var y = new int[Batch];
            for (int i = 0; i < Batch; i++)
            {
                float best = float.NegativeInfinity;
                for (int c = 0; c < Classes; c++)
                {
                    float score = 0f;
                    for (int f = 0; f < Features; f++) score += x[(b * Batch + i) * Features + f] * teacher[f * Classes + c];
                    if (score > best) (best, y[i]) = (score, c);
                }
            }
            labels[b] = IntTensor.FromArray(y, Batch);
        }
        return (inputs, labels);
    }
}
