using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops;

/// <summary>
/// Abstract evaluation: runs an op's shape rule from the registry, plus the helpers the rules share (broadcasting,
/// dimension normalisation, shape text). Contradictions throw <see cref="ShapeError"/> with the runtime's message
/// wording (the compiler reports them as KILN0101).
/// </summary>
internal static class ShapeRules
{
    public static Shape Infer(string op, IReadOnlyList<Node> inputs, Attrs attrs)
    {
        string display = OpRegistry.Display(op);
        if (!OpRegistry.TryGet(op, out var def)) throw new ShapeError($"{display}: the compiler has no rule for op '{op}'");
        if (def.MaxInputs is { } max && def.MinInputs == max) Arity(inputs, max, display);
        return def.RequireShape()(inputs, attrs, display);
    }

    public static void Arity(IReadOnlyList<Node> inputs, int count, string display)
    {
        if (inputs.Count != count) throw new ShapeError($"{display}: expected {count} operand(s), got {inputs.Count}");
    }

    public static Shape ParseShape(string text) =>
        text.Trim().Length == 0 ? Shape.Scalar : new Shape(text.Split(',').Select(Size.Parse));

    public static string FormatShape(Shape shape) => string.Join(",", shape.Dims);

    /// <summary>The shape stored in the op's "shape" attribute (leaves, masks, broadcasts).</summary>
    public static Shape FromAttr(IReadOnlyList<Node> inputs, Attrs attrs, string display) => ParseShape(attrs.Text("shape") ?? "");

    /// <summary>The rule of unary elementwise ops: the input's shape.</summary>
    public static Shape Same(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        Arity(inputs, 1, display);
        return inputs[0].Shape;
    }

    /// <summary>The rule of binary elementwise ops: NumPy broadcasting.</summary>
    public static Shape Broadcast(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        Arity(inputs, 2, display);
        return BroadcastShapes(inputs[0].Shape, inputs[1].Shape, display);
    }

    /// <summary>NumPy broadcasting; a symbol only matches itself or 1, since its value is unknown until the call.</summary>
    public static Shape BroadcastShapes(Shape a, Shape b, string display)
    {
        if (a.Equals(b)) return a;
        int rank = Math.Max(a.Rank, b.Rank);
        var result = new Size[rank];
        for (int i = 0; i < rank; i++)
        {
            var da = i - (rank - a.Rank) >= 0 ? a[i - (rank - a.Rank)] : Size.One;
            var db = i - (rank - b.Rank) >= 0 ? b[i - (rank - b.Rank)] : Size.One;
            if (!da.Equals(db) && !da.IsOne && !db.IsOne && !SameSize(da, db))
                throw new ShapeError($"{display}: {a} and {b} cannot be broadcast: dimension {i} is {da} vs {db}");
            result[i] = da.IsOne ? db : da;
        }
        return new Shape(result);
    }

    /// <summary>
    /// Whether two sizes that must agree do: the same size, or (while unifying, <see cref="Passes.SymbolUnification"/>)
    /// a module size from the constructor that can be equated with the other.
    /// </summary>
    public static bool SameSize(Size a, Size b) => a.Equals(b) || Passes.SymbolUnification.Equate(a, b);

    public static bool SameShape(Shape a, Shape b)
    {
        if (a.Equals(b)) return true;
        if (a.Rank != b.Rank) return false;
        for (int i = 0; i < a.Rank; i++)
            if (!SameSize(a[i], b[i])) return false;
        return true;
    }

    public static int NormalizeDim(int dim, int rank, string display)
    {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) throw new ShapeError($"{display}: dimension {dim} is out of range for a tensor of rank {rank}");
        return d;
    }

    /// <summary>A one- or two-value int attribute ("3" or "3,5") as (height, width).</summary>
    public static (int H, int W) Pair(Attrs attrs, string name, int fallback)
    {
        var values = attrs.Ints(name) ?? new[] { fallback };
        if (values.Length == 1) return (values[0], values[0]);
        if (values.Length == 2) return (values[0], values[1]);
        throw new ShapeError($"attribute '{name}' must have one or two values, got {values.Length}");
    }

    public static long Spatial(Size size, string display, Shape shape)
    {
        if (!size.IsConstant) throw new ShapeError($"{display}: spatial dimensions of {shape} must be constants");
        return size.Constant;
    }

    /// <summary>(outer, size, inner) element counts of a shape split around dimension <paramref name="dim"/>.</summary>
    public static (Size Outer, Size Size, Size Inner) SplitAround(Shape s, int dim, string display)
    {
        int d = NormalizeDim(dim, s.Rank, display);
        return (s.CountOf(0, d), s[d], s.CountOf(d + 1, s.Rank));
    }
}
