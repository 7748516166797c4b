using Kiln.Accelerators.Tests.Models;
using Kiln.Integration.Tests.Models;

namespace Kiln.Accelerators.Tests;

/// <summary>
/// static-on-ILGPU ≡ static-on-CPU ≡ dynamic over three steps with the device optimizer, on tiny shapes (the ILGPU
/// CPU accelerator is a simulator). 1e-4 relative; 1e-3 where ILGPU's exp/log/tanh are used, as on a GPU they are
/// the hardware's approximate instructions (on the simulator they are .NET's).
/// </summary>
public class ParityTests
{
    static Tensor Features(int seed, params int[] shape) => Tensor.Randn(shape, new Rng(seed));

    static IntTensor Labels(int rows, int classes, int salt = 7) => IntTensor.FromArray(Enumerable.Range(0, rows).Select(i => i * salt % classes).ToArray(), rows);

    static DeviceOptimizer Adam => DeviceOptimizer.Adam(lr: 0.01f);
    static Optim.Optimizer HostAdam(IEnumerable<Tensor> p) => new Optim.Adam(p, 0.01f);

    [Fact]
    public void DeviceMlp_with_Adam()
    {
        var x = Features(3, 16, 64);
        var y = Labels(16, 10);
        ParityHarness.Check(() => new DeviceMlp(new Rng(5)), m => m.Loss(x, y),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(x, y)); },
            Adam, HostAdam, tolerance: 1e-4f);
    }

    [Fact]
    public void DeviceMlp_with_Sgd_momentum_weight_decay_nesterov()
    {
        var x = Features(4, 8, 64);
        var y = Labels(8, 10, 3);
        ParityHarness.Check(() => new DeviceMlp(new Rng(6)), m => m.Loss(x, y),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(x, y)); },
            DeviceOptimizer.Sgd(0.1f, momentum: 0.9f, weightDecay: 1e-3f, nesterov: true),
            p => new Optim.Sgd(p, 0.1f, momentum: 0.9f, weightDecay: 1e-3f, nesterov: true), tolerance: 1e-4f);
    }

    [Fact]
    public void TinyClassifier()
    {
        var x = Features(7, 5, 6);
        var y = Labels(5, 3);
        ParityHarness.Check(() => new TinyClassifier(new Rng(8)), m => m.Loss(x, y),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(x, y)); },
            DeviceOptimizer.Sgd(0.05f, momentum: 0.5f, dampening: 0.1f), p => new Optim.Sgd(p, 0.05f, momentum: 0.5f, dampening: 0.1f), tolerance: 1e-4f);
    }

    [Fact]
    public void LinearRegression()
    {
        var x = Features(9, 10, 13);
        var y = Features(10, 10, 1);
        ParityHarness.Check(() => new LinearRegression(), m => m.Loss(x, y),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(x, y)); },
            Adam, HostAdam, tolerance: 1e-4f);
    }

    [Fact]
    public void SquashNet_tanh_sigmoid_log_softmax()
    {
        var x = Features(11, 6, 12);
        var t = Ops.Softmax(Features(12, 6, 5), 1);
        ParityHarness.Check(() => new SquashNet(new Rng(13)), m => m.Loss(x, t),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(x, t)); },
            Adam, HostAdam, tolerance: 1e-3f);
    }

    [Fact]
    public void ActivationNet()
    {
        var x = Features(14, 6, 13);
        ParityHarness.Check(() => new ActivationNet(), m => m.Loss(x),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(x)); },
            Adam, HostAdam, tolerance: 1e-3f);
    }

    [Fact]
    public void OpsZoo()
    {
        var x = Features(15, 5, 6);
        var t = Features(16, 5, 4);
        ParityHarness.Check(() => new OpsZoo(), m => m.Loss(x, t),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(x, t)); },
            Adam, HostAdam, tolerance: 1e-3f);
    }

    [Fact]
    public void SymbolicBatchNet()
    {
        var x = Features(17, 7, 20);
        var y = Features(18, 7, 5);
        ParityHarness.Check(() => new SymbolicBatchNet(), m => m.Loss(x, y),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(x, y)); },
            Adam, HostAdam, tolerance: 1e-3f);
    }

    [Fact]
    public void ChunkedFeaturesNet()
    {
        var x = Features(19, 6, 7);
        ParityHarness.Check(() => new ChunkedFeaturesNet(), m => m.Loss(x),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(x)); },
            Adam, HostAdam, tolerance: 1e-3f);
    }

    [Fact]
    public void LstmTagger_embedding_narrow()
    {
        var tokens = IntTensor.FromArray(Enumerable.Range(0, 12).Select(i => i * 5 % 20).ToArray(), 3, 4);
        var y = Labels(3, 3);
        ParityHarness.Check(() => new LstmTagger(), m => m.Loss(tokens, y),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(tokens, y)); },
            Adam, HostAdam, tolerance: 1e-3f);
    }

    [Fact]
    public void RnnClassifier()
    {
        var x = Features(20, 4, 5, 8);
        var y = Labels(4, 4);
        ParityHarness.Check(() => new RnnClassifier(), m => m.Loss(x, y),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(x, y)); },
            Adam, HostAdam, tolerance: 1e-3f);
    }

    [Fact]
    public void UnbiasedRnnNet()
    {
        var x = Features(21, 4, 3, 5);
        var h0 = Features(22, 2, 3, 6);
        var y = Labels(3, 3);
        ParityHarness.Check(() => new UnbiasedRnnNet(), m => m.Loss(x, h0, y),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(x, h0, y)); },
            Adam, HostAdam, tolerance: 1e-3f);
    }

    [Fact]
    public void SoftmaxRegression_k784()
    {
        var x = Features(23, 4, 784);
        var t = Ops.Softmax(Features(24, 4, 10), 1);
        ParityHarness.Check(() => new SoftmaxRegression(), m => m.Loss(x, t),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(x, t)); },
            Adam, HostAdam, tolerance: 1e-3f);
    }

    [Fact]
    public void Cnn_conv_relu_maxpool()
    {
        var images = Features(25, 3, 1, 8, 8);
        var labels = Labels(3, 10);
        ParityHarness.Check(() => new Cnn(), m => m.Loss(images, labels),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(images, labels)); },
            DeviceOptimizer.Sgd(0.05f, momentum: 0.9f), p => new Optim.Sgd(p, 0.05f, momentum: 0.9f), tolerance: 1e-4f);
    }

    /// <summary>The fused conv + ReLU + 2×2 max-pool without a bias and over an odd-sized convolution output, beside unfused chains.</summary>
    [Fact]
    public void ConvPoolVariants_fused_and_unfused()
    {
        var images = Features(28, 3, 1, 8, 8);
        var labels = Labels(3, 5);
        ParityHarness.Check(() => new ConvPoolVariantsNet(), m => m.Loss(images, labels),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(images, labels)); },
            DeviceOptimizer.Sgd(0.05f, momentum: 0.9f), p => new Optim.Sgd(p, 0.05f, momentum: 0.9f), tolerance: 1e-4f);
    }

    [Fact]
    public void PoolNet_strided_padded_conv_and_pools()
    {
        var x = Features(26, 2, 2, 8, 8);
        var y = Labels(2, 3);
        ParityHarness.Check(() => new PoolNet(new Rng(27)), m => m.Loss(x, y),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(x, y)); },
            Adam, HostAdam, tolerance: 1e-3f);
    }

    [Fact]
    public void RectifierNet_leaky_gelu_softplus_elu_silu()
    {
        var x = Features(28, 5, 13);
        var target = Features(29, 5, 3);
        ParityHarness.Check(() => new RectifierNet(), m => m.Loss(x, target),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(x, target)); },
            Adam, HostAdam, tolerance: 1e-3f);
    }

    [Fact]
    public void BatchNormNet_training_flag_and_running_statistics()
    {
        var x = Features(30, 6, 10);
        var y = Labels(6, 3);
        // SGD, not Adam: the bias before a batch norm has a gradient of rounding noise only, which Adam would scale up to ±lr.
        ParityHarness.Check(() => new BatchNormNet(), m => m.Loss(x, y),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(x, y)); },
            DeviceOptimizer.Sgd(0.1f, momentum: 0.9f), p => new Optim.Sgd(p, 0.1f, momentum: 0.9f), tolerance: 1e-3f);

        // The running statistics the device updated in place come back with SyncToHost, as the CPU graph's did.
        var cpu = new BatchNormNet();
        var device = new BatchNormNet();
        foreach (var (source, target) in cpu.Parameters().Zip(device.Parameters())) source.Data.CopyTo(target.Data);
        using (var g = cpu.LossGraph.To(KilnDevice.Cpu, Adam)) g.Step(x, y);
        using (var g = device.LossGraph.To(KilnDevice.IlgpuCpu, Adam))
        {
            g.Step(x, y);
            g.SyncToHost();
        }
        var cpuBuffers = cpu.NamedBuffers().ToList();
        var deviceBuffers = device.NamedBuffers().ToList();
        Assert.NotEmpty(cpuBuffers);
        for (int b = 0; b < cpuBuffers.Count; b++)
            for (int i = 0; i < cpuBuffers[b].Buffer.Count; i++)
                Assert.True(MathF.Abs(deviceBuffers[b].Buffer.Data[i] - cpuBuffers[b].Buffer.Data[i]) <= 1e-4f * (1f + MathF.Abs(cpuBuffers[b].Buffer.Data[i])), $"{cpuBuffers[b].Name}[{i}]");
    }
}
