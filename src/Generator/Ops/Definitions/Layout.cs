using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops.Definitions;

/// <summary>
/// Layout ops: reshape (a view) and the spec ops that become it (flatten, squeeze, unsqueeze); transpose and
/// permute; concat and stack; narrow (read in place by fused loops, else a block copy) and the spec ops built on
/// it (select, chunk, and concat's gradient).
/// </summary>
internal static class Layout
{
    public const string Flatten = "flatten";
    public const string Unsqueeze = "unsqueeze";
    public const string Squeeze = "squeeze";
    public const string Transpose = "transpose";
    public const string Permute = "permute";
    public const string Concat = "concat";
    public const string Stack = "stack";
    public const string Narrow = "narrow";
    public const string NarrowBackward = "narrow_backward";
    public const string Select = "select";
    public const string Chunk = "chunk";

    public static IEnumerable<OpDef> Definitions()
    {
        yield return new OpDef(OpNames.Reshape, OpClass.View)
        {
            MinInputs = 1,
            MaxInputs = 1,
            AcceptsIntInput = i => i == 0,
            Shape = ReshapeShape,
            Decompose = (b, inputs, attrs) => b.Reshape(inputs[0], ShapeRules.Infer(OpNames.Reshape, inputs, attrs)),
            Evaluate = (it, n) => (float[])it.In(n, 0).Clone(),
            Fold = (v, _) => v[0],
            Gradient = c => new[] { c.B.Reshape(c.G, c.X.Shape) },
        };
        foreach (var (op, rule) in new (string, ShapeRule)[] { (Flatten, FlattenShape), (Unsqueeze, UnsqueezeShape), (Squeeze, SqueezeShape) })
            yield return new OpDef(op, OpClass.Composite)
            {
                MinInputs = op == Flatten ? 1 : 0,
                MaxInputs = op == Flatten ? 1 : null,
                Shape = rule,
                Decompose = (b, inputs, attrs) => b.Reshape(inputs[0], ShapeRules.Infer(op, inputs, attrs)),
            };

        yield return new OpDef(Transpose, OpClass.Library)
        {
            MinInputs = 1,
            MaxInputs = 1,
            TakesEpilogue = true,
            Shape = (inputs, attrs, display) =>
            {
                var s = inputs[0].Shape;
                var (d0, d1) = Axes(s, attrs, display);
                var dims = s.Dims.ToArray();
                (dims[d0], dims[d1]) = (dims[d1], dims[d0]);
                return new Shape(dims);
            },
            Evaluate = (it, n) =>
            {
                var xDims = it.Dims(n.Inputs[0].Shape);
                var outDims = it.Dims(n.Shape);
                var (d0, d1) = Axes(n.Inputs[0].Shape, n.Attrs, "Transpose");
                var x = it.In(n, 0);
                var result = new float[x.Length];
                Interpreter.ForEachIndex(xDims, (flat, index) =>
                {
                    var t = (int[])index.Clone();
                    (t[d0], t[d1]) = (t[d1], t[d0]);
                    result[Interpreter.Flat(outDims, t)] = x[flat];
                });
                return result;
            },
            Gradient = c => new[] { c.B.Create(Transpose, new[] { c.G }, c.Node.Attrs) },
        };
        yield return new OpDef(Permute, OpClass.Composite)
        {
            Shape = (inputs, attrs, display) =>
            {
                var s = inputs[0].Shape;
                var perm = attrs.Ints("perm") ?? throw new ShapeError($"{display}: missing attribute 'perm'");
                var normalized = perm.Select(p => ShapeRules.NormalizeDim(p, s.Rank, display)).ToArray();
                if (normalized.Length != s.Rank || normalized.Distinct().Count() != s.Rank)
                    throw new ShapeError($"{display}: [{Attrs.FormatInts(perm)}] is not a permutation of the {s.Rank} dimensions of {s}");
                return new Shape(normalized.Select(p => s[p]));
            },
            Decompose = (b, inputs, attrs) =>
            {
                // A permutation as a sequence of axis swaps, each one transpose kernel (and none for the identity).
                var x = inputs[0];
                var perm = attrs.Ints("perm")!.Select(p => ShapeRules.NormalizeDim(p, x.Shape.Rank, "Permute")).ToArray();
                var current = Enumerable.Range(0, perm.Length).ToArray();
                for (int i = 0; i < perm.Length; i++)
                {
                    int j = Array.IndexOf(current, perm[i]);
                    if (j == i) continue;
                    x = b.Create(Transpose, new[] { x }, Attrs.Of(("dim0", Attrs.FormatInt(i)), ("dim1", Attrs.FormatInt(j))));
                    (current[i], current[j]) = (current[j], current[i]);
                }
                return x;
            },
        };

        yield return new OpDef(Concat, OpClass.Library)
        {
            TakesEpilogue = true,
            Shape = ConcatShape,
            Decompose = (b, inputs, attrs) => inputs.Count == 1 ? inputs[0] : b.Create(Concat, inputs, attrs),
            Evaluate = EvaluateConcat,
            Gradient = c =>
            {
                int d = ShapeRules.NormalizeDim(c.Node.Attrs.Int("dim", 0), c.Y.Shape.Rank, "Concat");
                var result = new Node?[c.Node.Inputs.Length];
                long start = 0;
                for (int i = 0; i < result.Length; i++)
                {
                    long length = c.In(i).Shape[d].Constant;
                    result[i] = NarrowOf(c.B, c.G, d, start, length);
                    start += length;
                }
                return result;
            },
        };
        yield return new OpDef(Stack, OpClass.Composite)
        {
            Shape = (inputs, attrs, display) =>
            {
                if (inputs.Count == 0) throw new ShapeError($"{display}: needs at least one tensor");
                var first = inputs[0].Shape;
                foreach (var t in inputs)
                    if (!ShapeRules.SameShape(t.Shape, first)) throw new ShapeError($"{display}: {first} and {t.Shape} differ");
                int d = ShapeRules.NormalizeDim(attrs.Int("dim", 0), first.Rank + 1, display);
                return new Shape(first.Dims.Insert(d, Size.Of(inputs.Count)));
            },
            Decompose = (b, inputs, attrs) =>
            {
                int d = ShapeRules.NormalizeDim(attrs.Int("dim", 0), inputs[0].Shape.Rank + 1, "Stack");
                var expanded = inputs.Select(t => b.Reshape(t, new Shape(t.Shape.Dims.Insert(d, Size.One)))).ToArray();
                return expanded.Length == 1 ? expanded[0] : b.Create(Concat, expanded, Attrs.Of(("dim", Attrs.FormatInt(d))));
            },
        };

        yield return new OpDef(Narrow, OpClass.Library)
        {
            MinInputs = 1,
            MaxInputs = 1,
            TakesEpilogue = true,
            Shape = NarrowShape,
            ReadInPlace = NarrowInPlace,
            Evaluate = (it, n) => EvaluateNarrow(it, n, backward: false),
            Gradient = c => new[]
            {
                c.B.Create(NarrowBackward, new[] { c.G },
                    c.Node.Attrs.With("size", c.X.Shape[ShapeRules.NormalizeDim(c.Node.Attrs.Int("dim"), c.X.Shape.Rank, "Narrow")].ToString())),
            },
        };
        yield return new OpDef(NarrowBackward, OpClass.Library)
        {
            MinInputs = 1,
            MaxInputs = 1,
            TakesEpilogue = true,
            Shape = (inputs, attrs, display) =>
            {
                var s = inputs[0].Shape;
                int d = ShapeRules.NormalizeDim(attrs.Int("dim"), s.Rank, display);
                var dims = s.Dims.ToArray();
                dims[d] = Size.Of(attrs.Int("size"));
                return new Shape(dims);
            },
            Evaluate = (it, n) => EvaluateNarrow(it, n, backward: true),
        };

        yield return new OpDef(Select, OpClass.Composite)
        {
            Shape = (inputs, attrs, display) =>
            {
                var s = inputs[0].Shape;
                int d = ShapeRules.NormalizeDim(attrs.Int("dim"), s.Rank, display);
                int index = attrs.Int("index");
                if (!s[d].IsConstant) throw new ShapeError($"{display}: dimension {d} of {s} is symbolic; select needs a constant size");
                if (index < -s[d].Constant || index >= s[d].Constant) throw new ShapeError($"{display}: index {index} is out of range for dimension {d} of {s}");
                return new Shape(s.Dims.RemoveAt(d));
            },
            Decompose = (b, inputs, attrs) =>
            {
                var s = inputs[0].Shape;
                int d = ShapeRules.NormalizeDim(attrs.Int("dim"), s.Rank, "Select");
                int index = attrs.Int("index");
                if (index < 0) index += (int)s[d].Constant;
                return b.Reshape(NarrowOf(b, inputs[0], d, index, 1), ShapeRules.Infer(Select, inputs, attrs));
            },
        };
        yield return new OpDef(Chunk, OpClass.Composite)
        {
            Shape = (inputs, attrs, display) =>
            {
                var s = inputs[0].Shape;
                int d = ShapeRules.NormalizeDim(attrs.Int("dim", 0), s.Rank, display);
                int chunks = attrs.Int("chunks"), index = attrs.Int("index");
                if (!s[d].IsConstant) throw new UnsupportedShapeError(display, SymbolicChunk(d, s.ToString(), chunks));
                long size = s[d].Constant, step = (size + chunks - 1) / chunks;
                long start = step * index, length = Math.Max(0, Math.Min(step, size - start));
                if (length <= 0) throw new ShapeError($"{display}: chunk {index} of {chunks} along dimension {d} of {s} is empty");
                return new Shape(s.Dims.SetItem(d, Size.Of(length)));
            },
            Decompose = (b, inputs, attrs) =>
            {
                var s = inputs[0].Shape;
                int d = ShapeRules.NormalizeDim(attrs.Int("dim", 0), s.Rank, "Chunk");
                long step = (s[d].Constant + attrs.Int("chunks") - 1) / attrs.Int("chunks");
                var shape = ShapeRules.Infer(Chunk, inputs, attrs);
                return NarrowOf(b, inputs[0], d, step * attrs.Int("index"), shape[d].Constant);
            },
        };
    }

