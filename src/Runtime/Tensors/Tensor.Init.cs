namespace Kiln;

/// <summary>
/// In-place initialisation, torch's trailing-underscore tensor methods (<c>w.normal_(0, 0.02)</c>,
/// <c>b.zero_()</c>). Unlike <see cref="FillInPlace"/> they accept a leaf that requires grad — a parameter — without
/// <see cref="Autograd.NoGrad"/>: they write its values under the hood and record nothing, as torch.nn.init does under
/// no_grad. Initialise before the forward pass: a leaf's values are saved by the ops that read it, and a write after
/// the forward would change what their backward sees. A tensor an op produced (with a grad_fn) is refused.
/// </summary>
public partial class Tensor
{
    /// <summary>Fills with samples of N(mean, std²) from <paramref name="rng"/> (the default generator when null).</summary>
    public Tensor Normal_(float mean = 0f, float std = 1f, Rng? rng = null)
    {
        EnsureInitializable("Normal_");
        if (!(std >= 0f)) throw new ArgumentException($"Normal_: std must be non-negative, got {std}.", nameof(std));
        (rng ?? Rng.Default).FillNormal(Storage, mean, std);
        return this;
    }

    /// <summary>Fills with samples of U(low, high) from <paramref name="rng"/> (the default generator when null).</summary>
    public Tensor Uniform_(float low = 0f, float high = 1f, Rng? rng = null)
    {
        EnsureInitializable("Uniform_");
        if (!(low <= high)) throw new ArgumentException($"Uniform_: low {low} is greater than high {high}.");
        (rng ?? Rng.Default).FillUniform(Storage, low, high);
        return this;
    }

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public Tensor Fill_(float value)
    {
        EnsureInitializable("Fill_");
        Storage.AsSpan().Fill(value);
        return this;
    }

    /// <summary>Sets every element to 0.</summary>
    public Tensor Zero_()
    {
        EnsureInitializable("Zero_");
        Storage.AsSpan().Clear();
        return this;
    }

    void EnsureInitializable(string op)
    {
        if (GradFn is not null)
            throw new InvalidOperationException($"{op}: this {ShapeString} tensor is the result of an op ({GradFn.Name}) on the tape, so it cannot be initialised in place; initialise the leaf (a parameter) instead, or Detach() first.");
    }
}
