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
    float[] scratch = Array.Empty<float>();

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
    public float LearningRate { get; set; }
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

    protected override void Update(int index, Span<float> p, ReadOnlySpan<float> grad)
    {
        float weightDecay = WeightDecay, momentum = Momentum;
        float negativeLr = (float)-AsWritten(LearningRate);
        if (weightDecay == 0f && momentum == 0f)
        {
            AddScaled(p, grad, negativeLr);
            return;
        }
        // torch leaves p.grad untouched (d_p = d_p.add(p, alpha=wd) is a new tensor): work on a reused copy.
        if (scratch.Length < grad.Length) scratch = new float[grad.Length];
        var g = scratch.AsSpan(0, grad.Length);
        grad.CopyTo(g);
        if (weightDecay != 0f) AddScaled(g, p, weightDecay);
        if (momentum != 0f)
        {
            var buffer = momentumBuffers[index];
            if (buffer is null) momentumBuffers[index] = buffer = g.ToArray();
            else
            {
                TensorPrimitives.Multiply(buffer, momentum, buffer);
                AddScaled(buffer, g, (float)(1 - AsWritten(Dampening)));
            }
            if (Nesterov) AddScaled(g, buffer, momentum);
            else buffer.CopyTo(g);
        }
        AddScaled(p, g, negativeLr);
    }

    /// <summary>
    /// destination += alpha·source, rounding the product before the sum as torch's add_(source, alpha) does in
    /// its scalar path; the vector loop performs the same two roundings, so the result does not depend on width.
    /// </summary>
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