    /// <summary>x.narrow(dim, start, length) as a graph node.</summary>
    public static Node NarrowOf(GraphBuilder b, Node x, int dim, long start, long length) =>
        b.Create(Narrow, new[] { x }, Attrs.Of(("dim", Attrs.FormatInt(dim)), ("start", Attrs.FormatInt(start)), ("length", Attrs.FormatInt(length))));

    /// <summary>
    /// Why a symbolic dimension cannot be chunked, worded for both the parser and the compiler: the pieces are
    /// ceil(N / chunks) long (the last shorter, fewer pieces when N &lt; chunks), and sizes here are products of
    /// symbols, so neither the piece lengths nor their number exist at build time.
    /// </summary>
    public static string SymbolicChunk(int dim, string shape, int chunks) =>
        $"Chunk splits dimension {dim} of {shape}, whose size is only known at call time; its {chunks} pieces would be " +
        $"ceil(size / {chunks}) long (the last shorter, fewer pieces for a small size), which a compiled graph's symbolic sizes " +
        "(products of symbols) cannot express, so chunking a symbolic dimension is not supported in compiled graphs: chunk a " +
        "dimension of constant size, or Narrow with constant lengths";

    /// <summary>The two swapped axes of a transpose, normalised.</summary>
    public static (int D0, int D1) Axes(Shape s, Attrs attrs, string display) =>
        (ShapeRules.NormalizeDim(attrs.Int("dim0"), s.Rank, display), ShapeRules.NormalizeDim(attrs.Int("dim1"), s.Rank, display));

