using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Ops;

namespace Kiln.Generator.Graph;

/// <summary>
/// Creates nodes: runs the op's shape rule, then interns by (op, inputs, attrs) so a structurally equal node is
/// returned instead of a new one. Common-subexpression elimination is therefore a property of construction.
/// </summary>
internal sealed class GraphBuilder
{
    readonly Dictionary<string, Node> interned = new();
    int nextId;

    public int NodeCount => nextId;

    readonly List<(int Capture, Node Value)> updates = new();

    /// <summary>In-place writes of captures (BatchNorm's running statistics) collected while decomposing.</summary>
    public IReadOnlyList<(int Capture, Node Value)> Updates => updates;

    /// <summary>
    /// Writes <paramref name="value"/> into a captured buffer when the program ends. A second write to the same buffer
    /// replaces the first (it was computed from <see cref="Current"/>, so it already includes it).
    /// </summary>
    public void AddUpdate(Node capture, Node value)
    {
        if (capture.Op != OpNames.Capture) throw new ShapeError($"only a captured buffer can be updated in place, not %{capture.Id} {capture.Op}");
        int index = capture.Attrs.Int("index");
        int existing = updates.FindIndex(u => u.Capture == index);
        if (existing >= 0) updates[existing] = (index, value);
        else updates.Add((index, value));
    }

    /// <summary>
    /// The value a captured buffer holds at this point of the program: its pending update if an earlier op wrote it
    /// (a BatchNorm module called twice reads the statistics its first call left), else the buffer itself.
    /// </summary>
    public Node Current(Node capture)
    {
        if (capture.Op != OpNames.Capture) return capture;
        int index = capture.Attrs.Int("index");
        foreach (var (c, value) in updates)
            if (c == index) return value;
        return capture;
    }

    /// <summary>Creates (or finds) a primitive node. Throws <see cref="ShapeError"/> on a contradiction.</summary>
    public Node Create(string op, IReadOnlyList<Node> inputs, Attrs? attrs = null)
    {
        attrs ??= Attrs.None;
        var key = op + "{" + attrs.Key + "}(" + string.Join(",", inputs.Select(i => i.Id)) + ")";
        if (interned.TryGetValue(key, out var existing)) return existing;
        var shape = ShapeRules.Infer(op, inputs, attrs);
        var def = OpRegistry.Get(op);
        var type = def.Class switch
        {
            OpClass.Leaf when op is OpNames.Input or OpNames.Capture => (ElementType)attrs.Int("type", 0),
            OpClass.View => inputs[0].Type,
            _ when def.IntegerOutput => ElementType.Int,
            _ => ElementType.Float,
        };
        for (int i = 0; i < inputs.Count; i++)
            if (inputs[i].Type == ElementType.Int && def.AcceptsIntInput?.Invoke(i) != true)
                throw new ShapeError($"{OpRegistry.Display(op)}: integer tensors are only supported where the op takes labels or indices (reshaped at most)");
        LoopBody? body = null;
        if (op == OpNames.Scan && !bodies.TryGetValue(attrs.Int("body"), out body))
            throw new ShapeError($"scan: no loop body {attrs.Text("body")} was registered with this builder");
        var node = new Node(nextId++, op, inputs.ToImmutableArray(), attrs, shape, type, body);
        interned.Add(key, node);
        return node;
    }

    /// <summary>Applies a spec-level op: checks its shape rule (for the op's own error wording), then decomposes it into primitives.</summary>
    public Node Apply(string op, IReadOnlyList<Node> inputs, Attrs attrs)
    {
        ShapeRules.Infer(op, inputs, attrs);
        var def = OpRegistry.Get(op);
        if (def.Decompose is { } decompose) return decompose(this, inputs, attrs);
        return def.Class == OpClass.Composite ? def.RequireDecompose()(this, inputs, attrs) : Create(op, inputs, attrs);
    }

    public Node Input(int index, Shape shape, ElementType type) =>
        Create(OpNames.Input, new Node[0], Attrs.Of(("index", Attrs.FormatInt(index)), ("shape", ShapeRules.FormatShape(shape)), ("type", Attrs.FormatInt((int)type))));

    public Node Capture(int index, Shape shape, ElementType type) =>
        Create(OpNames.Capture, new Node[0], Attrs.Of(("index", Attrs.FormatInt(index)), ("shape", ShapeRules.FormatShape(shape)), ("type", Attrs.FormatInt((int)type))));

    readonly Dictionary<int, LoopBody> bodies = new();
    int nextLoopInput;

    /// <summary>A fresh leaf for a loop body's slot (never interned with another: each slot is its own value).</summary>
    public Node LoopInput(Shape shape) =>
        Create(OpNames.LoopInput, new Node[0], Attrs.Of(("slot", Attrs.FormatInt(nextLoopInput++)), ("shape", ShapeRules.FormatShape(shape))));

