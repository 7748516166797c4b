namespace Kiln;

/// <summary>What a custom <see cref="Function"/> keeps between its forward and backward (torch's ctx).</summary>
public sealed class FunctionContext
{
    Tensor[] saved = Array.Empty<Tensor>();

    public void SaveForBackward(params Tensor[] tensors) => saved = tensors;

    public IReadOnlyList<Tensor> SavedTensors => saved;

    /// <summary>Free-form values the forward wants the backward to see.</summary>
    public Dictionary<string, object> Values { get; } = new();
}

/// <summary>
/// A user-defined differentiable op (torch.autograd.Function), e.g. the tutorial's MyReLU. The forward runs
/// without recording; the output gets one tape node whose gradient is the user's <see cref="Backward"/>.
/// </summary>
public abstract class Function
{
    protected abstract Tensor Forward(FunctionContext ctx, Tensor[] inputs);

    /// <summary>Returns one gradient per input (null for an input with none).</summary>
    protected abstract Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput);

    public Tensor Apply(params Tensor[] inputs)
    {
        var ctx = new FunctionContext();
        Tensor output;
        using (Autograd.NoGrad()) output = Forward(ctx, inputs);
        // The forward may return an input or a view of one; the tape node needs an output of its own.
        output = output.Detach();
        string name = GetType().Name;
        return Autograd.Record(output, name, inputs, g =>
        {
            var grads = Backward(ctx, g);
            if (grads.Length != inputs.Length)
                throw new InvalidOperationException($"{name}.Backward returned {grads.Length} gradients for {inputs.Length} inputs.");
            return grads;
        }, freshGradients: false);
    }
}
