using System.Runtime.CompilerServices;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Kiln.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, weight decay and Nesterov momentum, with
/// torch 1.13's update (float32, same operation order):
/// g += wd·p; buf = g on the first step, else buf = μ·buf + (1 − dampening)·g; g = g + μ·buf (Nesterov) or buf;
/// p += (−lr)·g.
/// </summary>
public sealed class Sgd : Optimizer
{
    readonly float[]?[] momentumBuffers;

    public Sgd(IEnumerable<Tensor> parameters, float lr, float momentum = 0f, float dampening = 0f, float weightDecay = 0f, bool nesterov = false)
        : base(parameters, "Sgd")
    {
        if (!(lr >= 0f)) throw new ArgumentOutOfRangeException(nameof(lr), $"Sgd: invalid learning rate {lr}.");
        if (!(momentum >= 0f)) throw new ArgumentOutOfRangeException(nameof(momentum), $"Sgd: invalid momentum {momentum}.");
        if (!(weightDecay >= 0f)) throw new ArgumentOutOfRangeException(nameof(weightDecay), $"Sgd: invalid weight decay {weightDecay}.");
        if (nesterov && (momentum <= 0f || dampening != 0f))
            throw new ArgumentException("Sgd: Nesterov momentum requires a momentum and zero dampening.");
        LearningRate = lr;
        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        momentumBuffers = new float[]?[Parameters.Count];
    }

    /// <summary>The learning rate; may be changed between steps (a schedule).</summary>
    public override float LearningRate { get; set; }
    public float Momentum { get; }
    public float Dampening { get; }
    public float WeightDecay { get; }
    public bool Nesterov { get; }

    /// <summary>The momentum buffer of <paramref name="parameter"/> (state['momentum_buffer']), null before its first step or without momentum.</summary>
    public Tensor? MomentumBuffer(Tensor parameter)
    {
        var buffer = momentumBuffers[IndexOf(parameter)];
        return buffer is null ? null : Tensor.FromArray(buffer, parameter.Shape);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]

    protected override void Update(int index, Span<float> p, ReadOnlySpan<float> grad)
    {
        float weightDecay = WeightDecay, momentum = Momentum;
        float negativeLr = (float)-AsWritten(LearningRate);
        if (weightDecay == 0f && momentum == 0f)
        {
            AddScaled(p, grad, negativeLr);
            return;
        }
        // torch leaves p.grad untouched (d_p = d_p.add(p, alpha=wd) is a new tensor). One pass per element does
        // torch's sequence of whole-tensor ops in the same order with the same roundings (each product rounded
        // before its sum, no fused multiply-add), so the bits match the op-by-op update.
        bool firstStep = momentum != 0f && momentumBuffers[index] is null;
        var buffer = momentum == 0f ? null : momentumBuffers[index] ??= new float[p.Length];
        var update = new ElementUpdate(weightDecay, momentum, (float)(1 - AsWritten(Dampening)), negativeLr, Nesterov, firstStep);
        int i = 0;
        if (Vector.IsHardwareAccelerated && buffer is not null)
        {
            ref float pRef = ref MemoryMarshal.GetReference(p);
            ref float gRef = ref MemoryMarshal.GetReference(grad);
            ref float bRef = ref MemoryMarshal.GetArrayDataReference(buffer);
            for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var pv = Vector.LoadUnsafe(ref pRef, (nuint)i);
                var bv = Vector.LoadUnsafe(ref bRef, (nuint)i);
                update.Apply(ref pv, Vector.LoadUnsafe(ref gRef, (nuint)i), ref bv);
                pv.StoreUnsafe(ref pRef, (nuint)i);
                bv.StoreUnsafe(ref bRef, (nuint)i);
            }
        }
        else if (Vector.IsHardwareAccelerated)
        {
            ref float pRef = ref MemoryMarshal.GetReference(p);
            ref float gRef = ref MemoryMarshal.GetReference(grad);
            for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var pv = Vector.LoadUnsafe(ref pRef, (nuint)i);
                var unused = Vector<float>.Zero;
                update.Apply(ref pv, Vector.LoadUnsafe(ref gRef, (nuint)i), ref unused);
                pv.StoreUnsafe(ref pRef, (nuint)i);
            }
        }
        for (; i < p.Length; i++)
        {
            float unused = 0f;
            update.Apply(ref p[i], grad[i], ref buffer is null ? ref unused : ref buffer[i]);
        }
    }

    /// <summary>One element's (or one vector's) weight decay, momentum and step, in torch's order.</summary>
    readonly struct ElementUpdate(float weightDecay, float momentum, float dampeningComplement, float negativeLr, bool nesterov, bool firstStep)
    {
        readonly Vector<float> weightDecays = new(weightDecay), momenta = new(momentum), dampeningComplements = new(dampeningComplement), negativeLrs = new(negativeLr);

        public void Apply(ref Vector<float> p, Vector<float> g, ref Vector<float> buffer)
        {
            if (weightDecay != 0f) g += weightDecays * p;                              // d_p = d_p.add(p, alpha=wd)
            if (momentum != 0f)
            {
                buffer = firstStep ? g : buffer * momenta + dampeningComplements * g;   // buf.mul_(μ).add_(d_p, alpha=1-dampening)
                g = nesterov ? g + momenta * buffer : buffer;                         // d_p.add(buf, alpha=μ) or buf
            }
            p += negativeLrs * g;                                                     // p.add_(d_p, alpha=-lr)
        }

        /// <summary>The same update for one element (the tail, or machines without SIMD).</summary>
        public void Apply(ref float p, float g, ref float buffer)
        {
            if (weightDecay != 0f) g += weightDecay * p;
            if (momentum != 0f)
            {
                buffer = firstStep ? g : buffer * momentum + dampeningComplement * g;
                g = nesterov ? g + momentum * buffer : buffer;
            }
            p += negativeLr * g;
        }
    }

    /// <summary>
    /// destination += alpha·source, rounding the product before the sum as torch's add_(source, alpha) does in
    /// its scalar path; the vector loop performs the same two roundings, so the result does not depend on width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void AddScaled(Span<float> destination, ReadOnlySpan<float> source, float alpha)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var a = new Vector<float>(alpha);
            ref float d = ref MemoryMarshal.GetReference(destination);
            ref float s = ref MemoryMarshal.GetReference(source);
            for (; i <= destination.Length - Vector<float>.Count; i += Vector<float>.Count)
                (Vector.LoadUnsafe(ref d, (nuint)i) + a * Vector.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < destination.Length; i++) destination[i] += alpha * source[i];
    }
}
