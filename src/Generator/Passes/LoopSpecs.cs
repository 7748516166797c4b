using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops;
using Kiln.Generator.Ops.Definitions;

namespace Kiln.Generator.Passes;

/// <summary>
/// The spec's loop ops, turned into a loop body and scan nodes while the graph is built. The parser writes a loop as:
/// its slots (<c>loop_carry</c>, <c>loop_sequence</c>, <c>loop_invariant</c>, each with attr <c>loop</c>), the body's ops
/// over them, <c>loop_result</c> whose operands are the body's outputs (the first ones the carries' next values, in the
/// carries' order), and <c>loop_output</c> ops reading an output of it after the loop (final or stacked).
/// </summary>
internal sealed class LoopSpecs
{
    const string Carry = Loops.Carry, Sequence = Loops.Sequence, Invariant = Loops.Invariant, Result = Loops.Result, Output = Loops.Output;

    public static bool IsLoopOp(string op) => Loops.IsSpecOp(op);

    sealed class Open
    {
        public List<Node> Inputs { get; } = new();
        public List<LoopSlot> Slots { get; } = new();
        public Size? Steps { get; set; }
    }

    readonly Dictionary<string, Open> open = new();
    readonly Dictionary<Node, (LoopBody Body, List<Node> Inputs)> closed = new();

    /// <summary>Builds the node of one loop op; throws <see cref="ShapeError"/> for a loop that does not fit.</summary>
    public Node Apply(GraphBuilder b, string op, IReadOnlyList<Node> args, Attrs attrs)
    {
        string loopId = attrs.Text("loop") ?? throw new ShapeError($"{op}: missing attribute 'loop'");
        switch (op)
        {
            case Carry:
            {
                var loop = OpenLoop(loopId);
                var initial = attrs.Text("zeros") is { } zeros ? b.BroadcastTo(b.Constant(0f), ZerosShape(zeros, args)) : Single(op, args);
                var leaf = b.LoopInput(initial.Shape);
                loop.Slots.Add(new LoopSlot(leaf, LoopSlotKind.Carry, Bind(loop, initial)));
                return leaf;
            }
            case Sequence:
            {
                var loop = OpenLoop(loopId);
                var sequence = TimeFirst(b, Single(op, args), attrs.Int("dim", 0));
                if (sequence.Type != ElementType.Float) throw new UnsupportedShapeError("a loop", "only float tensors can be a loop's sequence (an integer tensor is read before the loop, e.g. through an Embedding)");
                if (sequence.Shape.Rank == 0) throw new ShapeError("loop: a sequence needs a time dimension");
                if (loop.Steps is { } steps && !steps.Equals(sequence.Shape[0]))
                    throw new ShapeError($"loop: its sequences differ in length ({steps} and {sequence.Shape[0]} steps)");
                loop.Steps = sequence.Shape[0];
                var leaf = b.LoopInput(new Shape(sequence.Shape.Dims.Skip(1)));
                loop.Slots.Add(new LoopSlot(leaf, LoopSlotKind.Sequence, Bind(loop, sequence)));
                return leaf;
            }
            case Invariant:
            {
                var loop = OpenLoop(loopId);
                var value = Single(op, args);
                if (value.Type != ElementType.Float) throw new UnsupportedShapeError("a loop", "only float tensors can enter a loop's body (an integer tensor is read before the loop, e.g. through an Embedding)");
                var leaf = b.LoopInput(value.Shape);
                loop.Slots.Add(new LoopSlot(leaf, LoopSlotKind.Invariant, Bind(loop, value)));
                return leaf;
            }
            case Result:
            {
                if (!open.TryGetValue(loopId, out var loop)) throw new ShapeError($"loop {loopId} has no slots");
                open.Remove(loopId);
                var declared = attrs.Text("steps") is { } text ? Size.Parse(text) : null;
                if (declared is not null && loop.Steps is not null && !declared.Equals(loop.Steps))
                    throw new ShapeError($"loop: it runs {declared} steps but its sequence has {loop.Steps}");
                var steps = loop.Steps ?? declared ?? throw new ShapeError("loop: without a sequence it needs a step count");
                var body = b.RegisterLoop(loop.Inputs, loop.Slots, args, steps, reverse: false);
                // The marker stands for the loop; only loop_output reads it. Its shape is the step count's, for the printer.
                var marker = b.Scan(body, loop.Inputs, 0, stacked: false);
                closed[marker] = (body, loop.Inputs);
                return marker;
            }
            default:
            {
                var marker = Single(op, args);
                if (!closed.TryGetValue(marker, out var loop)) throw new ShapeError($"{op}: its operand is not a loop_result");
                int output = attrs.Int("output");
                if (output < 0 || output >= loop.Body.Outputs.Length) throw new ShapeError($"loop: it has no output {output}");
                bool stacked = attrs.Bool("stacked");
                var value = b.Scan(loop.Body, loop.Inputs, output, stacked);
                return stacked ? TimeAt(b, value, attrs.Int("dim", 0)) : value;
            }
        }
    }

    /// <summary>Loops whose result was never given (a parser bug): reported by the caller.</summary>
    public IEnumerable<string> Unclosed => open.Keys;

    Open OpenLoop(string id)
    {
        if (!open.TryGetValue(id, out var loop)) open[id] = loop = new Open();
        return loop;
    }

    static int Bind(Open loop, Node value)
    {
        loop.Inputs.Add(value);
        return loop.Inputs.Count - 1;
    }

    static Node Single(string op, IReadOnlyList<Node> args) =>
        args.Count == 1 ? args[0] : throw new ShapeError($"{op}: expected 1 operand, got {args.Count}");

    /// <summary>"@0.0,16": dimension 0 of operand 0, then 16.</summary>
    static Shape ZerosShape(string text, IReadOnlyList<Node> args) => new(text.Split(',').Select(part =>
    {
        part = part.Trim();
        if (!part.StartsWith("@", System.StringComparison.Ordinal)) return Size.Parse(part);
        var pieces = part.Substring(1).Split('.');
        var arg = args[int.Parse(pieces[0], CultureInfo.InvariantCulture)];
        return arg.Shape[ShapeRules.NormalizeDim(int.Parse(pieces[1], CultureInfo.InvariantCulture), arg.Shape.Rank, "loop")];
    }));

    static Node TimeFirst(GraphBuilder b, Node x, int dim)
    {
        dim = ShapeRules.NormalizeDim(dim, x.Shape.Rank, "loop");
        if (dim == 0) return x;
        var perm = new[] { dim }.Concat(Enumerable.Range(0, x.Shape.Rank).Where(d => d != dim));
        return b.Apply(Layout.Permute, new[] { x }, Attrs.Of(("perm", Attrs.FormatInts(perm))));
    }

    static Node TimeAt(GraphBuilder b, Node stacked, int dim)
    {
        dim = ShapeRules.NormalizeDim(dim, stacked.Shape.Rank, "loop");
        if (dim == 0) return stacked;
        var perm = Enumerable.Range(1, dim).Concat(new[] { 0 }).Concat(Enumerable.Range(dim + 1, stacked.Shape.Rank - dim - 1));
        return b.Apply(Layout.Permute, new[] { stacked }, Attrs.Of(("perm", Attrs.FormatInts(perm))));
    }
}
