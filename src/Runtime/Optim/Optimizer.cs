using System.Runtime.CompilerServices;
using System.Globalization;

namespace Kiln.Optim;

/// <summary>
/// Base of the optimizers (torch.optim.Optimizer): holds the tensors it updates, clears their gradients and,
/// in <see cref="Step"/>, updates their values in place inside <see cref="Autograd.NoGrad"/>. Any leaf tensor
/// works, not only a <see cref="Nn.Parameter"/> — a hand-written model of plain tensors with RequiresGrad too.
/// </summary>
public abstract class Optimizer
{
    readonly Tensor[] parameters;

    protected Optimizer(IEnumerable<Tensor> parameters, string name)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = new List<Tensor>();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var p in parameters)
        {
            if (p is null) throw new ArgumentException($"{name}: parameter {list.Count} is null.");
            if (!p.IsLeaf) throw new ArgumentException($"{name}: parameter {list.Count} ({p.ShapeString}) is not a leaf tensor (an op produced it), so it cannot be optimized; pass the tensor itself.");
            if (!seen.Add(p)) throw new ArgumentException($"{name}: parameter {list.Count} ({p.ShapeString}) appears more than once.");
            list.Add(p);
        }
        if (list.Count == 0) throw new ArgumentException($"{name}: got an empty parameter list.");
        this.parameters = list.ToArray();
    }

    public IReadOnlyList<Tensor> Parameters => parameters;

    /// <summary>The learning rate the next <see cref="Step"/> uses (torch's param_group["lr"]); schedulers set it.</summary>
    public abstract float LearningRate { get; set; }

    /// <summary>
    /// Clears every parameter's gradient. As in torch 1.13 (set_to_none=False) gradients are zeroed in place;
    /// with <paramref name="setToNone"/> they are dropped, and the next Step skips those parameters.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ZeroGrad(bool setToNone = false)
    {
        foreach (var p in parameters)
        {
            if (setToNone) p.Grad = null;
            else p.Grad?.Data.Clear();
        }
    }

    /// <summary>Updates every parameter that has a gradient; parameters without one are left alone.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step()
    {
        using var _ = Autograd.NoGrad();
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (p.Grad is null) continue;
            if (p.Grad.Count != p.Count)
                throw new InvalidOperationException($"{GetType().Name}.Step: parameter {i} {p.ShapeString} has a gradient of shape {p.Grad.ShapeString}.");
            Update(i, p.Data, p.Grad.Data);
        }
    }

    /// <summary>Updates parameter <paramref name="index"/> (its values) from its gradient, in place.</summary>
    protected abstract void Update(int index, Span<float> values, ReadOnlySpan<float> grad);

    protected int IndexOf(Tensor parameter)
    {
        int index = Array.FindIndex(parameters, p => ReferenceEquals(p, parameter));
        if (index < 0) throw new ArgumentException($"{GetType().Name}: the tensor {parameter.ShapeString} is not one of this optimizer's parameters.");
        return index;
    }

    /// <summary>
    /// The double a float hyperparameter was written as (0.9f → 0.9, not 0.899999976). PyTorch keeps
    /// hyperparameters as Python floats (doubles) and derives scalars such as 1 - β or lr / (1 - β^t) in double
    /// before the kernels round them to float32; starting from the same doubles reproduces its float32 scalars.
    /// </summary>
    protected internal static double AsWritten(float value)
    {
        // Formatting into a stack buffer keeps Step() allocation-free (the compiled graphs' steady state is 0 bytes).
        Span<char> text = stackalloc char[32];
        value.TryFormat(text, out int written, "R", CultureInfo.InvariantCulture);
        return double.Parse(text[..written], CultureInfo.InvariantCulture);
    }
}
