using ILGPU;
using Kiln.Accelerators.Kernels;
using Kiln.Optim;

namespace Kiln.Accelerators;

/// <summary>
/// The optimizer a device graph trains with: on the cpu device it is Kiln.Optim's (Sgd / Adam); on an ILGPU device
/// one fused kernel over all parameters (they sit in one flat buffer) with the same float32 operations in the same
/// order, the per-step scalars computed on the host in double as Kiln.Optim does.
/// </summary>
public abstract class DeviceOptimizer
{
    private protected DeviceOptimizer() { }

    /// <summary>torch.optim.SGD: momentum, dampening, weight decay, Nesterov (see <see cref="Kiln.Optim.Sgd"/>).</summary>
    public static DeviceOptimizer Sgd(float lr, float momentum = 0f, float dampening = 0f, float weightDecay = 0f, bool nesterov = false) =>
        new SgdOptimizer(lr, momentum, dampening, weightDecay, nesterov);

    /// <summary>torch.optim.Adam, amsgrad off (see <see cref="Kiln.Optim.Adam"/>).</summary>
    public static DeviceOptimizer Adam(float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 0f) =>
        new AdamOptimizer(lr, beta1, beta2, eps, weightDecay);

    /// <summary>Flat state buffers per parameter element (Adam: 2, SGD with momentum: 1).</summary>
    internal abstract int StateBuffers { get; }

    internal abstract Optimizer CreateHost(IEnumerable<Tensor> parameters);

    /// <summary>One step over the flat parameter, gradient and state buffers; <paramref name="step"/> counts from 1.</summary>
    internal abstract void StepOnDevice(DeviceLibrary library, ArrayView<float> parameters, ArrayView<float> gradients, ArrayView<float>[] state, int step);

    public abstract override string ToString();

    /// <summary>Python floats are doubles: the shortest decimal of the float, read back as a double (Kiln.Optim does the same).</summary>
    private protected static double AsWritten(float value) => double.Parse(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    sealed class SgdOptimizer(float lr, float momentum, float dampening, float weightDecay, bool nesterov) : DeviceOptimizer
    {
        internal override int StateBuffers => momentum != 0f ? 1 : 0;

        internal override Optimizer CreateHost(IEnumerable<Tensor> parameters) => new Sgd(parameters, lr, momentum, dampening, weightDecay, nesterov);

        internal override void StepOnDevice(DeviceLibrary library, ArrayView<float> parameters, ArrayView<float> gradients, ArrayView<float>[] state, int step) =>
            library.Sgd(parameters, gradients, state.Length > 0 ? state[0] : gradients, new SgdStep
            {
                WeightDecay = weightDecay,
                Momentum = momentum,
                DampeningComplement = (float)(1 - AsWritten(dampening)),
                NegativeLr = (float)-AsWritten(lr),
                Nesterov = nesterov ? 1 : 0,
                FirstStep = step == 1 ? 1 : 0,
            });

        public override string ToString() => $"SGD (lr {lr}, momentum {momentum}, weight decay {weightDecay}{(nesterov ? ", Nesterov" : "")})";
    }

    sealed class AdamOptimizer(float lr, float beta1, float beta2, float eps, float weightDecay) : DeviceOptimizer
    {
        internal override int StateBuffers => 2;

        internal override Optimizer CreateHost(IEnumerable<Tensor> parameters) => new Adam(parameters, lr, (beta1, beta2), eps, weightDecay);

        internal override void StepOnDevice(DeviceLibrary library, ArrayView<float> parameters, ArrayView<float> gradients, ArrayView<float>[] state, int step)
        {
            double b1 = AsWritten(beta1), b2 = AsWritten(beta2);
            library.Adam(parameters, gradients, state[0], state[1], new AdamStep
            {
                Beta1 = beta1,
                Beta2 = beta2,
                OneMinusBeta1 = (float)(1 - b1),
                OneMinusBeta2 = (float)(1 - b2),
                NegativeStepSize = (float)-(AsWritten(lr) / (1 - Math.Pow(b1, step))),
                BiasCorrection2Sqrt = (float)Math.Sqrt(1 - Math.Pow(b2, step)),
                Eps = eps,
                WeightDecay = weightDecay,
            });
        }

        public override string ToString() => $"Adam (lr {lr}, betas ({beta1}, {beta2}), eps {eps}, weight decay {weightDecay})";
    }
}
