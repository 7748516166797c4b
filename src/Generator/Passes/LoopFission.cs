using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Passes;

/// <summary>
/// Splits a loop whose carries do not all depend on each other into a chain of loops, one per layer, as cuDNN runs a
/// stacked Rnn layer by layer: a 2-layer Rnn's body carries h⁰ and h¹, and h⁰'s next value never reads h¹, so a first
/// loop computes h⁰ over all steps and a second reads h⁰_t as a sequence. That sequence is what
/// <see cref="ScanInputHoisting"/> needs: the second layer's h⁰_t·W_ih¹ᵀ then moves out of the loop too.
/// <para>
/// The first loop takes the smallest set of carries that reads no other carry (a layer; the carries of an Lstm, which
/// read each other, stay together) and every output computed from it alone; the second loop the rest, reading per step
/// the first loop's values it needs (stacked). The second loop is split again if it can be. Only forward loops are
/// split (before autodiff builds their reverse).
/// </para>
/// </summary>
internal static class LoopFission
{
    /// <summary>One output of the original loop: which of the two new loops computes it, at which output index.</summary>
    readonly record struct Placement(bool First, int Output);

    sealed record Split(LoopBody First, List<Node> FirstInputs, LoopBody Second, List<Node> SecondInputs, Placement[] Outputs);

    // Every output of one loop is rebuilt over the same two new loops.
    public static GraphProgram Run(GraphBuilder builder, GraphProgram program) =>
        Rewriter.RewriteLoops(builder, program, Fission, (b, n, split) =>
        {
            var placement = split.Outputs[n.Attrs.Int("output")];
            return placement.First
                ? b.Scan(split.First, split.FirstInputs, placement.Output, n.Attrs.Bool("stacked"))
                : b.Scan(split.Second, split.SecondInputs, placement.Output, n.Attrs.Bool("stacked"));
        });

