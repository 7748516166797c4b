using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops.Definitions;

namespace Kiln.Generator.Passes;

/// <summary>
/// Turns a sum over a loop's steps into one computation after the loop, as cuDNN computes an Rnn's weight gradient:
/// the reverse loop accumulates dW_hh += dz_tᵀ·h_{t−1} and db += Σₙ dz_t step by step (a tiny GEMM and an add per step);
/// instead the loop writes dz_t and h_{t−1} stacked, and after it one GEMM over all steps' rows, dZᵀ·H ([T·N, out]ᵀ ·
/// [T·N, in]), and one reduction give the same sums. A carry qualifies when its next value is itself plus a per-step
/// term, it is read nowhere else in the body, and its history is not read: only its final value is, which becomes
/// initial value + the whole sum. The terms moved are a product with a transposed left operand (a weight's gradient)
/// and a sum over dimensions (a bias's); any other accumulator stays in the loop.
/// </summary>
internal static class ScanSumHoisting
{
    sealed record Hoisted(LoopBody Body, List<Node> Inputs, int?[] OutputIndex, Dictionary<int, Node> Finals);

    public static GraphProgram Run(GraphBuilder builder, GraphProgram program)
    {
        // Which outputs of each loop the program reads stacked: an accumulator whose history is read stays.
        var stackedReads = new HashSet<string>();
        foreach (var n in program.Nodes().Where(n => n.IsScan && n.Attrs.Bool("stacked")))
            stackedReads.Add(Rewriter.LoopKey(n) + "#" + n.Attrs.Int("output"));

        return Rewriter.RewriteLoops(builder, program,
            (b, n) => Hoist(b, n, output => stackedReads.Contains(Rewriter.LoopKey(n) + "#" + output)),
            (b, n, loop) =>
            {
                int output = n.Attrs.Int("output");
                if (loop.Finals.TryGetValue(output, out var final)) return final;
                return b.Scan(loop.Body, loop.Inputs, loop.OutputIndex[output]!.Value, n.Attrs.Bool("stacked"));
            });
    }

    static Hoisted? Hoist(GraphBuilder b, Node scan, System.Func<int, bool> historyRead)
    {
        var body = scan.Body!;
        var inputs = scan.Inputs;
        var carries = body.Carries.ToList();
        var nodes = body.Nodes();
        var users = Graph.Nodes.Users(nodes);
        var outputs = body.Outputs.ToList();

        // The accumulators: carry c whose next value is add(c, term) with a term of a form that moves.
        var moved = new List<(int Carry, Node Term)>();
        for (int c = 0; c < carries.Count; c++)
        {
            var leaf = carries[c].Leaf;
            var next = outputs[c];
            if (next.Op != OpNames.Add || historyRead(c) || outputs.Count(o => o == next) != 1) continue;
            var term = next.Inputs[0] == leaf ? next.Inputs[1] : next.Inputs[1] == leaf ? next.Inputs[0] : null;
            if (term is null || term == leaf || !users.TryGetValue(leaf, out var leafUsers) || leafUsers.Any(u => u != next)) continue;
            if (users[next].Count > 0 || !Moves(term, body, carries.Select(s => s.Leaf).ToList())) continue;
            moved.Add((c, term));
        }
        if (moved.Count == 0) return null;

        // The new body: the other carries, the per-step outputs as they were, then the terms' per-step operands.
        var removed = new HashSet<int>(moved.Select(m => m.Carry));
        var newOutputs = new List<Node>();
        var outputIndex = new int?[outputs.Count];
        for (int i = 0; i < outputs.Count; i++)
        {
            if (removed.Contains(i)) continue;
            outputIndex[i] = newOutputs.Count;
            newOutputs.Add(outputs[i]);
        }
        var slots = body.Slots.Where(s => s.Kind != LoopSlotKind.Carry || !removed.Contains(carries.IndexOf(s))).ToList();
        var newInputs = inputs.ToList();
        var loop = new List<(int Carry, Node Term, int[] Exports)>();
        foreach (var (carry, term) in moved)
        {
            var exports = new List<int>();
            foreach (var operand in term.Inputs)
            {
                // A sequence (or a reshape of one) is read from its outer value; any other per-step value (a lagged
                // carry: h_{t−1}) is written stacked by the loop.
                if (SequenceView(operand, body) is not null) { exports.Add(-1); continue; }
                var value = operand.Inputs.Length == 0 ? b.Unary(OpNames.Copy, operand) : operand;
                int index = newOutputs.IndexOf(value);
                if (index < 0)
                {
                    index = newOutputs.Count;
                    newOutputs.Add(value);
                }
                exports.Add(index);
            }
            loop.Add((carry, term, exports.ToArray()));
        }
        var (keptInputs, keptSlots) = LoopGradient.Compact(newInputs, slots, newOutputs);
        var newBody = b.RegisterLoop(keptInputs, keptSlots, newOutputs, body.Steps, body.Reverse, hoist: false);

        // After the loop: initial value + the term over all steps at once.
        var finals = new Dictionary<int, Node>();
        foreach (var (carry, term, exports) in loop)
        {
            var stacked = term.Inputs.Select((operand, i) => exports[i] < 0
                ? b.Reshape(inputs[SequenceView(operand, body)!.Input], new Shape(new[] { body.Steps }.Concat(operand.Shape.Dims)))
                : b.Scan(newBody, keptInputs, exports[i], stacked: true)).ToList();
            var sum = AllSteps(b, term, stacked, body.Steps);
            var initial = inputs[carries[carry].Input];
            bool zero = initial.Op == OpNames.BroadcastTo && initial.Inputs[0].IsConstantValue(0f) || initial.IsConstantValue(0f);
            finals[carry] = zero ? sum : b.Add(initial, sum);
        }
        return new Hoisted(newBody, keptInputs, outputIndex, finals);
    }