    /// <summary>
    /// Registers a loop body over the scan inputs <paramref name="inputs"/>, checking that its slots fit them: a carry's
    /// next value has the carry's shape, a sequence is time-major with <paramref name="steps"/> steps, and the body's
    /// only leaves are its slots and constants. Throws <see cref="ShapeError"/> otherwise. Values that do not change
    /// from step to step are computed once before the loop (<see cref="HoistInvariants"/>; appended to <paramref name="inputs"/>).
    /// </summary>
    public LoopBody RegisterLoop(List<Node> inputs, IEnumerable<LoopSlot> slots, IEnumerable<Node> outputs, Size steps, bool reverse, bool hoist = true)
    {
        var (slotArray, outputArray) = hoist
            ? HoistInvariants(inputs, slots.ToList(), outputs.ToImmutableArray())
            : (slots.ToImmutableArray(), outputs.ToImmutableArray());
        var carries = slotArray.Where(s => s.Kind == LoopSlotKind.Carry).ToList();
        if (outputArray.Length < carries.Count) throw new ShapeError($"loop: {carries.Count} carried values but only {outputArray.Length} body outputs");
        for (int i = 0; i < carries.Count; i++)
            if (!outputArray[i].Shape.Equals(carries[i].Leaf.Shape))
                throw new ShapeError($"loop: the carried value {i} is {carries[i].Leaf.Shape} before a step and {outputArray[i].Shape} after it; a carried value keeps its shape");
        foreach (var slot in slotArray)
        {
            if (slot.Leaf.Op != OpNames.LoopInput) throw new ShapeError($"loop: a slot's leaf must be a loop_input, not %{slot.Leaf.Id} {slot.Leaf.Op}");
            var source = inputs[slot.Input].Shape;
            var expected = slot.Kind == LoopSlotKind.Sequence ? new Shape(new[] { steps }.Concat(slot.Leaf.Shape.Dims)) : slot.Leaf.Shape;
            if (!source.Equals(expected)) throw new ShapeError($"loop: a {slot.Kind.ToString().ToLowerInvariant()} slot of shape {slot.Leaf.Shape} is bound to a tensor of shape {source} (expected {expected})");
            if (slot.Kind == LoopSlotKind.Lagged && !inputs[slot.History].Shape.Equals(new Shape(new[] { steps }.Concat(slot.Leaf.Shape.Dims))))
                throw new ShapeError($"loop: a lagged slot of shape {slot.Leaf.Shape} reads a history of shape {inputs[slot.History].Shape}");
        }
        var leaves = new HashSet<Node>(slotArray.Select(s => s.Leaf));
        foreach (var n in Nodes.Reachable(outputArray))
            if (n.Inputs.Length == 0 && !leaves.Contains(n) && n.Op is not (OpNames.Constant or OpNames.InvCount or OpNames.UnbiasFactor))
                throw new ShapeError($"loop: the body reads %{n.Id} {n.Op}, which is not one of its slots; values from outside a loop enter it as invariants");
        var body = new LoopBody(bodies.Count, slotArray, outputArray, steps, reverse);
        bodies.Add(body.Serial, body);
        return body;
    }

    /// <summary>
    /// Loop-invariant code motion: a body node computed only from invariant slots (and constants) is the same at every
    /// step, so it moves before the loop and enters it as a new invariant slot (an Rnn's b_ih + b_hh). Only the hoisted
    /// values the rest of the body reads become slots; the body is rebuilt over them.
    /// </summary>
    public (ImmutableArray<LoopSlot> Slots, ImmutableArray<Node> Outputs) HoistInvariants(List<Node> inputs, List<LoopSlot> slots, ImmutableArray<Node> outputs)
    {
        var outer = slots.Where(s => s.Kind == LoopSlotKind.Invariant).ToDictionary(s => s.Leaf, s => inputs[s.Input]);
        var nodes = Nodes.Reachable(outputs);
        var constant = new HashSet<Node>();
        var invariant = new HashSet<Node>();
        foreach (var n in nodes)
        {
            if (n.Inputs.Length == 0)
            {
                if (n.Op != OpNames.LoopInput) constant.Add(n);
                continue;
            }
            if (n.IsScan) continue;
            if (n.Inputs.All(constant.Contains)) constant.Add(n);
            else if (n.Inputs.All(i => constant.Contains(i) || invariant.Contains(i) || outer.ContainsKey(i))) invariant.Add(n);
        }
        var users = Nodes.Users(nodes);
        var hoisted = invariant.Where(n => outputs.Contains(n) || users[n].Any(u => !invariant.Contains(u))).OrderBy(n => n.Id).ToList();
        if (hoisted.Count == 0) return (slots.ToImmutableArray(), outputs);

        var before = new Dictionary<Node, Node>(outer);
        Node Before(Node n)
        {
            if (before.TryGetValue(n, out var value) || constant.Contains(n)) return value ?? n;
            return before[n] = Create(n.Op, n.Inputs.Select(Before).ToArray(), n.Attrs);
        }
        var replaced = new Dictionary<Node, Node>();
        foreach (var n in hoisted)
        {
            var value = Before(n);
            var leaf = LoopInput(n.Shape);
            inputs.Add(value);
            slots.Add(new LoopSlot(leaf, LoopSlotKind.Invariant, inputs.Count - 1));
            replaced[n] = leaf;
        }
        Substitute(nodes, replaced);
        return (slots.ToImmutableArray(), outputs.Select(o => replaced.TryGetValue(o, out var r) ? r : o).ToImmutableArray());
    }

