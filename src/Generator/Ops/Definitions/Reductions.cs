using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops.Definitions;

/// <summary>Sum and mean over any set of dimensions, max along one, and the mean-squared-error loss built on them.</summary>
internal static class Reductions
{
    public const string Max = "max";
    public const string MaxBackward = "max_backward";
    /// <summary>The index of the largest value along a dimension (Max(x, dim).Indices, ArgMax): an integer result.</summary>
    public const string ArgMax = "argmax";
    public const string MseLoss = "mse_loss";

    public static IEnumerable<OpDef> Definitions()
    {
        foreach (var op in new[] { OpNames.Sum, OpNames.Mean })
        {
            bool mean = op == OpNames.Mean;
            yield return new OpDef(op, OpClass.Reduction)
            {
                MinInputs = 1,
                MaxInputs = 1,
                Shape = Reduce,
                // The spec's dim/dims/keep_dim become the primitive's sorted, normalised dims.
                Decompose = (b, inputs, attrs) => b.Sum(inputs[0], ReducedDims(inputs[0], attrs, OpRegistry.Display(op)), attrs.Bool("keep_dim"), mean),
                Evaluate = (it, n) => Evaluate(it, n, mean),
                Gradient = mean
                    ? c => new[] { c.B.Mul(ExpandReduced(c), c.B.InvCount(ReducedCount(c.Node))) }
                    : c => new[] { ExpandReduced(c) },
            };
        }

        yield return new OpDef(Max, OpClass.Library)
        {
            MinInputs = 1,
            MaxInputs = 1,
            Shape = ReducedAlongDim,
            Evaluate = (it, n) => MaxAlong(it, n, backward: false),
            Gradient = c => new[] { c.B.Create(MaxBackward, new[] { c.X, c.B.Reshape(c.G, KeptShape(c.X.Shape, c.Node.Attrs)) }, c.Node.Attrs.With("keep_dim", "true")) },
        };
        yield return new OpDef(ArgMax, OpClass.Library)
        {
            MinInputs = 1,
            MaxInputs = 1,
            Shape = ReducedAlongDim,
            // Indices as floats (exact below 2^24), as the interpreter holds every value.
            Evaluate = (it, n) => ArgMaxAlong(it, n),
            IntegerOutput = true,
            Display = "ArgMax",
        };
        yield return new OpDef(MaxBackward, OpClass.Library)
        {
            MinInputs = 2,
            MaxInputs = 2,
            Shape = (inputs, attrs, display) => inputs[0].Shape,
            Evaluate = (it, n) => MaxAlong(it, n, backward: true),
        };

        yield return new OpDef(MseLoss, OpClass.Composite)
        {
            MinInputs = 2,
            MaxInputs = 2,
            Shape = (inputs, attrs, display) =>
            {
                if (!ShapeRules.SameShape(inputs[0].Shape, inputs[1].Shape))
                    throw new ShapeError($"{display}: input {inputs[0].Shape} and target {inputs[1].Shape} differ");
                return (attrs.Text("reduction") ?? "mean") == "none" ? inputs[0].Shape : Shape.Scalar;
            },
            // A reduction that absorbs the subtraction and the square into one loop.
            Decompose = (b, inputs, attrs) =>
            {
                var squared = b.Unary(OpNames.Square, b.Sub(inputs[0], inputs[1]));
                return (attrs.Text("reduction") ?? "mean") switch
                {
                    "sum" => b.Create(OpNames.Sum, new[] { squared }),
                    "none" => squared,
                    _ => b.Create(OpNames.Mean, new[] { squared }),
                };
            },
        };
    }

    /// <summary>The reduced dimensions, sorted: attribute "dims" (or "dim"); none means all.</summary>
    public static int[] ReducedDims(Node x, Attrs attrs, string display)
    {
        var dims = attrs.Ints("dims") ?? (attrs.Has("dim") ? new[] { attrs.Int("dim") } : null);
        if (dims is null) return Enumerable.Range(0, x.Shape.Rank).ToArray();
        var set = new SortedSet<int>();
        foreach (int d in dims)
            if (!set.Add(ShapeRules.NormalizeDim(d, x.Shape.Rank, display)))
                throw new ShapeError($"{display}: dimension {d} appears twice in [{Attrs.FormatInts(dims)}]");
        return set.ToArray();
    }

    /// <summary>The reduced dimensions of a sum/mean node.</summary>
    public static int[] ReducedDims(Node reduction) => ReducedDims(reduction.Inputs[0], reduction.Attrs, OpRegistry.Display(reduction.Op));

