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
        Span<float> g = grad.Length <= 1024 ? stackalloc float[grad.Length] : new float[grad.Length];
        grad.CopyTo(g);
        if (weightDecay != 0f)
            for (int i = 0; i < g.Length; i++) g[i] += weightDecay * p[i];
        if (momentum != 0f)
        {
            var buffer = momentumBuffers[index];
            if (buffer is null) momentumBuffers[index] = buffer = g.ToArray();
            else
            {
                float keep = (float)(1 - AsWritten(Dampening));
                for (int i = 0; i < g.Length; i++) buffer[i] = buffer[i] * momentum + keep * g[i];
            }
            if (Nesterov)
                for (int i = 0; i < g.Length; i++) g[i] += momentum * buffer[i];
            else buffer.CopyTo(g);
        }
        for (int i = 0; i < p.Length; i++) p[i] += negativeLr * g[i];
    }
}
