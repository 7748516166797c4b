using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Kiln.Optim;

/// <summary>
/// Adam (torch.optim.Adam, amsgrad off) with torch 1.13's single-tensor update in float32: g += wd·p (L2, not
/// AdamW); m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g·g; p += (−lr / (1 − β1^t))·m / (sqrt(v) / sqrt(1 − β2^t) + ε),
/// the bias corrections and step size computed in double as Python does.
/// </summary>
public sealed class Adam : Optimizer
{
    readonly State?[] states;

    public Adam(IEnumerable<Tensor> parameters, float lr = 1e-3f, (float Beta1, float Beta2)? betas = null, float eps = 1e-8f, float weightDecay = 0f)
        : base(parameters, "Adam")
    {
        var (beta1, beta2) = betas ?? (0.9f, 0.999f);
        if (!(lr >= 0f)) throw new ArgumentOutOfRangeException(nameof(lr), $"Adam: invalid learning rate {lr}.");
        if (!(eps >= 0f)) throw new ArgumentOutOfRangeException(nameof(eps), $"Adam: invalid epsilon {eps}.");
        if (!(beta1 >= 0f && beta1 < 1f)) throw new ArgumentOutOfRangeException(nameof(betas), $"Adam: invalid beta1 {beta1}.");
        if (!(beta2 >= 0f && beta2 < 1f)) throw new ArgumentOutOfRangeException(nameof(betas), $"Adam: invalid beta2 {beta2}.");
        if (!(weightDecay >= 0f)) throw new ArgumentOutOfRangeException(nameof(weightDecay), $"Adam: invalid weight decay {weightDecay}.");
        LearningRate = lr;
        Betas = (beta1, beta2);
        Eps = eps;
        WeightDecay = weightDecay;
        states = new State?[Parameters.Count];
    }

    /// <summary>The learning rate; may be changed between steps (a schedule).</summary>
    public override float LearningRate { get; set; }
    public (float Beta1, float Beta2) Betas { get; }
    public float Eps { get; }
    public float WeightDecay { get; }

    sealed class State(int count)
    {
        public int Step;
        public readonly float[] ExpAvg = new float[count];
        public readonly float[] ExpAvgSq = new float[count];
    }

    /// <summary>How many steps updated <paramref name="parameter"/> (state['step']).</summary>
    public int StepCount(Tensor parameter) => states[IndexOf(parameter)]?.Step ?? 0;

    /// <summary>Copy of the first-moment estimate (state['exp_avg']), null before the parameter's first step.</summary>
    public Tensor? ExpAvg(Tensor parameter) => states[IndexOf(parameter)] is { } s ? Tensor.FromArray(s.ExpAvg, parameter.Shape) : null;

    /// <summary>Copy of the second-moment estimate (state['exp_avg_sq']), null before the parameter's first step.</summary>
    public Tensor? ExpAvgSq(Tensor parameter) => states[IndexOf(parameter)] is { } s ? Tensor.FromArray(s.ExpAvgSq, parameter.Shape) : null;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]

    protected override void Update(int index, Span<float> p, ReadOnlySpan<float> grad)
    {
        var state = states[index] ??= new State(p.Length);
        int step = ++state.Step;
        double beta1 = AsWritten(Betas.Beta1), beta2 = AsWritten(Betas.Beta2);
        float b1 = Betas.Beta1, b2 = Betas.Beta2, weightDecay = WeightDecay, eps = Eps;
        float oneMinusB1 = (float)(1 - beta1), oneMinusB2 = (float)(1 - beta2);
        double biasCorrection1 = 1 - Math.Pow(beta1, step);
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        float negativeStepSize = (float)-(AsWritten(LearningRate) / biasCorrection1);
        float biasCorrection2Sqrt = (float)Math.Sqrt(biasCorrection2);
        var m = state.ExpAvg;
        var v = state.ExpAvgSq;
        int i = 0;
        // The vector loops do the same float32 operations in the same order as the scalar one (no fused
        // multiply-add, correctly rounded sqrt and division), so every width gives identical bits. The update is
        // bound by its square roots and divisions, which the widest vectors halve. The two vector loops are the
        // same update at two widths: Vector512 and Vector<float> share no public generic interface to write it once.
        if (Vector512.IsHardwareAccelerated)
        {
            var (vb1, vb2, vc1, vc2) = (Vector512.Create(b1), Vector512.Create(b2), Vector512.Create(oneMinusB1), Vector512.Create(oneMinusB2));
            var (vWeightDecay, vStep, vCorrection, vEps) = (Vector512.Create(weightDecay), Vector512.Create(negativeStepSize), Vector512.Create(biasCorrection2Sqrt), Vector512.Create(eps));
            ref float pRef = ref MemoryMarshal.GetReference(p);
            ref float gRef = ref MemoryMarshal.GetReference(grad);
            ref float mRef = ref MemoryMarshal.GetArrayDataReference(m);
            ref float vRef = ref MemoryMarshal.GetArrayDataReference(v);
            for (; i <= p.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var pv = Vector512.LoadUnsafe(ref pRef, (nuint)i);
                var g = Vector512.LoadUnsafe(ref gRef, (nuint)i);
                if (weightDecay != 0f) g += vWeightDecay * pv;
                var mv = Vector512.LoadUnsafe(ref mRef, (nuint)i) * vb1 + vc1 * g;
                var vv = Vector512.LoadUnsafe(ref vRef, (nuint)i) * vb2 + vc2 * g * g;
                mv.StoreUnsafe(ref mRef, (nuint)i);
                vv.StoreUnsafe(ref vRef, (nuint)i);
                (pv + vStep * mv / (Vector512.Sqrt(vv) / vCorrection + vEps)).StoreUnsafe(ref pRef, (nuint)i);
            }
        }
        if (Vector.IsHardwareAccelerated)
        {
            var (vb1, vb2, vc1, vc2) = (new Vector<float>(b1), new Vector<float>(b2), new Vector<float>(oneMinusB1), new Vector<float>(oneMinusB2));
            var (vWeightDecay, vStep, vCorrection, vEps) = (new Vector<float>(weightDecay), new Vector<float>(negativeStepSize), new Vector<float>(biasCorrection2Sqrt), new Vector<float>(eps));
            ref float pRef = ref MemoryMarshal.GetReference(p);
            ref float gRef = ref MemoryMarshal.GetReference(grad);
            for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var pv = Vector.LoadUnsafe(ref pRef, (nuint)i);
                var g = Vector.LoadUnsafe(ref gRef, (nuint)i);
                if (weightDecay != 0f) g += vWeightDecay * pv;
                var mv = Vector.LoadUnsafe(ref m[0], (nuint)i) * vb1 + vc1 * g;
                var vv = Vector.LoadUnsafe(ref v[0], (nuint)i) * vb2 + vc2 * g * g;
                mv.StoreUnsafe(ref m[0], (nuint)i);
                vv.StoreUnsafe(ref v[0], (nuint)i);
                (pv + vStep * mv / (Vector.SquareRoot(vv) / vCorrection + vEps)).StoreUnsafe(ref pRef, (nuint)i);
            }
        }
        for (; i < p.Length; i++)
        {
            float g = grad[i];
            if (weightDecay != 0f) g += weightDecay * p[i];
            m[i] = m[i] * b1 + oneMinusB1 * g;
            v[i] = v[i] * b2 + oneMinusB2 * g * g;
            float denominator = MathF.Sqrt(v[i]) / biasCorrection2Sqrt + eps;
            p[i] += negativeStepSize * m[i] / denominator;
        }
    }
}
