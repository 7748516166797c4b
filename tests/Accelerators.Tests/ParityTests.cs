using Kiln.Accelerators.Tests.Models;

namespace Kiln.Accelerators.Tests;

/// <summary>static-on-ILGPU ≡ static-on-CPU ≡ dynamic, over three steps with the device optimizer, on tiny shapes.</summary>
public class ParityTests
{
    static Tensor Features(int rows, int columns, int seed) => Tensor.Randn(new[] { rows, columns }, new Rng(seed));

    static IntTensor Labels(int rows, int classes) => IntTensor.FromArray(Enumerable.Range(0, rows).Select(i => i * 7 % classes).ToArray(), rows);

    [Fact]
    public void DeviceMlp_with_Adam()
    {
        var x = Features(16, 64, 3);
        var y = Labels(16, 10);
        ParityHarness.Check(() => new DeviceMlp(new Rng(5)), m => m.Loss(x, y),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(x, y)); },
            DeviceOptimizer.Adam(lr: 0.01f), p => new Optim.Adam(p, 0.01f), tolerance: 1e-4f);
    }
}
