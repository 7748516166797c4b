using System.Runtime.CompilerServices;
namespace Kiln;

/// <summary>Switches for the tape and the reverse pass that walks it.</summary>
public static partial class Autograd
{
    [ThreadStatic] static int disabledDepth;

    /// <summary>Whether ops record onto the tape (false inside <see cref="NoGrad"/>).</summary>
    public static bool IsEnabled => disabledDepth == 0;

    /// <summary><c>using (Autograd.NoGrad()) { … }</c>: ops inside record nothing.</summary>
    public static NoGradScope NoGrad()
    {
        disabledDepth++;
        return new NoGradScope(active: true);
    }

    /// <summary>
    /// The scope <see cref="NoGrad"/> returns: a struct, so entering and leaving it allocates nothing (optimizer
    /// steps and compiled graphs must run allocation-free).
    /// </summary>
    public struct NoGradScope : IDisposable
    {
        bool active;

        internal NoGradScope(bool active) => this.active = active;

        public void Dispose()
        {
            if (!active) return;
            active = false;
            disabledDepth--;
        }
    }

    // Ops ask ShouldRecord whether to call Record. Under DetectAnomaly the answer is always yes, so that Record sees
    // every op's output (it checks it, then attaches a node only when the tape really records): one thread-static read
    // per op when the mode is off.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool ShouldRecord(Tensor a) => (disabledDepth == 0 && a.RequiresGrad) || anomalyDepth != 0;
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool ShouldRecord(Tensor a, Tensor b) => (disabledDepth == 0 && (a.RequiresGrad || b.RequiresGrad)) || anomalyDepth != 0;
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool ShouldRecord(ReadOnlySpan<Tensor> inputs) => Records(inputs) || anomalyDepth != 0;

    /// <summary>Whether the tape records an op on these inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static bool Records(ReadOnlySpan<Tensor> inputs)
    {
        if (disabledDepth != 0) return false;
        foreach (var t in inputs) if (t.RequiresGrad) return true;
        return false;
    }

