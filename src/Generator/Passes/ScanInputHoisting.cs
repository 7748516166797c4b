using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops;
using Kiln.Generator.Ops.Definitions;

namespace Kiln.Generator.Passes;

/// <summary>
/// Moves a loop's input projection out of the loop, as cuDNN and PyTorch do for an Rnn's x_t·W_ihᵀ: body work that reads
/// only the per-step slices of its sequences and loop-invariant values — never a carry — is computed once over the
/// whole stacked sequence (one GEMM [T·N, in]·[in, out] instead of T GEMMs [N, in]·[in, out]), and the body reads the
/// step's slice of that result as a new sequence slot. Autodiff then differentiates the hoisted GEMM outside the loop
/// too: one GEMM for the weight's gradient over all steps and one for the sequence's, and the reverse loop only carries
/// what really recurs.
/// <para>
/// Only work that contains a matrix product moves (elementwise work on a step's slice is as cheap fused in the body as
/// in a pass of its own over [T, ...]), and only ops whose stacked form is known: elementwise ops (a stacked operand
/// gains a leading time dimension, an invariant broadcasts over it), reshapes (of a step's slice, say) and a product whose left operand is stacked and
/// whose right operand is not (the steps fold into the product's rows). A body output stays in the body (the loop
/// writes it per step). A loop with no such work is left as it is.
/// </para>
/// </summary>
internal static class ScanInputHoisting
{
    public static GraphProgram Run(GraphBuilder builder, GraphProgram program) =>
        Rewriter.RewriteLoops(builder, program, Hoist, (b, scan, loop) => loop.Output(b, scan));

    /// <summary>The loop with its sequence-only products computed before it; null when it has none.</summary>
    static Rewriter.RewrittenLoop? Hoist(GraphBuilder b, Node scan)
    {
        var body = scan.Body!;
        var inputs = scan.Inputs;
        var sequences = body.Slots.Where(s => s.Kind == LoopSlotKind.Sequence).ToDictionary(s => s.Leaf, s => inputs[s.Input]);
        var invariants = body.Slots.Where(s => s.Kind == LoopSlotKind.Invariant).ToDictionary(s => s.Leaf, s => inputs[s.Input]);
        var outputs = new HashSet<Node>(body.Outputs);
        var nodes = body.Nodes();

        // Per-step values with a stacked form: `stepwise` (they vary with the step, read no carry) and `fixedValues`
        // (constants and invariants: the same at every step). `heavy` marks the stepwise values a product computes.
        var stepwise = new HashSet<Node>(sequences.Keys);
        var fixedValues = new HashSet<Node>(invariants.Keys);
        var heavy = new HashSet<Node>();
        foreach (var n in nodes)
        {
            if (n.Inputs.Length == 0)
            {
                if (n.Op != OpNames.LoopInput) fixedValues.Add(n);
                continue;
            }
            if (n.IsScan || outputs.Contains(n) || !n.Inputs.All(i => stepwise.Contains(i) || fixedValues.Contains(i))) continue;
            if (!n.Inputs.Any(stepwise.Contains))
            {
                // Invariant work the invariant motion left in the body (a constant's broadcast): rebuilt before the loop if read.
                fixedValues.Add(n);
                continue;
            }
            if (!HasStackedForm(n, stepwise)) continue;
            stepwise.Add(n);
            if (n.Op == LinearAlgebra.MatMul || n.Inputs.Any(heavy.Contains)) heavy.Add(n);
        }

        // The values that move: products (and what is computed from them alone) that the rest of the body reads.
        var users = Graph.Nodes.Users(nodes);
        var moved = nodes.Where(n => heavy.Contains(n) && users[n].Any(u => !stepwise.Contains(u))).ToList();
        if (moved.Count == 0) return null;

        var stacked = new Dictionary<Node, Node>(sequences);
        Node Stacked(Node n)
        {
            if (stacked.TryGetValue(n, out var value)) return value;
            return stacked[n] = StackedForm(b, n, body.Steps, stepwise.Contains, i => stepwise.Contains(i) ? Stacked(i) : Outer(i));
        }
        var outerFixed = new Dictionary<Node, Node>(invariants);
        Node Outer(Node n)
        {
            if (n.Inputs.Length == 0 && !outerFixed.ContainsKey(n)) return n;
            if (outerFixed.TryGetValue(n, out var value)) return value;
            return outerFixed[n] = b.Create(n.Op, n.Inputs.Select(Outer).ToArray(), n.Attrs);
        }

        var newInputs = inputs.ToList();
        var slots = body.Slots.ToList();
        var replaced = new Dictionary<Node, Node>();
        foreach (var n in moved)
        {
            var leaf = b.LoopInput(n.Shape);
            newInputs.Add(Stacked(n));
            slots.Add(new LoopSlot(leaf, LoopSlotKind.Sequence, newInputs.Count - 1));
            replaced[n] = leaf;
        }
        b.Substitute(nodes, replaced);
        var newOutputs = body.Outputs.Select(o => replaced.TryGetValue(o, out var r) ? r : o).ToList();
        // The sequence the products read is usually read by nothing else now: its slot goes, and the loop's input with it.
        var (keptInputs, keptSlots) = LoopGradient.Compact(newInputs, slots, newOutputs);
        return new(b.RegisterLoop(keptInputs, keptSlots, newOutputs, body.Steps, body.Reverse), keptInputs);
    }

