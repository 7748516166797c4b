namespace Kiln.Nn;

/// <summary>
/// nn.Dropout: in training zeroes each element with probability p and scales the rest by 1/(1 − p); in evaluation
/// it is the identity. The mask is drawn from the given <see cref="Rng"/>, or from <see cref="Rng.Default"/> at
/// each call when none is given (so <see cref="Rng.ManualSeed"/> governs it, like torch.manual_seed).
/// </summary>
public sealed class Dropout : Module, ITensorModule
{
    readonly Rng? rng;

    public Dropout(float p = 0.5f, Rng? rng = null)
    {
        if (!(p >= 0f && p <= 1f)) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout: probability p must be in [0, 1], got {p}.");
        P = p;
        this.rng = rng;
    }

    public float P { get; }

    public Tensor Forward(Tensor input) => Ops.Dropout(input, P, Training, rng);

    protected override string ExtraRepr() => $"p={P.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, inplace=False";
}
