using Kiln.Accelerators.Tests.Models;
using Kiln.Nn;

namespace Kiln.Accelerators.Tests;

/// <summary>Saving a model bound to a device graph writes the device's parameters, not the host's stale copies.</summary>
public class CheckpointSyncTests
{
    static (Tensor X, IntTensor Y) Batch()
    {
        var x = Tensor.Randn(new[] { 4, 64 }, new Rng(3));
        var y = IntTensor.FromArray(new[] { 0, 3, 7, 9 }, 4);
        return (x, y);
    }

    static float[][] Values(Module model) => model.Parameters().Select(p => p.ToArray()).ToArray();

    [Fact]
    public void Save_syncs_the_device_parameters_first()
    {
        var model = new DeviceMlp(new Rng(1));
        var initial = Values(model);
        var (x, y) = Batch();
        string path = Path.Combine(Path.GetTempPath(), $"kiln-device-checkpoint-{Guid.NewGuid():N}.ksd");
        try
        {
            using var graph = model.LossGraph.To(KilnDevice.IlgpuCpu, DeviceOptimizer.Adam(lr: 0.05f));
            for (int i = 0; i < 3; i++) graph.Step(x, y);
            Assert.Equal(initial, Values(model)); // training stayed on the device

            model.Save(path); // no SyncToHost

            var restored = new DeviceMlp(new Rng(2));
            restored.Load(path);
            graph.SyncToHost();
            var device = Values(model);
            Assert.NotEqual(initial, device);
            Assert.Equal(device, Values(restored));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_sub_module_state_dict_syncs_too_and_a_disposed_graph_no_longer_syncs()
    {
        var model = new DeviceMlp(new Rng(1));
        var (x, y) = Batch();
        var graph = model.LossGraph.To(KilnDevice.IlgpuCpu, DeviceOptimizer.Sgd(lr: 0.1f));
        var initialFirstLayer = model.Children().First().StateDict().Values.Select(t => t.ToArray()).ToArray();
        graph.Step(x, y);
        var trainedFirstLayer = model.Children().First().StateDict().Values.Select(t => t.ToArray()).ToArray();
        Assert.NotEqual(initialFirstLayer, trainedFirstLayer);

        graph.Step(x, y);
        graph.Dispose();
        // The second step's parameters were never synced, and nothing syncs from a disposed graph.
        var afterDispose = model.Children().First().StateDict().Values.Select(t => t.ToArray()).ToArray();
        Assert.Equal(trainedFirstLayer, afterDispose);
    }

    [Fact]
    public void Loading_a_state_dict_reaches_the_device_and_a_later_save_keeps_it()
    {
        var model = new DeviceMlp(new Rng(1));
        var (x, y) = Batch();
        using var graph = model.LossGraph.To(KilnDevice.IlgpuCpu, DeviceOptimizer.Sgd(lr: 0.1f));
        graph.Step(x, y);
        graph.Step(x, y);

        var other = new DeviceMlp(new Rng(2));
        var loaded = Values(other);
        model.LoadStateDict(other.StateDict());
        // Reading the state again syncs from the device: it must hold the loaded values, not the trained ones.
        Assert.Equal(loaded, model.StateDict().Values.Select(t => t.ToArray()).ToArray());
        graph.SyncToHost();
        Assert.Equal(loaded, Values(model));

        // Training resumes from the loaded values: the device's next step equals the same step taken from them on the CPU.
        graph.Step(x, y);
        graph.SyncToHost();
        var resumed = Values(model);
        Assert.NotEqual(loaded, resumed);
        using var reference = other.LossGraph.To(KilnDevice.IlgpuCpu, DeviceOptimizer.Sgd(lr: 0.1f));
        reference.Step(x, y);
        reference.SyncToHost();
        var expected = Values(other);
        for (int p = 0; p < expected.Length; p++)
            for (int i = 0; i < expected[p].Length; i++)
                Assert.Equal(expected[p][i], resumed[p][i], 5);
    }

    [Fact]
    public void Binding_another_graph_to_the_model_takes_over_its_state_sync()
    {
        var model = new DeviceMlp(new Rng(1));
        var (x, y) = Batch();
        using var first = model.LossGraph.To(KilnDevice.IlgpuCpu, DeviceOptimizer.Sgd(lr: 0.1f));
        first.Step(x, y);
        var second = model.LossGraph.To(KilnDevice.IlgpuCpu, DeviceOptimizer.Sgd(lr: 0.5f));
        second.Step(x, y);
        var fromSecond = model.StateDict().Values.Select(t => t.ToArray()).ToArray();
        second.Dispose();

        // The first graph, still alive and training, was superseded: saving no longer writes its parameters.
        first.Step(x, y);
        Assert.Equal(fromSecond, model.StateDict().Values.Select(t => t.ToArray()).ToArray());
        first.SyncToHost();
        Assert.NotEqual(fromSecond, model.StateDict().Values.Select(t => t.ToArray()).ToArray());
    }
}