    /// <summary>(dim, start, length) of a narrow or its backward, the dimension normalised against the wider shape.</summary>
    public static (int Dim, int Start, int Length) Slice(Node n)
    {
        var wide = n.Op == Narrow ? n.Inputs[0].Shape : n.Shape;
        return (ShapeRules.NormalizeDim(n.Attrs.Int("dim"), wide.Rank, "Narrow"), n.Attrs.Int("start"), n.Attrs.Int("length"));
    }

    /// <summary>narrow(src, dim k, start) read in place: same shape as the loop body, the source buffer's strides and offset.</summary>
    static (Size Offset, Size[] Strides) NarrowInPlace(Node view, Shape bodyShape)
    {
        var source = view.Inputs[0].Shape;
        int rank = bodyShape.Rank;
        var (k, start, _) = Slice(view);
        var strides = new Size[rank];
        for (int d = 0; d < rank; d++) strides[d] = bodyShape[d].IsOne ? Size.Of(0) : source.CountOf(d + 1, rank);
        return (Size.Of(start).Times(source.CountOf(k + 1, rank)), strides);
    }

    static Shape ReshapeShape(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        var from = inputs[0].Shape;
        var text = attrs.Text("shape") ?? throw new ShapeError($"{display}: missing attribute 'shape'");
        var parts = text.Trim().Length == 0 ? Array.Empty<string>() : text.Split(',').Select(p => p.Trim()).ToArray();
        int infer = Array.IndexOf(parts, "-1");
        if (infer >= 0 && Array.LastIndexOf(parts, "-1") != infer) throw new ShapeError($"{display}: {from} -> [{text}]: only one dimension can be -1");
        var dims = parts.Select(p => p == "-1" ? Size.One : Size.Parse(p)).ToArray();
        var known = Size.Product(dims);
        if (infer >= 0)
        {
            if (!from.Count.TryDivide(known, out var rest))
            {
                AlignTrailingSizes(from, dims, infer);
                throw new ShapeError($"{display}: {from} -> [{text}]: {from.Count} elements do not divide into the given sizes");
            }
            dims[infer] = rest;
        }
        else if (!known.Equals(from.Count))
        {
            AlignTrailingSizes(from, dims, infer);
            throw new ShapeError($"{display}: {from} -> [{text}]: {from.Count} elements cannot take a shape of {known}");
        }
        return new Shape(dims);
    }

