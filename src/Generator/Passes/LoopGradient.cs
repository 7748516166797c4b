using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Passes;

/// <summary>
/// The gradient of a loop is the reverse loop. Given the adjoints of a loop's outputs (final values and stacked
/// histories), it builds one backward body — the body's own VJPs over its forward values — and runs it from the last
/// step to the first: the carries' adjoints are carried back, a sequence's gradient is stacked per step, and an
/// invariant's gradient (a weight's) is summed over the steps in a carried accumulator. The forward values it reads
/// are saved activations: the forward loop stacks them ([T, ...] outputs the memory plan places like any buffer; each
/// carry's history is read one step behind, a Lagged slot), so nothing of the step is recomputed.
/// </summary>
internal static class LoopGradient
{
    /// <summary>
    /// Gradients of the scan inputs (by input index; null where none flows) from the adjoints of the loop's outputs,
    /// or the body node that has no gradient rule (<paramref name="unruled"/>).
    /// </summary>
    public static Node?[] Backward(GraphBuilder b, Node scan, IReadOnlyDictionary<(int Output, bool Stacked), Node> adjoints,
        Func<Node, bool> needsGradient, out Node? unruled, out LoopBody? savingForward)
    {
        savingForward = null;
        var body = scan.Body!;
        var inputs = scan.Inputs;
        var carries = body.Carries.ToList();
        var gradients = new Node?[inputs.Length];
        unruled = null;
        if (body.Reverse || body.Slots.Any(s => s.Kind == LoopSlotKind.Lagged))
            throw new NotSupportedException("a reverse loop is only differentiated once (the gradient of a loop's gradient is not built)");

        var backwardInputs = new List<Node>();
        var slots = new List<LoopSlot>();
        int Bind(Node n)
        {
            backwardInputs.Add(n);
            return backwardInputs.Count - 1;
        }
        Node Zeros(Shape shape) => b.BroadcastTo(b.Constant(0f), shape);

        // Seeds: each carry's adjoint is itself carried backwards (starting from its final value's adjoint); a stacked
        // output's adjoint is read per step.
        var carryAdjoints = new List<Node>();
        var bodyAdjoint = new Dictionary<Node, Node>();
        void Seed(Node output, Node gradient) =>
            bodyAdjoint[output] = bodyAdjoint.TryGetValue(output, out var existing) ? b.Add(existing, gradient) : gradient;
        for (int c = 0; c < carries.Count; c++)
        {
            var leaf = b.LoopInput(carries[c].Leaf.Shape);
            carryAdjoints.Add(leaf);
            var initial = adjoints.TryGetValue((c, false), out var final) ? final : Zeros(leaf.Shape);
            slots.Add(new LoopSlot(leaf, LoopSlotKind.Carry, Bind(initial)));
            Seed(body.Outputs[c], leaf);
        }
        foreach (var adjoint in adjoints.Where(a => a.Key.Stacked).OrderBy(a => a.Key.Output))
        {
            var leaf = b.LoopInput(body.Outputs[adjoint.Key.Output].Shape);
            slots.Add(new LoopSlot(leaf, LoopSlotKind.Sequence, Bind(adjoint.Value)));
            Seed(body.Outputs[adjoint.Key.Output], leaf);
        }
        if (adjoints.Any(a => !a.Key.Stacked && a.Key.Output >= carries.Count))
            throw new NotSupportedException("only a carried value's final state is differentiated; a per-step output is read stacked");

        // The forward body is recomputed from its slots: carries from the saved history, the rest as in the forward loop.
        var histories = new List<(int Input, int Carry)>();
        foreach (var slot in body.Slots)
        {
            if (slot.Kind == LoopSlotKind.Carry)
            {
                var history = b.Scan(body, inputs, carries.IndexOf(slot), stacked: true);
                int initial = Bind(inputs[slot.Input]);
                histories.Add((Bind(history), carries.IndexOf(slot)));
                slots.Add(new LoopSlot(slot.Leaf, LoopSlotKind.Lagged, initial, histories[histories.Count - 1].Input));
            }
            else slots.Add(new LoopSlot(slot.Leaf, slot.Kind, Bind(inputs[slot.Input])));
        }

        // Which leaves need gradients: carries (their adjoints flow on), and sequences and invariants whose outer value needs one.
        var wanted = body.Slots.Where(s => s.Kind == LoopSlotKind.Carry || needsGradient(inputs[s.Input])).Select(s => s.Leaf).ToList();
        var nodes = body.Nodes();
        var needed = Autodiff.DependingOn(nodes, wanted);
        if (Autodiff.Backpropagate(b, nodes, needed, bodyAdjoint) is { } missing)
        {
            unruled = missing;
            return gradients;
        }

        // Outputs of the backward body: the carries' adjoints one step back, the invariants' accumulated gradients, then per-step sequence gradients.
        var outputs = new List<Node>();
        var finals = new List<(int Output, int Input)>();
        var stackedGradients = new List<(int Output, int Input)>();
        for (int c = 0; c < carries.Count; c++)
        {
            outputs.Add(bodyAdjoint.TryGetValue(carries[c].Leaf, out var g) ? g : Zeros(carries[c].Leaf.Shape));
            finals.Add((c, carries[c].Input));
        }
        foreach (var slot in body.Slots.Where(s => s.Kind == LoopSlotKind.Invariant && bodyAdjoint.ContainsKey(s.Leaf) && needsGradient(inputs[s.Input])))
        {
            var sum = b.LoopInput(slot.Leaf.Shape);
            // The accumulators are carries too; carries come first among the slots, in the order of their outputs.
            slots.Insert(outputs.Count, new LoopSlot(sum, LoopSlotKind.Carry, Bind(Zeros(slot.Leaf.Shape))));
            finals.Add((outputs.Count, slot.Input));
            outputs.Add(b.Add(sum, bodyAdjoint[slot.Leaf]));
        }
        foreach (var slot in body.Slots.Where(s => s.Kind == LoopSlotKind.Sequence && bodyAdjoint.ContainsKey(s.Leaf) && needsGradient(inputs[s.Input])))
        {
            stackedGradients.Add((outputs.Count, slot.Input));
            outputs.Add(bodyAdjoint[slot.Leaf]);
        }

        // Saved activations: the forward values the reverse body reads are stacked by the forward loop (which becomes a
        // loop with those extra outputs, see Autodiff), so the reverse body reads them instead of recomputing the step.
        var forwardNodes = new HashSet<Node>(nodes);
        var reach = Graph.Nodes.Reachable(outputs);
        var users = Graph.Nodes.Users(reach);
        // Views are not saved: they read their input's buffer in place (a step of the sequence is already stacked).
        var saved = reach.Where(n => forwardNodes.Contains(n) && n.Inputs.Length > 0 && !n.IsScan && Ops.OpRegistry.ClassOf(n) != Ops.OpClass.View
            && (outputs.Contains(n) || users[n].Any(u => !forwardNodes.Contains(u)))).ToList();
        if (saved.Count > 0)
        {
            var saving = b.RegisterLoop(inputs.ToList(), body.Slots, body.Outputs.Concat(saved), body.Steps, reverse: false, hoist: false);
            foreach (var (input, carry) in histories) backwardInputs[input] = b.Scan(saving, inputs, carry, stacked: true);
            var replaced = new Dictionary<Node, Node>();
            for (int j = 0; j < saved.Count; j++)
            {
                var leaf = b.LoopInput(saved[j].Shape);
                slots.Add(new LoopSlot(leaf, LoopSlotKind.Sequence, Bind(b.Scan(saving, inputs, body.Outputs.Length + j, stacked: true))));
                replaced[saved[j]] = leaf;
            }
            b.Substitute(reach, replaced);
            outputs = outputs.Select(o => replaced.TryGetValue(o, out var r) ? r : o).ToList();
            savingForward = saving;
        }
        (backwardInputs, slots) = Compact(backwardInputs, slots, outputs);

        var backward = b.RegisterLoop(backwardInputs, slots, outputs, body.Steps, reverse: true);
        void Contribute(int input, Node g) => gradients[input] = gradients[input] is { } existing ? b.Add(existing, g) : g;
        foreach (var (output, input) in finals) Contribute(input, b.Scan(backward, backwardInputs, output, stacked: false));
        foreach (var (output, input) in stackedGradients) Contribute(input, b.Scan(backward, backwardInputs, output, stacked: true));
        return gradients;
    }

    /// <summary>Drops the slots the body no longer reads (carries stay: they pair with outputs) and the inputs only they bound.</summary>
    internal static (List<Node> Inputs, List<LoopSlot> Slots) Compact(List<Node> inputs, List<LoopSlot> slots, List<Node> outputs)
    {
        var read = new HashSet<Node>(Graph.Nodes.Reachable(outputs));
        var kept = slots.Where(s => s.Kind == LoopSlotKind.Carry || read.Contains(s.Leaf)).ToList();
        var used = kept.SelectMany(s => s.Kind == LoopSlotKind.Lagged ? new[] { s.Input, s.History } : new[] { s.Input }).Distinct().OrderBy(i => i).ToList();
        var index = used.Select((old, i) => (old, i)).ToDictionary(p => p.old, p => p.i);
        return (used.Select(i => inputs[i]).ToList(),
            kept.Select(s => s with { Input = index[s.Input], History = s.Kind == LoopSlotKind.Lagged ? index[s.History] : -1 }).ToList());
    }
}
