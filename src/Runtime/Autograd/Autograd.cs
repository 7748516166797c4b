namespace Kiln;

/// <summary>Switches for the tape and the reverse pass that walks it.</summary>
public static class Autograd
{
    [ThreadStatic] static int disabledDepth;

    /// <summary>Whether ops record onto the tape (false inside <see cref="NoGrad"/>).</summary>
    public static bool IsEnabled => disabledDepth == 0;

    /// <summary><c>using (Autograd.NoGrad()) { … }</c>: ops inside record nothing.</summary>
    public static IDisposable NoGrad()
    {
        disabledDepth++;
        return new Scope();
    }

    sealed class Scope : IDisposable
    {
        bool disposed;
        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            disabledDepth--;
        }
    }

    internal static bool ShouldRecord(Tensor a) => disabledDepth == 0 && a.RequiresGrad;
    internal static bool ShouldRecord(Tensor a, Tensor b) => disabledDepth == 0 && (a.RequiresGrad || b.RequiresGrad);

    internal static bool ShouldRecord(ReadOnlySpan<Tensor> inputs)
    {
        if (disabledDepth != 0) return false;
        foreach (var t in inputs) if (t.RequiresGrad) return true;
        return false;
    }

    /// <summary>Attaches a tape node to <paramref name="output"/> when any input requires grad.</summary>
    internal static Tensor Record(Tensor output, string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        if (ShouldRecord(inputs)) output.AttachGradFn(new GradNode(name, inputs, backward));
        return output;
    }

    /// <summary>In-place writes to a tensor the tape may need are refused while recording, as torch does for leaves.</summary>
    internal static void EnsureMutable(Tensor t, string op)
    {
        if (IsEnabled && t.RequiresGrad)
            throw new InvalidOperationException($"{op}: a tensor that requires grad cannot be modified in place while gradients are recorded; wrap the update in Autograd.NoGrad().");
    }

    internal static void RunBackward(Tensor root, Tensor? gradient, bool retainGraph)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException("Backward: the tensor does not require grad and has no grad_fn (nothing on the tape leads to it).");
        if (gradient is null)
        {
            if (root.Count != 1)
                throw new InvalidOperationException($"Backward: grad can be implicitly created only for scalar outputs; this tensor has shape {root.ShapeString}. Pass a gradient of the same shape.");
            gradient = Tensor.Ones(root.Dims);
        }
        else if (!ShapeUtil.SameShape(gradient.Dims, root.Dims))
            throw new ArgumentException($"Backward: gradient shape {gradient.ShapeString} does not match the tensor's shape {root.ShapeString}.");

        using var _ = NoGrad();
        if (root.GradFn is null)
        {
            AccumulateLeaf(root, gradient);
            return;
        }

        var order = TopologicalOrder(root.GradFn);
        var pending = new Dictionary<GradNode, Tensor>(ReferenceEqualityComparer.Instance) { [root.GradFn] = gradient };
        foreach (var node in order)
        {
            if (!pending.Remove(node, out var gradOut)) continue;
            var inputGrads = node.Apply(gradOut);
            if (!retainGraph) node.Release();
            for (int i = 0; i < node.Inputs.Length; i++)
            {
                var input = node.Inputs[i];
                var g = inputGrads[i];
                if (g is null || !input.RequiresGrad) continue;
                if (!ShapeUtil.SameShape(g.Dims, input.Dims))
                    throw new InvalidOperationException($"Backward: {node.Name} produced a gradient of shape {g.ShapeString} for an input of shape {input.ShapeString}.");
                if (input.GradFn is null) AccumulateLeaf(input, g);
                else if (pending.TryGetValue(input.GradFn, out var existing)) pending[input.GradFn] = Sum(existing, g);
                else pending[input.GradFn] = g;
            }
        }
    }

    static Tensor Sum(Tensor a, Tensor b)
    {
        var result = new float[a.Count];
        System.Numerics.Tensors.TensorPrimitives.Add(a.Storage, b.Storage, result);
        return Tensor.Wrap(result, a.Dims);
    }

    static void AccumulateLeaf(Tensor leaf, Tensor g)
    {
        if (leaf.Grad is null) leaf.Grad = Tensor.Wrap((float[])g.Storage.Clone(), leaf.Dims);
        else System.Numerics.Tensors.TensorPrimitives.Add(leaf.Grad.Storage, g.Storage, leaf.Grad.Storage);
    }

    /// <summary>Nodes ordered so that every node comes before the nodes that produced its inputs.</summary>
    static List<GradNode> TopologicalOrder(GradNode root)
    {
        var postOrder = new List<GradNode>();
        var visited = new HashSet<GradNode>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(GradNode Node, int NextInput)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            if (next < node.Inputs.Length)
            {
                stack.Push((node, next + 1));
                var child = node.Inputs[next].GradFn;
                if (child is not null && visited.Add(child)) stack.Push((child, 0));
            }
            else postOrder.Add(node);
        }
        postOrder.Reverse();
        return postOrder;
    }
}