    /// <summary>
    /// While module sizes from a constructor are being unified: a reshape that does not fit usually keeps its trailing
    /// sizes (x.Reshape(-1, inputs) of [N, 5]), so those are equated from the right up to the inferred dimension.
    /// </summary>
    static void AlignTrailingSizes(Shape from, Size[] to, int infer)
    {
        for (int i = from.Rank - 1, j = to.Length - 1; i >= 0 && j > infer; i--, j--)
            if (!ShapeRules.SameSize(from[i], to[j])) break;
    }

    static Shape FlattenShape(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        var s = inputs[0].Shape;
        if (s.Rank == 0) return Shape.Of(1);
        int start = ShapeRules.NormalizeDim(attrs.Int("start_dim", 0), s.Rank, display);
        int end = ShapeRules.NormalizeDim(attrs.Int("end_dim", -1), s.Rank, display);
        if (start > end) throw new ShapeError($"{display}: start_dim {start} is after end_dim {end} for {s}");
        return new Shape(s.Dims.Take(start).Append(s.CountOf(start, end + 1)).Concat(s.Dims.Skip(end + 1)));
    }

    static Shape UnsqueezeShape(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        var s = inputs[0].Shape;
        int d = ShapeRules.NormalizeDim(attrs.Int("dim"), s.Rank + 1, display);
        return new Shape(s.Dims.Insert(d, Size.One));
    }