    /// <summary>The sequence slot <paramref name="n"/> is (or is a reshape of): its stacked value is the loop's input, reshaped.</summary>
    static LoopSlot? SequenceView(Node n, LoopBody body)
    {
        while (n.Op == OpNames.Reshape) n = n.Inputs[0];
        return body.SlotOf(n) is { Kind: LoopSlotKind.Sequence } slot ? slot : null;
    }

    /// <summary>
    /// Whether the per-step term is a form whose sum over steps is one computation over the stacked operands — a product
    /// Aᵀ·B of 2-D per-step values, or a sum over dimensions of one — whose operands are per-step values (not invariants)
    /// that do not read the accumulators.
    /// </summary>
    static bool Moves(Node term, LoopBody body, List<Node> carryLeaves)
    {
        bool IsProduct = term.Op == LinearAlgebra.MatMul && term.Attrs.Bool("transpose_a") && !term.Attrs.Bool("transpose_b")
            && term.Inputs.All(i => i.Shape.Rank == 2);
        bool IsSum = term.Op == OpNames.Sum && !term.Attrs.Bool("keep_dim") && term.Attrs.Ints("dims") is not null;
        if (!IsProduct && !IsSum) return false;
        foreach (var operand in term.Inputs)
        {
            var reach = Graph.Nodes.Reachable(new[] { operand });
            if (reach.Any(carryLeaves.Contains) && IsAccumulatorRead(reach, body)) return false;
            // An operand that is the same at every step (an invariant, a constant) is not stacked by the loop.
            if (!reach.Any(n => body.SlotOf(n) is { Kind: not LoopSlotKind.Invariant })) return false;
        }
        return true;
    }

    /// <summary>Reading an accumulator itself (not another carry) would make the term depend on the running sum.</summary>
    static bool IsAccumulatorRead(List<Node> reach, LoopBody body) =>
        reach.Any(n => body.SlotOf(n) is { Kind: LoopSlotKind.Carry } slot && IsAccumulator(body, slot));

    static bool IsAccumulator(LoopBody body, LoopSlot slot)
    {
        int c = body.Carries.ToList().IndexOf(slot);
        var next = body.Outputs[c];
        return next.Op == OpNames.Add && next.Inputs.Contains(slot.Leaf);
    }

    /// <summary>The term summed over all steps from its operands stacked [T, ...].</summary>
    static Node AllSteps(GraphBuilder b, Node term, List<Node> stacked, Size steps)
    {
        if (term.Op == LinearAlgebra.MatMul)
        {
            // Σ_t A_tᵀ·B_t = Aᵀ·B with every step's rows stacked: [T·n, p]ᵀ · [T·n, q].
            Node Rows(Node x, Node step) => b.Reshape(x, new Shape(new[] { steps.Times(step.Shape[0]), step.Shape[1] }));
            return LinearAlgebra.Product(b, Rows(stacked[0], term.Inputs[0]), Rows(stacked[1], term.Inputs[1]), transposeA: true);
        }
        // Σ_t sum over dims D of A_t = the sum over the time dimension and D (shifted by it) of A.
        var dims = new[] { 0 }.Concat(term.Attrs.Ints("dims")!.Select(d => d + 1)).ToArray();
        return b.Sum(stacked[0], dims, keepDim: false);
    }
}