    /// <summary>
    /// Extends <paramref name="replaced"/> (nodes of a loop body mapped to their new leaves or values) to every node of
    /// <paramref name="nodes"/>, in dependency order, that reads a replaced node: each is rebuilt over the replacements.
    /// </summary>
    public void Substitute(IEnumerable<Node> nodes, Dictionary<Node, Node> replaced)
    {
        foreach (var n in nodes)
        {
            if (replaced.ContainsKey(n) || n.Inputs.Length == 0) continue;
            var mapped = n.Inputs.Select(i => replaced.TryGetValue(i, out var r) ? r : i).ToArray();
            if (!mapped.SequenceEqual(n.Inputs)) replaced[n] = Create(n.Op, mapped, n.Attrs);
        }
    }

    /// <summary>Output <paramref name="output"/> of a loop: its value after the last step, or all steps stacked ([T, ...]).</summary>
    public Node Scan(LoopBody body, IReadOnlyList<Node> inputs, int output, bool stacked)
    {
        var value = body.Outputs[output].Shape;
        var shape = stacked ? new Shape(new[] { body.Steps }.Concat(value.Dims)) : value;
        return Create(OpNames.Scan, inputs, Attrs.Of(("body", Attrs.FormatInt(body.Serial)), ("output", Attrs.FormatInt(output)),
            ("stacked", stacked ? "true" : "false"), ("steps", body.Steps.ToString()), ("reverse", body.Reverse ? "true" : "false"),
            ("shape", ShapeRules.FormatShape(shape))));
    }

    public Node Constant(float value) => Create(OpNames.Constant, new Node[0], Attrs.Of(("value", Attrs.FormatFloat(value))));

    public Node InvCount(Size count) =>
        count.IsConstant ? Constant(1f / count.Constant) : Create(OpNames.InvCount, new Node[0], Attrs.Of(("count", count.ToString())));

    public Node Unary(string op, Node x) => Create(op, new[] { x });
    public Node Binary(string op, Node a, Node b) => Create(op, new[] { a, b });
    public Node Add(Node a, Node b) => Binary(OpNames.Add, a, b);
    public Node Sub(Node a, Node b) => Binary(OpNames.Sub, a, b);
    public Node Mul(Node a, Node b) => Binary(OpNames.Mul, a, b);
    public Node Div(Node a, Node b) => Binary(OpNames.Div, a, b);
    public Node Neg(Node x) => Unary(OpNames.Neg, x);
    public Node Mul(Node a, float b) => Mul(a, Constant(b));

    public Node Reshape(Node x, Shape shape) =>
        x.Shape.Equals(shape) ? x : Create(OpNames.Reshape, new[] { x.Op == OpNames.Reshape ? x.Inputs[0] : x }, Attrs.Of(("shape", ShapeRules.FormatShape(shape))));

    public Node BroadcastTo(Node x, Shape shape) =>
        x.Shape.Equals(shape) ? x : Create(OpNames.BroadcastTo, new[] { x }, Attrs.Of(("shape", ShapeRules.FormatShape(shape))));

    /// <summary>Sums (or averages) over <paramref name="dims"/>, which need not be adjacent: the loop nest reduces any set of axes.</summary>
    public Node Sum(Node x, int[] dims, bool keepDim, bool mean = false)
    {
        if (dims.Length == 0) return x;
        var sorted = dims.Distinct().OrderBy(d => d).ToArray();
        return Create(mean ? OpNames.Mean : OpNames.Sum, new[] { x }, Attrs.Of(("dims", Attrs.FormatInts(sorted)), ("keep_dim", keepDim ? "true" : "false")));
    }

    /// <summary>Sums a broadcast gradient back to <paramref name="shape"/> (the shape of the operand that was broadcast).</summary>
    public Node SumTo(Node g, Shape shape)
    {
        if (g.Shape.Equals(shape)) return g;
        int lead = g.Shape.Rank - shape.Rank;
        var dims = new List<int>();
        for (int i = 0; i < g.Shape.Rank; i++)
            if (i < lead || (shape[i - lead].IsOne && !g.Shape[i].IsOne)) dims.Add(i);
        // Reducing only the leading (broadcast-added) dimensions gives the target shape directly, without a view.
        var summed = Sum(g, dims.ToArray(), keepDim: dims.Any(d => d >= lead));
        return Reshape(summed, shape);
    }
}