    static Split? Fission(GraphBuilder b, Node scan)
    {
        var body = scan.Body!;
        var carries = body.Carries.ToList();
        if (body.Reverse || carries.Count < 2 || body.Slots.Any(s => s.Kind == LoopSlotKind.Lagged)) return null;
        var nodes = body.Nodes();
        if (nodes.Any(n => n.IsScan)) return null;

        // reads[n]: the carries n is computed from.
        var carryIndex = carries.Select((s, i) => (s.Leaf, i)).ToDictionary(p => p.Leaf, p => p.i);
        var reads = new Dictionary<Node, HashSet<int>>();
        foreach (var n in nodes)
            reads[n] = carryIndex.TryGetValue(n, out int c) ? new HashSet<int> { c } : new HashSet<int>(n.Inputs.SelectMany(i => reads[i]));

        // The first loop's carries: the smallest set closed under "its next value reads", if it is not all of them.
        HashSet<int> Closure(int carry)
        {
            var set = new HashSet<int>();
            var stack = new Stack<int>(new[] { carry });
            while (stack.Count > 0)
            {
                int c = stack.Pop();
                if (!set.Add(c)) continue;
                foreach (var d in reads[body.Outputs[c]]) stack.Push(d);
            }
            return set;
        }
        var first = Enumerable.Range(0, carries.Count).Select(Closure).OrderBy(s => s.Count).ThenBy(s => s.Min()).First();
        if (first.Count == carries.Count) return null;
        bool InFirst(Node n) => reads[n].All(first.Contains);

        // Outputs: the first loop's carries keep their order, as do the second's; a per-step output goes with the
        // carries it reads. A carry of the second loop whose next value reads none of its carries would make that loop
        // return its input unchanged: left as one loop.
        var firstOutputs = new List<Node>();
        var secondOutputs = new List<Node>();
        var placements = new Placement[body.Outputs.Length];
        for (int i = 0; i < carries.Count; i++)
        {
            if (first.Contains(i)) Place(i, firstOutputs, true);
            else if (InFirst(body.Outputs[i])) return null;
            else Place(i, secondOutputs, false);
        }
        void Place(int output, List<Node> into, bool isFirst)
        {
            placements[output] = new Placement(isFirst, into.Count);
            into.Add(body.Outputs[output]);
        }
        // Carries come first among a body's outputs: place the carries of both loops before any per-step output.
        var perStep = Enumerable.Range(carries.Count, body.Outputs.Length - carries.Count).ToList();
        foreach (var i in perStep.Where(i => InFirst(body.Outputs[i]))) Place(i, firstOutputs, true);

        // What the second loop reads of the first: the values the first loop computes anyway (its outputs and what they
        // are computed from) become per-step outputs of it. Anything else the second loop needs it computes itself — a
        // product of the first layer's state with the second layer's input weights, say, which then reads a sequence.
        var firstComputed = new HashSet<Node>(Graph.Nodes.Reachable(firstOutputs));
        var secondRoots = secondOutputs.Concat(perStep.Where(i => !InFirst(body.Outputs[i])).Select(i => body.Outputs[i])).ToList();
        var exported = new HashSet<Node>();
        var visited = new HashSet<Node>();
        var walk = new Stack<Node>(secondRoots);
        while (walk.Count > 0)
        {
            var n = walk.Pop();
            if (!visited.Add(n)) continue;
            if (reads[n].Count > 0 && InFirst(n) && firstComputed.Contains(n))
            {
                exported.Add(n);
                continue;
            }
            foreach (var i in n.Inputs) walk.Push(i);
        }
        // A carry's value before the step, read by the second loop, would be a body output that is a leaf: left as one loop.
        if (exported.Any(n => n.Inputs.Length == 0)) return null;
        var secondPart = visited.OrderBy(n => n.Id).ToList();
        var exportIndex = new Dictionary<Node, int>();
        foreach (var n in exported.OrderBy(n => n.Id))
        {
            int existing = firstOutputs.IndexOf(n);
            exportIndex[n] = existing >= 0 ? existing : firstOutputs.Count;
            if (existing < 0) firstOutputs.Add(n);
        }

        var inputs = scan.Inputs;
        var firstSlots = body.Slots.Where(s => s.Kind != LoopSlotKind.Carry || first.Contains(carries.IndexOf(s))).ToList();
        var (firstInputs, firstKept) = LoopGradient.Compact(inputs.ToList(), firstSlots, firstOutputs);
        var firstLoop = b.RegisterLoop(firstInputs, firstKept, firstOutputs, body.Steps, reverse: false);

        // The second body: its carries, then the sequences and invariants, then the first loop's values read per step.
        var secondInputs = inputs.ToList();
        var secondSlots = body.Slots.Where(s => s.Kind != LoopSlotKind.Carry || !first.Contains(carries.IndexOf(s))).ToList();
        var replaced = new Dictionary<Node, Node>();
        foreach (var n in exported.OrderBy(n => n.Id))
        {
            var leaf = b.LoopInput(n.Shape);
            secondInputs.Add(b.Scan(firstLoop, firstInputs, exportIndex[n], stacked: true));
            secondSlots.Add(new LoopSlot(leaf, LoopSlotKind.Sequence, secondInputs.Count - 1));
            replaced[n] = leaf;
        }
        b.Substitute(secondPart, replaced);
        secondOutputs = secondOutputs.Select(o => replaced.TryGetValue(o, out var r) ? r : o).ToList();
        foreach (var i in perStep.Where(i => !InFirst(body.Outputs[i])))
        {
            placements[i] = new Placement(false, secondOutputs.Count);
            secondOutputs.Add(replaced.TryGetValue(body.Outputs[i], out var r) ? r : body.Outputs[i]);
        }
        var (keptInputs, keptSlots) = LoopGradient.Compact(secondInputs, secondSlots, secondOutputs);
        var secondLoop = b.RegisterLoop(keptInputs, keptSlots, secondOutputs, body.Steps, reverse: false);
        return new Split(firstLoop, firstInputs, secondLoop, keptInputs, placements);
    }
}
