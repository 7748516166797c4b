using ILGPU;
using ILGPU.Runtime;
using Kiln.Accelerators.Tests.Models;
using Kiln.Integration.Tests.Models;

namespace Kiln.Accelerators.Tests;

/// <summary>Clear errors: no CUDA device, a graph the ILGPU backend cannot lower, a kernel ILGPU cannot compile.</summary>
public class DeviceErrorTests
{
    internal static void Throwing(Index1D i, ArrayView<float> values)
    {
        if (values[i] < 0f) throw new InvalidOperationException("kernels cannot throw");
    }

    static void Doubling(Index1D i, ArrayView<float> values) => values[i] *= 2f;

    [Fact]
    public void Cuda_without_a_GPU_names_what_it_looked_for()
    {
        DeviceSession session;
        try
        {
            session = KilnDevice.Cuda.Session;
        }
        catch (DeviceUnavailableException e)
        {
            Assert.Contains("CUDA", e.Message);
            Assert.Contains("libcuda.so", e.Message);
            Assert.Contains("libcuda.so.1", e.Message);
            return;
        }
        // A machine with a GPU: the session is a CUDA one.
        Assert.IsType<ILGPU.Runtime.Cuda.CudaAccelerator>(session.Accelerator);
    }

    [Fact]
    public void Device_names_parse_and_unknown_ones_are_refused()
    {
        Assert.Same(KilnDevice.Cpu, KilnDevice.Parse("cpu"));
        Assert.Same(KilnDevice.IlgpuCpu, KilnDevice.Parse("ilgpu-cpu"));
        Assert.Same(KilnDevice.Cuda, KilnDevice.Parse("CUDA"));
        var e = Assert.Throws<ArgumentException>(() => KilnDevice.Parse("tpu"));
        Assert.Contains("cpu, ilgpu-cpu or cuda", e.Message);
    }

    [Fact]
    public void A_graph_without_a_device_program_names_the_graph_and_op_and_still_trains_on_the_cpu()
    {
        var model = new LossAndLogitsNet();
        var e = Assert.Throws<NotSupportedException>(() => model.StepGraph.To(KilnDevice.IlgpuCpu, DeviceOptimizer.Adam()));
        Assert.Contains("Kiln.Integration.Tests.Models.LossAndLogitsNet.Step", e.Message);
        Assert.Contains("tuple", e.Message);
        Assert.Contains("KilnDevice.Cpu", e.Message);

        var x = Tensor.Randn(new[] { 6, 6 }, new Rng(1));
        var y = IntTensor.FromArray(new[] { 0, 1, 2, 0, 1, 2 }, 6);
        using var cpu = model.StepGraph.To(KilnDevice.Cpu, DeviceOptimizer.Adam(lr: 0.05f));
        float first = cpu.Step(x, y);
        for (int i = 0; i < 20; i++) cpu.Step(x, y);
        Assert.True(cpu.Step(x, y) < first);
    }

    [Fact]
    public void A_tuple_result_stays_on_the_host_with_a_reason()
    {
        var tuple = Assert.Throws<NotSupportedException>(() => new LossAndLogitsNet().StepGraph.To(KilnDevice.IlgpuCpu, DeviceOptimizer.Adam()));
        Assert.Contains("tuple", tuple.Message);
    }

    [Fact]
    public void A_kernel_that_fails_to_compile_names_graph_and_kernel_and_the_next_use_gets_a_fresh_context()
    {
        var poisoned = KilnDevice.IlgpuCpu.Session;
        var x = Tensor.Randn(new[] { 4, 64 }, new Rng(3));
        var y = IntTensor.FromArray(new[] { 1, 2, 3, 4 }, 4);
        using var bound = new DeviceMlp(new Rng(4)).LossGraph.To(KilnDevice.IlgpuCpu, DeviceOptimizer.Adam());
        var e = Assert.Throws<DeviceKernelException>(() => poisoned.Grouped1D<ArrayView<float>>(Throwing, "Some.Model.Loss"));
        Assert.Equal("Some.Model.Loss", e.Graph);
        Assert.Contains("Throwing", e.Kernel);
        Assert.Contains("Some.Model.Loss", e.Message);
        Assert.True(poisoned.IsPoisoned);
        // A graph bound to the discarded session says so instead of touching freed buffers.
        var stale = Assert.Throws<InvalidOperationException>(() => bound.Step(x, y));
        Assert.Contains("bind it again", stale.Message);

        var fresh = KilnDevice.IlgpuCpu.Session;
        Assert.NotSame(poisoned, fresh);
        using var buffer = fresh.Accelerator.Allocate1D(new[] { 1f, 2f, 3f });
        fresh.Grouped1D<ArrayView<float>>(Doubling, "Some.Model.Loss")(fresh.Stream, 3, buffer.View);
        Assert.Equal(new[] { 2f, 4f, 6f }, buffer.GetAsArray1D());

        // And a whole device graph trains on the fresh context.
        using var graph = new DeviceMlp(new Rng(4)).LossGraph.To(KilnDevice.IlgpuCpu, DeviceOptimizer.Adam());
        Assert.True(float.IsFinite(graph.Step(x, y)));
    }

    [Fact]
    public void Kernels_load_once_per_session()
    {
        var x = Tensor.Randn(new[] { 4, 64 }, new Rng(3));
        var y = IntTensor.FromArray(new[] { 1, 2, 3, 4 }, 4);
        using var graph = new DeviceMlp(new Rng(4)).LossGraph.To(KilnDevice.IlgpuCpu, DeviceOptimizer.Adam());
        graph.Step(x, y);
        int loaded = KilnDevice.IlgpuCpu.Session.LoadedKernels;
        graph.Step(x, y);
        graph.Step(x, y);
        Assert.Equal(loaded, KilnDevice.IlgpuCpu.Session.LoadedKernels);
    }
}