    /// <summary>How many elements each output of a reduction combines (the mean's divisor).</summary>
    public static Size ReducedCount(Node reduction)
    {
        var x = reduction.Inputs[0];
        return Size.Product(ReducedDims(reduction).Select(d => x.Shape[d]));
    }

    static Shape Reduce(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        var x = inputs[0];
        var dims = ReducedDims(x, attrs, display);
        bool keep = attrs.Bool("keep_dim");
        var result = new List<Size>();
        for (int i = 0; i < x.Shape.Rank; i++)
        {
            if (Array.IndexOf(dims, i) < 0) result.Add(x.Shape[i]);
            else if (keep) result.Add(Size.One);
        }
        return new Shape(result);
    }

    /// <summary>The output gradient broadcast back over the reduced dimensions.</summary>
    static Node ExpandReduced(VjpContext c)
    {
        var x = c.X;
        var dims = ReducedDims(c.Node);
        var keep = new Shape(Enumerable.Range(0, x.Shape.Rank).Select(i => dims.Contains(i) ? Size.One : x.Shape[i]));
        // A constant seed broadcasts as it is; reshaping it first would hide it from the simplifier.
        return c.B.BroadcastTo(c.G.IsConstant ? c.G : c.B.Reshape(c.G, keep), x.Shape);
    }

    /// <summary>Max's and ArgMax's shape: the input without dimension <c>dim</c> (kept as 1 with <c>keep_dim</c>).</summary>
    static Shape ReducedAlongDim(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        int d = ShapeRules.NormalizeDim(attrs.Int("dim"), inputs[0].Shape.Rank, display);
        var dims = inputs[0].Shape.Dims.ToList();
        if (attrs.Bool("keep_dim")) dims[d] = Size.One; else dims.RemoveAt(d);
        return new Shape(dims);
    }

    static Shape KeptShape(Shape x, Attrs attrs)
    {
        int d = ShapeRules.NormalizeDim(attrs.Int("dim"), x.Rank, "Max");
        return new Shape(x.Dims.SetItem(d, Size.One));
    }

    static float[] Evaluate(Interpreter it, Node n, bool mean)
    {
        var xDims = it.Dims(n.Inputs[0].Shape);
        var outDims = it.Dims(n.Shape);
        var dims = ReducedDims(n);
        var result = new float[Interpreter.Count(outDims)];
        var keep = xDims.Select((d, i) => dims.Contains(i) ? 1 : d).ToArray();
        var x = it.In(n, 0);
        Interpreter.ForEachIndex(xDims, (flat, index) =>
        {
            var target = index.Select((v, i) => dims.Contains(i) ? 0 : v).ToArray();
            result[Interpreter.Flat(keep, target)] += x[flat];
        });
        if (mean)
        {
            int count = dims.Aggregate(1, (a, d) => a * xDims[d]);
            for (int i = 0; i < result.Length; i++) result[i] /= count;
        }
        return result;
    }

    static float[] ArgMaxAlong(Interpreter it, Node n)
    {
        var xDims = it.Dims(n.Inputs[0].Shape);
        var (outer, size, inner) = Interpreter.Split(xDims, n.Attrs.Int("dim"), "ArgMax");
        var x = it.In(n, 0);
        var result = new float[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int best = 0;
                for (int r = 1; r < size; r++)
                {
                    float v = x[(o * size + r) * inner + i], current = x[(o * size + best) * inner + i];
                    if (v > current || (float.IsNaN(v) && !float.IsNaN(current))) best = r;
                }
                result[o * inner + i] = best;
            }
        return result;
    }

    /// <summary>PyTorch's max along a dimension: NaN wins, the first index on ties; the backward routes g to that index.</summary>
    static float[] MaxAlong(Interpreter it, Node n, bool backward)
    {
        var xDims = it.Dims(n.Inputs[0].Shape);
        var (outer, size, inner) = Interpreter.Split(xDims, n.Attrs.Int("dim"), "Max");
        var x = it.In(n, 0);
        var result = new float[backward ? x.Length : outer * inner];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int best = 0;
                for (int r = 1; r < size; r++)
                {
                    float v = x[(o * size + r) * inner + i], current = x[(o * size + best) * inner + i];
                    if (v > current || (float.IsNaN(v) && !float.IsNaN(current))) best = r;
                }
                if (!backward) result[o * inner + i] = x[(o * size + best) * inner + i];
                else result[(o * size + best) * inner + i] = it.In(n, 1)[o * inner + i];
            }
        return result;
    }
}
