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
        var node = new Node(nextId++, op, inputs.ToImmutableArray(), attrs, shape, type);
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
