using System.Runtime.CompilerServices;
namespace Kiln;

/// <summary>
/// One recorded op on the tape: its inputs and a closure that maps the output's gradient to the inputs'
/// gradients (null where an input needs none). The closure holds the saved tensors; it is dropped after the
/// first backward unless the graph is retained, so a second backward fails loudly instead of reusing freed state.
/// </summary>
internal sealed class GradNode
{
    Func<Tensor, Tensor?[]>? backward;
    Action? onRelease;

    /// <param name="freshGradients">
    /// Whether every gradient the closure returns is either a tensor it has just allocated or the output gradient
    /// itself (possibly re-wrapped): true for the built-in ops, false for user code, whose results the engine then
    /// never writes into or hands to a leaf without copying.
    /// </param>
    /// <param name="onRelease">Runs once when the node is released (the saved state is dead then).</param>
    public GradNode(string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward, bool freshGradients = true, Action? onRelease = null)
    {
        this.onRelease = onRelease;
        Name = name;
        Inputs = inputs;
        this.backward = backward;
        FreshGradients = freshGradients;
    }

    public string Name { get; }
    public Tensor[] Inputs { get; }
    public bool FreshGradients { get; }

    // Scratch state of the backward pass walking this node, kept on the node so the pass needs no hashing.
    // Reset when the pass first reaches the node, so a pass that threw leaves nothing behind for the next one.

    /// <summary>The pass that last visited this node (see <see cref="Autograd"/>).</summary>
    internal int VisitedBy;
    /// <summary>The gradient summed so far for this node's output, null until one arrives.</summary>
    internal Tensor? PendingGradient;
    /// <summary>Whether the engine holds the only reference to <see cref="PendingGradient"/>'s storage.</summary>
    internal bool PendingOwned;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Tensor?[] Apply(Tensor gradOutput)
    {
        var fn = backward ?? throw new InvalidOperationException(
            $"Backward: trying to backward through the graph a second time: the saved state of {Name} was freed by the first Backward(). " +
            "Call Backward(retainGraph: true) the first time if you need to backward twice.");
        return fn(gradOutput);
    }

    public void Release()
    {
        backward = null;
        var release = onRelease;
        onRelease = null;
        release?.Invoke();
    }
}