    /// <summary>
    /// Whether the per-step node <paramref name="n"/> (some of whose inputs are <paramref name="stepwise"/>) can be
    /// computed for all steps at once by <see cref="StackedForm"/>.
    /// </summary>
    static bool HasStackedForm(Node n, HashSet<Node> stepwise)
    {
        if (n.Type != ElementType.Float || n.Inputs.Any(i => i.Type is not (ElementType.Float or ElementType.Flag))) return false;
        if (n.Op == LinearAlgebra.MatMul)
            return stepwise.Contains(n.Inputs[0]) && !stepwise.Contains(n.Inputs[1])
                && !n.Attrs.Bool("transpose_a") && n.Inputs[0].Shape.Rank >= 2 && n.Inputs[1].Shape.Rank == 2;
        // A reshape of a step's value is the reshape of the stacked value with the time dimension in front.
        if (n.Op == OpNames.Reshape) return true;
        // An explicit broadcast names its target shape: its stacked form would need another one.
        return OpRegistry.ClassOf(n) == OpClass.Elementwise && n.Op != OpNames.BroadcastTo;
    }

    /// <summary>
    /// The stacked form [T, ...] of the per-step node <paramref name="n"/>, given its inputs' outer values (stacked
    /// for a stepwise input, as they are for a fixed one).
    /// </summary>
    static Node StackedForm(GraphBuilder b, Node n, Size steps, System.Func<Node, bool> isStepwise, System.Func<Node, Node> outer)
    {
        if (n.Op == LinearAlgebra.MatMul)
        {
            // [T, ..., m, k] · [k, n]: the steps are more rows of one GEMM ([T·…·m, k]; a transposed right operand needs 2-D rows).
            var step = n.Inputs[0].Shape;
            var rows = b.Reshape(outer(n.Inputs[0]), new Shape(new[] { steps.Times(step.CountOf(0, step.Rank - 1)), step[step.Rank - 1] }));
            var product = LinearAlgebra.Product(b, rows, outer(n.Inputs[1]), transposeB: n.Attrs.Bool("transpose_b"));
            return b.Reshape(product, new Shape(new[] { steps }.Concat(n.Shape.Dims)));
        }
        if (n.Op == OpNames.Reshape) return b.Reshape(outer(n.Inputs[0]), new Shape(new[] { steps }.Concat(n.Shape.Dims)));
        // Elementwise: a stacked operand of lower rank than the result gains ones after its time dimension, so NumPy
        // broadcasting still lines its dimensions up with the step's; a fixed operand broadcasts over the steps.
        var operands = n.Inputs.Select(i =>
        {
            var value = outer(i);
            if (!isStepwise(i) || i.Shape.Rank == n.Shape.Rank) return value;
            var padded = new[] { steps }.Concat(Enumerable.Repeat(Size.One, n.Shape.Rank - i.Shape.Rank)).Concat(i.Shape.Dims);
            return b.Reshape(value, new Shape(padded));
        }).ToArray();
        return b.Create(n.Op, operands, n.Attrs);
    }
}
