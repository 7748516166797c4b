using ILGPU;
using ILGPU.Runtime;
using Kiln.Accelerators.Tests.Models;
using Kiln.Integration.Tests.Models;

namespace Kiln.Accelerators.Tests;

/// <summary>
/// Training-mode Dropout on an ILGPU device: masks are hashed on the device from a seed the step draws from the
/// module's Rng, so they differ from the CPU's, but keep about 1-p of the elements, scale them by 1/(1-p), and the
/// backward pass multiplies by the forward's mask. In evaluation mode the device matches the CPU.
/// </summary>
public class DropoutTests
{
    const float P = 0.3f; // DropoutProbe's
    const int Width = 4096;

    [Fact]
    public void A_dropout_graph_gets_a_device_program()
    {
        using var graph = new TrainingDropoutNet(new Rng(1)).LossGraph.To(KilnDevice.IlgpuCpu, DeviceOptimizer.Adam());
        var x = Tensor.Randn(new[] { 6, 16 }, new Rng(1));
        var y = IntTensor.FromArray(new[] { 0, 1, 2, 0, 1, 2 }, 6);
        float first = graph.Step(x, y);
        for (int i = 0; i < 30; i++) graph.Step(x, y);
        Assert.True(float.IsFinite(first));
        Assert.True(graph.Step(x, y) < first, "training with dropout on the device lowers the loss");
    }

    [Fact]
    public void Evaluation_mode_matches_the_cpu()
    {
        var x = Tensor.Randn(new[] { 6, 16 }, new Rng(2));
        var y = IntTensor.FromArray(new[] { 0, 1, 2, 3, 1, 2 }, 6);
        ParityHarness.Check(() =>
            {
                var model = new TrainingDropoutNet(new Rng(5));
                model.Eval();
                return model;
            }, m => m.Loss(x, y),
            (m, device, optimizer) => { var g = m.LossGraph.To(device, optimizer); return (g, () => g.Step(x, y)); },
            DeviceOptimizer.Adam(lr: 0.01f), p => new Optim.Adam(p, lr: 0.01f), tolerance: 1e-4f);
    }

    [Fact]
    public void Training_masks_keep_one_minus_p_scaled_and_the_gradient_uses_the_forward_mask()
    {
        var model = new DropoutProbe(new Rng(3), new Rng(4));
        var x = Tensor.Randn(new[] { 1, 4 }, new Rng(5));
        using var graph = model.LossGraph.To(KilnDevice.IlgpuCpu, DeviceOptimizer.Sgd(0f));
        float[]? previousMask = null;
        for (int step = 0; step < 3; step++)
        {
            // The layer's output before dropout, from the parameters this step reads (lr 0 keeps them).
            float[] output = model.Fc.Forward(x).ToArray();
            float loss = graph.Step(x);
            graph.SyncToHost(gradients: true);
            // d loss / d bias_j = mask_j / Width.
            float[] mask = model.Fc.Bias!.Grad!.ToArray().Select(g => g * Width).ToArray();

            int kept = mask.Count(m => m != 0f);
            float keptFraction = kept / (float)Width;
            // Binomial(4096, 0.7): one standard deviation is 0.007, so 0.035 is five.
            Assert.InRange(keptFraction, 1f - P - 0.035f, 1f - P + 0.035f);
            foreach (float m in mask.Where(m => m != 0f)) Assert.Equal(1f / (1f - P), m, 1e-4f);

            // The forward loss is mean(mask * output): with the backward's mask it must come out the same.
            double expected = mask.Zip(output, (m, o) => (double)m * o).Sum() / Width;
            Assert.Equal(expected, loss, 1e-4);

            if (previousMask is not null) Assert.NotEqual(previousMask, mask); // each step draws a fresh seed
            previousMask = mask;
        }
    }

    [Fact]
    public void The_same_generator_seed_gives_the_same_masks_and_another_seed_differs()
    {
        float[] Masks(long seed)
        {
            var model = new DropoutProbe(new Rng(3), new Rng(seed));
            using var graph = model.LossGraph.To(KilnDevice.IlgpuCpu, DeviceOptimizer.Sgd(0f));
            graph.Step(Tensor.Ones(1, 4));
            graph.SyncToHost(gradients: true);
            return model.Fc.Bias!.Grad!.ToArray();
        }
        Assert.Equal(Masks(7), Masks(7));
        Assert.NotEqual(Masks(7), Masks(8));
    }

    [Fact]
    public void The_mask_kernel_is_all_ones_outside_training_and_all_zeros_at_p_one()
    {
        var session = KilnDevice.IlgpuCpu.Session;
        using var mask = session.Accelerator.Allocate1D<float>(256);
        session.Library.DropoutMask("probe", mask.View, training: 0, seed: 1, site: 3, p: 0.5f);
        session.Accelerator.Synchronize();
        Assert.All(mask.GetAsArray1D(), m => Assert.Equal(1f, m));
        session.Library.DropoutMask("probe", mask.View, training: 1, seed: 1, site: 3, p: 1f);
        session.Accelerator.Synchronize();
        Assert.All(mask.GetAsArray1D(), m => Assert.Equal(0f, m));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => session.Library.DropoutMask("probe", mask.View, 1, 1, 3, 1.5f));
        Assert.Contains("DropoutMask", e.Message);
    }
}
