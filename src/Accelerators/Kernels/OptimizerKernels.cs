using ILGPU;
using ILGPU.Runtime;

namespace Kiln.Accelerators.Kernels;

public struct AdamStep
{
    public float Beta1, Beta2, OneMinusBeta1, OneMinusBeta2, NegativeStepSize, BiasCorrection2Sqrt, Eps, WeightDecay;
}

public struct SgdStep
{
    public float WeightDecay, Momentum, DampeningComplement, NegativeLr;
    public int Nesterov, FirstStep;
}

/// <summary>
/// The optimizers as one kernel over every parameter at once (they live in one flat buffer): the float operations
/// of Kiln.Optim.Adam / Kiln.Optim.Sgd in the same order, the per-step scalars computed on the host as they do.
/// </summary>
public static class OptimizerKernels
{
    public static void Adam(Index1D i, ArrayView<float> p, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v, AdamStep s)
    {
        float g = grad[i];
        if (s.WeightDecay != 0f) g += s.WeightDecay * p[i];
        float mi = m[i] * s.Beta1 + s.OneMinusBeta1 * g;
        float vi = v[i] * s.Beta2 + s.OneMinusBeta2 * g * g;
        m[i] = mi;
        v[i] = vi;
        float denominator = ILGPU.Algorithms.XMath.Sqrt(vi) / s.BiasCorrection2Sqrt + s.Eps;
        p[i] += s.NegativeStepSize * mi / denominator;
    }

    public static void Sgd(Index1D i, ArrayView<float> p, ArrayView<float> grad, ArrayView<float> buffer, SgdStep s)
    {
        float g = grad[i];
        if (s.WeightDecay != 0f) g += s.WeightDecay * p[i];
        if (s.Momentum != 0f)
        {
            float b = s.FirstStep != 0 ? g : buffer[i] * s.Momentum + s.DampeningComplement * g;
            buffer[i] = b;
            g = s.Nesterov != 0 ? g + s.Momentum * b : b;
        }
        p[i] += s.NegativeLr * g;
    }
}