    /// <summary>
    /// Attaches a tape node to <paramref name="output"/> when any input requires grad. Under
    /// <see cref="DetectAnomaly"/> it first checks the output for NaN and infinity.
    /// </summary>
    /// <param name="freshGradients">See <see cref="GradNode"/>: false when the rule is user code.</param>
    /// <param name="onRelease">Runs when the reverse pass releases the node (not when the tape does not record).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static Tensor Record(Tensor output, string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward, bool freshGradients = true,
        Action? onRelease = null)
    {
        if (anomalyDepth != 0 && backwardDepth == 0) CheckForward(output, name, inputs);
        if (Records(inputs)) output.AttachGradFn(new GradNode(name, inputs, backward, freshGradients, onRelease));
        return output;
    }

    /// <summary>In-place writes to a tensor the tape may need are refused while recording, as torch does for leaves.</summary>
    internal static void EnsureMutable(Tensor t, string op)
    {
        if (IsEnabled && t.RequiresGrad)
            throw new InvalidOperationException($"{op}: a tensor that requires grad cannot be modified in place while gradients are recorded; wrap the update in Autograd.NoGrad().");
    }

    /// <summary>Numbers the backward passes, so a node knows whether the current pass has visited it.</summary>
    static int passCounter;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void RunBackward(Tensor root, Tensor? gradient, bool retainGraph)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException("Backward: the tensor does not require grad and has no grad_fn (nothing on the tape leads to it).");
        // The engine may write into a gradient it created itself, never into one the caller passed.
        bool gradientOwned = gradient is null;
        if (gradient is null)
        {
            if (root.Count != 1)
                throw new InvalidOperationException($"Backward: grad can be implicitly created only for scalar outputs; this tensor has shape {root.ShapeString}. Pass a gradient of the same shape.");
            gradient = Tensor.Ones(root.Dims);
        }
        else if (!ShapeUtil.SameShape(gradient.Dims, root.Dims))
            throw new ArgumentException($"Backward: gradient shape {gradient.ShapeString} does not match the tensor's shape {root.ShapeString}.");

        using var _ = NoGrad();
        // The ops a gradient rule calls are checked as that rule's outputs (CheckBackward), not as forward ops.
        using var inBackward = new BackwardScope(active: true);
        if (root.GradFn is null)
        {
            AccumulateLeaf(root, gradient, gradientOwned);
            return;
        }

        // Gradients waiting for a node live on the node; "owned" marks those whose storage nothing else references
        // (fresh results of built-in rules), which may be summed into in place or handed to a leaf without a copy.
        var order = TopologicalOrder(root.GradFn, Interlocked.Increment(ref passCounter));
        root.GradFn.PendingGradient = gradient;
        root.GradFn.PendingOwned = gradientOwned;
        try
        {
            for (int n = order.Count - 1; n >= 0; n--)
            {
                var node = order[n];
                var gradOut = node.PendingGradient;
                if (gradOut is null) continue;
                bool gradOutOwned = node.PendingOwned;
                node.PendingGradient = null;
                var inputGrads = node.Apply(gradOut);
                if (anomalyDepth != 0) CheckBackward(node, inputGrads);
                if (!retainGraph) node.Release();
                // A built-in rule keeps nothing of its output gradient: unless it passed that storage on, it is dead now.
                if (gradOutOwned && node.FreshGradients && !Passes(inputGrads, gradOut.Storage)) GradientPool.Return(gradOut.Storage);
                for (int i = 0; i < node.Inputs.Length; i++)
                {
                    var input = node.Inputs[i];
                    var g = inputGrads[i];
                    if (g is null || !input.RequiresGrad) continue;
                    if (!ShapeUtil.SameShape(g.Dims, input.Dims))
                        throw new InvalidOperationException($"Backward: {node.Name} produced a gradient of shape {g.ShapeString} for an input of shape {input.ShapeString}.");
                    bool owned = node.FreshGradients && (gradOutOwned || !ReferenceEquals(g.Storage, gradOut.Storage)) && !SharesStorage(inputGrads, i);
                    var target = input.GradFn;
                    if (target is null) AccumulateLeaf(input, g, owned);
                    else if (target.PendingGradient is { } existing)
                    {
                        target.PendingGradient = Sum(existing, target.PendingOwned, g, owned);
                        target.PendingOwned = true;
                    }
                    else
                    {
                        target.PendingGradient = g;
                        target.PendingOwned = owned;
                    }
                }
            }
        }
        finally
        {
            // After a failure, drop what is still waiting so the graph holds no stale gradients.
            foreach (var node in order) node.PendingGradient = null;
        }
    }

    /// <summary>Whether one of <paramref name="grads"/> lives on <paramref name="storage"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static bool Passes(Tensor?[] grads, float[] storage)
    {
        foreach (var g in grads)
            if (g is not null && ReferenceEquals(g.Storage, storage)) return true;
        return false;
    }

    /// <summary>Whether another gradient of the same rule result shares storage with gradient <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static bool SharesStorage(Tensor?[] grads, int index)
    {
        var storage = grads[index]!.Storage;
        for (int j = 0; j < grads.Length; j++)
            if (j != index && grads[j] is { } other && ReferenceEquals(other.Storage, storage)) return true;
        return false;
    }

    /// <summary>
    /// existing + g, written into whichever operand the engine owns (the same sums; a float addition is commutative,
    /// and SpanLoops is fully optimised from the first backward pass).
    /// </summary>
    static Tensor Sum(Tensor existing, bool existingOwned, Tensor g, bool gOwned)
    {
        if (existingOwned)
        {
            Kernels.SpanLoops.AddInPlace(existing.Storage, g.Storage);
            if (gOwned) GradientPool.Return(g.Storage);
            return existing;
        }
        if (gOwned)
        {
            Kernels.SpanLoops.AddInPlace(g.Storage, existing.Storage);
            return g;
        }
        var result = GC.AllocateUninitializedArray<float>(existing.Count);
        System.Numerics.Tensors.TensorPrimitives.Add(existing.Storage, g.Storage, result);
        return new Tensor(result, existing.Dims);
    }

    /// <summary>
    /// Bytes from which an array goes to the large-object heap (85 000 unless the application raised
    /// System.GC.LOHThreshold, as the samples and the bench do).
    /// </summary>
    static readonly long largeObjectBytes =
        GC.GetConfigurationVariables().TryGetValue("LOHThreshold", out var threshold) && threshold is long bytes && bytes > 0 ? bytes : 85_000;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void AccumulateLeaf(Tensor leaf, Tensor g, bool owned)
    {
        // As torch does, a leaf's first gradient takes over the rule's fresh result instead of copying it — unless
        // the result lives on the large-object heap. Measured on the two-layer autograd step (the user drops the
        // 400 KB gradient every step) with the default 85 KB threshold: adopting it left the LOH with one live
        // array fewer per step, and the GC settled on a gen-2 collection every 4 steps with page-faulting LOH
        // allocations (520 µs a step); copying keeps the pattern it adapts to (310 µs). Above a raised threshold
        // the array is an ordinary gen-0 object and adopting it saves the copy (about 10 µs of that step).
        if (leaf.Grad is null && owned && (long)g.Count * sizeof(float) < largeObjectBytes)
        {
            leaf.Grad = g;
            return;
        }
        if (leaf.Grad is null) leaf.Grad = Tensor.Wrap((float[])g.Storage.Clone(), leaf.Dims);
        else Kernels.SpanLoops.AddInPlace(leaf.Grad.Storage, g.Storage);
        // Copied or added: an engine-owned gradient is dead.
        if (owned) GradientPool.Return(g.Storage);
    }

    /// <summary>
    /// The storage of <paramref name="input"/>'s gradient when a gradient rule may add its result straight into it
    /// instead of returning a temporary the engine would add there: <paramref name="input"/> is a leaf that requires
    /// grad and already has a gradient of its shape, all +0 (as ZeroGrad leaves it). Accumulating into +0 gives the bits
    /// that adding the rule's separate result to +0 gave: a zero partial sum may differ in sign, which the last +0
    /// addition erases either way. The rule then returns null for that input. Null otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float[]? ZeroedLeafGradient(Tensor input)
    {
        if (input.GradFn is not null || !input.RequiresGrad || input.Grad is not { } grad || !ShapeUtil.SameShape(grad.Dims, input.Dims))
            return null;
        var bits = System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(grad.Storage.AsSpan());
        return bits.ContainsAnyExcept(0) ? null : grad.Storage;
    }

    /// <summary>
    /// Nodes in post order (every node after the nodes that produced its inputs), so walking the list backwards
    /// visits each node before its inputs' nodes. Marks each node as visited by <paramref name="pass"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static List<GradNode> TopologicalOrder(GradNode root, int pass)
    {
        var postOrder = new List<GradNode>();
        var stack = new Stack<(GradNode Node, int NextInput)>();
        Visit(root, pass);
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            if (next < node.Inputs.Length)
            {
                stack.Push((node, next + 1));
                var child = node.Inputs[next].GradFn;
                if (child is not null && child.VisitedBy != pass)
                {
                    Visit(child, pass);
                    stack.Push((child, 0));
                }
            }
            else postOrder.Add(node);
        }
        return postOrder;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Visit(GradNode node, int pass)
    {
        node.VisitedBy = pass;
        node.PendingGradient = null;
    }
}
