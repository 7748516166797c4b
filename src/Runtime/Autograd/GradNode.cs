namespace Kiln;

/// <summary>
/// One recorded op on the tape: its inputs and a closure that maps the output's gradient to the inputs'
/// gradients (null where an input needs none). The closure holds the saved tensors; it is dropped after the
/// first backward unless the graph is retained, so a second backward fails loudly instead of reusing freed state.
/// </summary>
internal sealed class GradNode
{
    Func<Tensor, Tensor?[]>? backward;

    public GradNode(string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        Name = name;
        Inputs = inputs;
        this.backward = backward;
    }

    public string Name { get; }
    public Tensor[] Inputs { get; }

    public Tensor?[] Apply(Tensor gradOutput)
    {
        var fn = backward ?? throw new InvalidOperationException(
            $"Backward: trying to backward through the graph a second time: the saved state of {Name} was freed by the first Backward(). " +
            "Call Backward(retainGraph: true) the first time if you need to backward twice.");
        return fn(gradOutput);
    }

    public void Release() => backward = null;
}
