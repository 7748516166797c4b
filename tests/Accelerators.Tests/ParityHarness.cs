using Kiln.Nn;

namespace Kiln.Accelerators.Tests;

/// <summary>
/// Trains three copies of a model (same seed, so same weights) for a few steps: dynamically on the tape with
/// Kiln.Optim, statically on KilnDevice.Cpu (ForwardBackward + Kiln.Optim), and statically on the ILGPU CPU
/// accelerator (resident device graph with the fused device optimizer), comparing the loss and every parameter's
/// gradient at each step and the parameters after it.
/// </summary>
internal static class ParityHarness
{
    public delegate (DeviceGraph Graph, Func<float> Step) Bind<TModel>(TModel model, KilnDevice device, DeviceOptimizer optimizer);

    public static void Check<TModel>(Func<TModel> create, Func<TModel, Tensor> dynamicLoss, Bind<TModel> bind,
        DeviceOptimizer optimizer, Func<IEnumerable<Tensor>, Optim.Optimizer> hostOptimizer, float tolerance, int steps = 3) where TModel : Module
    {
        // Models that draw their weights from the global generator get the same weights on every run (this assembly runs
        // its tests one at a time). Adam's first steps move each weight by about ±lr whatever its gradient's size, so a
        // weight whose gradient is rounding noise can land anywhere in that range: fixed weights keep that from flaking.
        Rng.ManualSeed(20261205);
        var dynamicModel = create();
        var cpuModel = create();
        var deviceModel = create();
        // Models that draw their weights from the global generator differ per instance: start all three from the first's.
        foreach (var copy in new[] { cpuModel, deviceModel })
            foreach (var (source, target) in dynamicModel.Parameters().Zip(copy.Parameters()))
                source.Data.CopyTo(target.Data);
        var dynamicOptimizer = hostOptimizer(dynamicModel.Parameters());
        var (cpuGraph, cpuStep) = bind(cpuModel, KilnDevice.Cpu, optimizer);
        var (deviceGraph, deviceStep) = bind(deviceModel, KilnDevice.IlgpuCpu, optimizer);
        using var _ = deviceGraph;
        var names = dynamicModel.NamedParameters().Select(p => p.Name).ToList();
        for (int step = 1; step <= steps; step++)
        {
            dynamicOptimizer.ZeroGrad();
            var loss = dynamicLoss(dynamicModel);
            loss.Backward();
            float dynamicValue = loss.Item();
            var dynamicGradients = dynamicModel.Parameters().Select(p => p.Grad?.ToArray()).ToList();
            dynamicOptimizer.Step();

            float cpuValue = cpuStep();
            float deviceValue = deviceStep();
            deviceGraph.SyncToHost(gradients: true);

            Close($"step {step} loss, static cpu vs dynamic", cpuValue, dynamicValue, tolerance);
            Close($"step {step} loss, ilgpu-cpu vs static cpu", deviceValue, cpuValue, tolerance);
            var cpuParameters = cpuModel.Parameters().ToList();
            var deviceParameters = deviceModel.Parameters().ToList();
            var dynamicParameters = dynamicModel.Parameters().ToList();
            for (int p = 0; p < names.Count; p++)
            {
                if (dynamicGradients[p] is not { } expected) continue;
                Close($"step {step} gradient of {names[p]}, static cpu vs dynamic", cpuParameters[p].Grad!.ToArray(), expected, tolerance);
                Close($"step {step} gradient of {names[p]}, ilgpu-cpu vs static cpu", deviceParameters[p].Grad!.ToArray(), cpuParameters[p].Grad!.ToArray(), tolerance);
                Close($"step {step} {names[p]} after the update, ilgpu-cpu vs static cpu", deviceParameters[p].ToArray(), cpuParameters[p].ToArray(), tolerance);
                Close($"step {step} {names[p]} after the update, static cpu vs dynamic", cpuParameters[p].ToArray(), dynamicParameters[p].ToArray(), tolerance);
            }
        }
        Assert.Equal(steps, deviceGraph.Steps);
        Assert.True(deviceGraph.KernelsPerStep > 0);
    }

    static void Close(string what, float actual, float expected, float tolerance)
    {
        float error = MathF.Abs(actual - expected) / MathF.Max(MathF.Abs(expected), 1e-3f);
        Assert.True(error <= tolerance, $"{what}: {actual} vs {expected} (relative error {error:G3} > {tolerance:G3})");
    }

    /// <summary>Each element's error relative to the largest magnitude in the expected tensor (gradients have tiny entries beside large ones).</summary>
    static void Close(string what, float[] actual, float[] expected, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = MathF.Max(expected.Max(MathF.Abs), 1e-3f);
        for (int i = 0; i < expected.Length; i++)
        {
            float error = MathF.Abs(actual[i] - expected[i]) / scale;
            Assert.True(error <= tolerance, $"{what}: element {i} is {actual[i]}, expected {expected[i]} (error {error:G3} of the largest magnitude {scale:G3} > {tolerance:G3})");
        }
    }
}
