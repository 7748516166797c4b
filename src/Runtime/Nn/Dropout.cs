namespace Kiln.Nn;

/// <summary>
/// nn.Dropout: in training zeroes each element with probability p and scales the rest by 1/(1 − p); in evaluation
/// it is the identity. The mask is drawn from the given <see cref="Rng"/>, or from <see cref="Rng.Default"/> at
/// each call when none is given (so <see cref="Rng.ManualSeed"/> governs it, like torch.manual_seed).
/// </summary>
public sealed class Dropout : Module, ITensorModule
{
    public Dropout(float p = 0.5f, Rng? rng = null)
    {
        if (!(p >= 0f && p <= 1f)) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout: probability p must be in [0, 1], got {p}.");
        P = p;
        Rng = rng;
    }

    public float P { get; }

    /// <summary>The generator given to the constructor; null means <see cref="Kiln.Rng.Default"/> at each call.</summary>
    public Rng? Rng { get; }

    public Tensor Forward(Tensor input) => Ops.Dropout(input, P, Training, Rng);

    protected override string ExtraRepr() => $"p={PyFloat(P)}, inplace=False";
}
