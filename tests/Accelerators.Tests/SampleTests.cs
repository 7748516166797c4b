using System.Globalization;
using Kiln.Samples.Accelerators;

namespace Kiln.Accelerators.Tests;

/// <summary>samples/Accelerators: the same losses on cpu and ilgpu-cpu (1e-4 relative), the loss falls, and the Summary says what ran.</summary>
public class SampleTests
{
    [Fact]
    public void Cpu_and_ilgpu_cpu_print_the_same_losses()
    {
        const int steps = 8;
        var cpuOutput = new StringWriter();
        var deviceOutput = new StringWriter();
        var cpu = Training.Run(KilnDevice.Cpu, steps, cpuOutput);
        var device = Training.Run(KilnDevice.IlgpuCpu, steps, deviceOutput);
        for (int i = 0; i < steps; i++)
            Assert.True(MathF.Abs(device[i] - cpu[i]) <= 1e-4f * MathF.Abs(cpu[i]), $"step {i + 1}: ilgpu-cpu {device[i]}, cpu {cpu[i]}");
        Assert.True(cpu[^1] < cpu[0]);
        Assert.StartsWith($"step 1 loss {cpu[0].ToString("G6", CultureInfo.InvariantCulture)}\n", cpuOutput.ToString().ReplaceLineEndings("\n"));

        string summary = deviceOutput.ToString();
        // Resident training: the inputs in (16×64 floats and 16 labels), the loss scalar out, nothing else.
        Assert.Contains("bytes host->device per step: 4,160", summary);
        Assert.Contains("bytes device->host per step: 4", summary);
        Assert.Contains("GEMM: tiled shared-memory kernel (16×16)", summary);
        Assert.Contains("kernels launched per step: 12", summary);
        Assert.Contains("device arena bytes: 4,736", summary);
        Assert.Contains("kernels launched per step: 7 (generated C# kernels)", cpuOutput.ToString());
    }
}