    static Shape SqueezeShape(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        var s = inputs[0].Shape;
        int d = ShapeRules.NormalizeDim(attrs.Int("dim"), s.Rank, display);
        if (!s[d].IsOne) return s;
        return new Shape(s.Dims.RemoveAt(d));
    }

    static Shape ConcatShape(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        if (inputs.Count == 0) throw new ShapeError($"{display}: needs at least one tensor");
        var first = inputs[0].Shape;
        int d = ShapeRules.NormalizeDim(attrs.Int("dim", 0), first.Rank, display);
        var total = new List<Size>();
        foreach (var t in inputs)
        {
            var s = t.Shape;
            if (s.Rank != first.Rank || Enumerable.Range(0, s.Rank).Any(i => i != d && !ShapeRules.SameSize(s[i], first[i])))
                throw new ShapeError($"{display}: {first} and {s} differ outside dimension {d}");
            total.Add(s[d]);
        }
        var dims = first.Dims.ToArray();
        // Each piece's offset along the dimension, and its gradient's narrow, are build-time ints: the pieces' sizes
        // there must be constants (a symbolic size would put every piece after the first at the wrong offset).
        if (inputs.Count > 1 && total.Any(t => !t.IsConstant))
            throw new UnsupportedShapeError(display, $"{display} joins {string.Join(", ", inputs.Select(t => t.Shape))} along dimension {d}, whose size " +
                "is only known at call time; compiled graphs concatenate along dimensions of constant size only");
        dims[d] = Size.Of(total.Sum(t => t.Constant));
        return new Shape(dims);
    }

    static Shape NarrowShape(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        var s = inputs[0].Shape;
        int d = ShapeRules.NormalizeDim(attrs.Int("dim"), s.Rank, display);
        int start = attrs.Int("start"), length = attrs.Int("length");
        if (!s[d].IsConstant) throw new ShapeError($"{display}: dimension {d} of {s} is symbolic; narrow needs a constant size");
        if (start < 0 || length < 0 || start + length > s[d].Constant)
            throw new ShapeError($"{display}: [{start}, {start + length}) is outside dimension {d} of {s}");
        var dims = s.Dims.ToArray();
        dims[d] = Size.Of(length);
        return new Shape(dims);
    }

    static float[] EvaluateConcat(Interpreter it, Node n)
    {
        var outDims = it.Dims(n.Shape);
        int d = ShapeRules.NormalizeDim(n.Attrs.Int("dim", 0), outDims.Length, "Concat");
        var result = new float[Interpreter.Count(outDims)];
        int offset = 0;
        for (int k = 0; k < n.Inputs.Length; k++)
        {
            var xDims = it.Dims(n.Inputs[k].Shape);
            var x = it.In(n, k);
            int off = offset;
            Interpreter.ForEachIndex(xDims, (flat, index) =>
            {
                var t = (int[])index.Clone();
                t[d] += off;
                result[Interpreter.Flat(outDims, t)] = x[flat];
            });
            offset += xDims[d];
        }
        return result;
    }

    static float[] EvaluateNarrow(Interpreter it, Node n, bool backward)
    {
        var xDims = it.Dims(n.Inputs[0].Shape);
        var outDims = it.Dims(n.Shape);
        int d = ShapeRules.NormalizeDim(n.Attrs.Int("dim"), xDims.Length, "Narrow");
        int start = n.Attrs.Int("start");
        var x = it.In(n, 0);
        var result = new float[Interpreter.Count(outDims)];
        if (!backward)
            Interpreter.ForEachIndex(outDims, (flat, index) =>
            {
                var t = (int[])index.Clone();
                t[d] += start;
                result[flat] = x[Interpreter.Flat(xDims, t)];
            });
        else
            Interpreter.ForEachIndex(xDims, (flat, index) =>
            {
                var t = (int[])index.Clone();
                t[d] += start;
                result[Interpreter.Flat(outDims, t)] = x[flat];
            });
        return result;
    }
}
