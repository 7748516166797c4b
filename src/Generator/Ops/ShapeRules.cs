using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops;

internal delegate Shape ShapeRule(IReadOnlyList<Node> inputs, Attrs attrs, string display);

/// <summary>
/// Abstract evaluation: the output shape of every op from its inputs' shapes and its attributes. Contradictions
/// throw <see cref="ShapeError"/> with the runtime's message wording (the compiler reports them as KILN0101).
/// </summary>
internal static class ShapeRules
{
    static readonly Dictionary<string, ShapeRule> Rules = new()
    {
        [OpNames.Input] = Leaf,
        [OpNames.Capture] = Leaf,
        [OpNames.Constant] = (_, _, _) => Shape.Scalar,
        [OpNames.InvCount] = (_, _, _) => Shape.Scalar,
        [OpNames.UnbiasFactor] = (_, _, _) => Shape.Scalar,
        [OpNames.Select] = (inputs, attrs, display) =>
        {
            Arity(inputs, 3, display);
            if (inputs[0].Type != ElementType.Flag) throw new ShapeError($"{display}: the condition must be a flag");
            return BroadcastShapes(inputs[1].Shape, inputs[2].Shape, display);
        },
        ["batch_norm"] = BatchNorm,

        ["add"] = Broadcast, ["sub"] = Broadcast, ["mul"] = Broadcast, ["div"] = Broadcast,
        [OpNames.ReluBackward] = Broadcast,
        [OpNames.ClampBackward] = Broadcast,

        ["neg"] = Same, ["exp"] = Same, ["log"] = Same, ["square"] = Same, ["sqrt"] = Same, ["abs"] = Same,
        ["sigmoid"] = Same, ["tanh"] = Same, ["relu"] = Same, ["pow"] = Same, [OpNames.Sign] = Same, [OpNames.Copy] = Same,
        ["clamp"] = Clamp,
        ["greater_than"] = Same,
        ["max"] = (inputs, attrs, display) =>
        {
            Arity(inputs, 1, display);
            int d = NormalizeDim(attrs.Int("dim"), inputs[0].Shape.Rank, display);
            var dims = inputs[0].Shape.Dims.ToList();
            if (attrs.Bool("keep_dim")) dims[d] = Size.One; else dims.RemoveAt(d);
            return new Shape(dims);
        },
        [OpNames.MaxBackward] = (inputs, attrs, display) => inputs[0].Shape,
        ["dot"] = (inputs, attrs, display) =>
        {
            Arity(inputs, 2, display);
            Shape a = inputs[0].Shape, b = inputs[1].Shape;
            if (a.Rank != 1 || !a.Equals(b)) throw new ShapeError($"{display}: {a} and {b} must be vectors of the same length");
            return Shape.Scalar;
        },
        ["select"] = (inputs, attrs, display) =>
        {
            var s = inputs[0].Shape;
            int d = NormalizeDim(attrs.Int("dim"), s.Rank, display);
            int index = attrs.Int("index");
            if (!s[d].IsConstant) throw new ShapeError($"{display}: dimension {d} of {s} is symbolic; select needs a constant size");
            if (index < -s[d].Constant || index >= s[d].Constant) throw new ShapeError($"{display}: index {index} is out of range for dimension {d} of {s}");
            return new Shape(s.Dims.RemoveAt(d));
        },
        ["chunk"] = (inputs, attrs, display) =>
        {
            var s = inputs[0].Shape;
            int d = NormalizeDim(attrs.Int("dim", 0), s.Rank, display);
            int chunks = attrs.Int("chunks"), index = attrs.Int("index");
            if (!s[d].IsConstant) throw new UnsupportedShapeError(display, UnsupportedShapeError.SymbolicChunk(d, s.ToString(), chunks));
            long size = s[d].Constant, step = (size + chunks - 1) / chunks;
            long start = step * index, length = Math.Max(0, Math.Min(step, size - start));
            if (length <= 0) throw new ShapeError($"{display}: chunk {index} of {chunks} along dimension {d} of {s} is empty");
            return new Shape(s.Dims.SetItem(d, Size.Of(length)));
        },
        ["stack"] = (inputs, attrs, display) =>
        {
            if (inputs.Count == 0) throw new ShapeError($"{display}: needs at least one tensor");
            var first = inputs[0].Shape;
            foreach (var t in inputs)
                if (!t.Shape.Equals(first)) throw new ShapeError($"{display}: {first} and {t.Shape} differ");
            int d = NormalizeDim(attrs.Int("dim", 0), first.Rank + 1, display);
            return new Shape(first.Dims.Insert(d, Size.Of(inputs.Count)));
        },
        ["permute"] = (inputs, attrs, display) =>
        {
            var s = inputs[0].Shape;
            var perm = attrs.Ints("perm") ?? throw new ShapeError($"{display}: missing attribute 'perm'");
            var normalized = perm.Select(p => NormalizeDim(p, s.Rank, display)).ToArray();
            if (normalized.Length != s.Rank || normalized.Distinct().Count() != s.Rank)
                throw new ShapeError($"{display}: [{Attrs.FormatInts(perm)}] is not a permutation of the {s.Rank} dimensions of {s}");
            return new Shape(normalized.Select(p => s[p]));
        },
        ["softmax"] = SoftmaxLike, ["log_softmax"] = SoftmaxLike,
        [OpNames.SoftmaxBackward] = (inputs, attrs, display) => SoftmaxLike(new[] { inputs[1] }, attrs, display),

        [OpNames.BroadcastTo] = BroadcastTo,
        ["sum"] = Reduce, ["mean"] = Reduce,

        ["matmul"] = MatMul,
        ["linear"] = Linear,
        ["reshape"] = Reshape,
        ["flatten"] = Flatten,
        ["unsqueeze"] = Unsqueeze,
        ["squeeze"] = Squeeze,
        ["transpose"] = Transpose,
        ["concat"] = Concat,
        ["narrow"] = Narrow,
        [OpNames.NarrowBackward] = NarrowBackward,

        ["cross_entropy"] = CrossEntropy,
        [OpNames.CrossEntropyBackward] = (inputs, attrs, display) => inputs[0].Shape,
        ["mse_loss"] = MseLoss,

        ["conv2d"] = Conv2d,
        ["conv1d"] = Conv1d,
        [OpNames.Conv2dBackwardInput] = (inputs, attrs, display) => ParseShape(attrs.Text("input_shape") ?? ""),
        [OpNames.Conv2dBackwardWeight] = (inputs, attrs, display) => ParseShape(attrs.Text("weight_shape") ?? ""),
        ["max_pool2d"] = Pool2d, ["avg_pool2d"] = Pool2d,
        ["max_pool1d"] = Pool1d, ["avg_pool1d"] = Pool1d,
        [OpNames.MaxPool2dBackward] = (inputs, attrs, display) => inputs[0].Shape,
        [OpNames.AvgPool2dBackward] = (inputs, attrs, display) => ParseShape(attrs.Text("input_shape") ?? ""),
        ["layer_norm"] = LayerNorm,
        ["dropout"] = (inputs, attrs, display) =>
        {
            if (inputs.Count < 2 || inputs[1].Type != ElementType.Flag) throw new ShapeError($"{display}: expected the input and the module's Training flag");
            float p = attrs.Float("p", 0.5f);
            if (!(p >= 0f && p <= 1f)) throw new ShapeError($"{display}: probability p must be in [0, 1], got {Attrs.FormatFloat(p)}");
            return inputs[0].Shape;
        },
        [OpNames.DropoutMask] = (inputs, attrs, display) => ParseShape(attrs.Text("shape") ?? ""),
        ["embedding"] = Embedding,
        [OpNames.EmbeddingBackward] = (inputs, attrs, display) =>
            new Shape(new[] { Size.Of(attrs.Int("rows")), inputs[0].Shape[inputs[0].Shape.Rank - 1] }),
    };

    public static bool IsKnown(string op) => Rules.ContainsKey(op);

    public static Shape Infer(string op, IReadOnlyList<Node> inputs, Attrs attrs)
    {
        if (!Rules.TryGetValue(op, out var rule)) throw new ShapeError($"{OpNames.Display(op)}: the compiler has no rule for op '{op}'");
        return rule(inputs, attrs, OpNames.Display(op));
    }

    static void Arity(IReadOnlyList<Node> inputs, int count, string display)
    {
        if (inputs.Count != count) throw new ShapeError($"{display}: expected {count} operand(s), got {inputs.Count}");
    }

    static Shape Leaf(IReadOnlyList<Node> inputs, Attrs attrs, string display) => ParseShape(attrs.Text("shape") ?? "");

    public static Shape ParseShape(string text) =>
        text.Trim().Length == 0 ? Shape.Scalar : new Shape(text.Split(',').Select(Size.Parse));

    public static string FormatShape(Shape shape) => string.Join(",", shape.Dims);

    static Shape Same(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        Arity(inputs, 1, display);
        return inputs[0].Shape;
    }

    static Shape Clamp(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        Arity(inputs, 1, display);
        float min = attrs.Float("min", float.NegativeInfinity), max = attrs.Float("max", float.PositiveInfinity);
        if (min > max) throw new ShapeError($"{display}: min {Attrs.FormatFloat(min)} is greater than max {Attrs.FormatFloat(max)}");
        return inputs[0].Shape;
    }

    static Shape Broadcast(IReadOnlyList<Node> inputs, Attrs attrs, string display)
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
            if (!da.Equals(db) && !da.IsOne && !db.IsOne)
                throw new ShapeError($"{display}: {a} and {b} cannot be broadcast: dimension {i} is {da} vs {db}");
            result[i] = da.IsOne ? db : da;
        }
        return new Shape(result);
    }

    public static int NormalizeDim(int dim, int rank, string display)
    {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) throw new ShapeError($"{display}: dimension {dim} is out of range for a tensor of rank {rank}");
        return d;
    }

    static Shape SoftmaxLike(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        var s = inputs[0].Shape;
        if (s.Rank == 0) throw new ShapeError($"{display}: the input needs at least one dimension");
        NormalizeDim(attrs.Int("dim", -1), s.Rank, display);
        return s;
    }

    static Shape BroadcastTo(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        var target = ParseShape(attrs.Text("shape") ?? "");
        var result = BroadcastShapes(inputs[0].Shape, target, display);
        if (!result.Equals(target)) throw new ShapeError($"{display}: {inputs[0].Shape} cannot be broadcast to {target}");
        return target;
    }

    /// <summary>The reduced dimensions, sorted: attribute "dims" (or "dim"); none means all.</summary>
    public static int[] ReducedDims(Node x, Attrs attrs, string display)
    {
        var dims = attrs.Ints("dims") ?? (attrs.Has("dim") ? new[] { attrs.Int("dim") } : null);
        if (dims is null) return Enumerable.Range(0, x.Shape.Rank).ToArray();
        var set = new SortedSet<int>();
        foreach (int d in dims)
            if (!set.Add(NormalizeDim(d, x.Shape.Rank, display)))
                throw new ShapeError($"{display}: dimension {d} appears twice in [{Attrs.FormatInts(dims)}]");
        return set.ToArray();
    }

    static Shape Reduce(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        Arity(inputs, 1, display);
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

    static Shape MatMul(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        Arity(inputs, 2, display);
        Shape a = inputs[0].Shape, b = inputs[1].Shape;
        bool ta = attrs.Bool("transpose_a"), tb = attrs.Bool("transpose_b");
        if (attrs.Items.Count == 0 && (a.Rank == 1 || b.Rank == 1) && a.Rank >= 1 && b.Rank is 1 or 2)
        {
            // Vector operands (torch.matmul's promotion): checked here, decomposed into 2-D products.
            var ka1 = a[a.Rank - 1];
            var kb1 = b[0];
            if (!ka1.Equals(kb1)) throw new ShapeError($"{display}: {a} x {b}: inner dimensions {ka1} and {kb1} differ");
            return new Shape(a.Dims.Take(a.Rank - 1).Concat(b.Rank == 2 ? new[] { b[1] } : new Size[0]));
        }
        if (a.Rank < 2 || b.Rank != 2 || ((ta || tb) && a.Rank != 2))
            throw new ShapeError($"{display}: {a} x {b}: the compiler supports [..., m, k] x [k, n] (and 2-D transposed operands)");
        var m = ta ? a[a.Rank - 1] : a[a.Rank - 2];
        var ka = ta ? a[a.Rank - 2] : a[a.Rank - 1];
        var kb = tb ? b[1] : b[0];
        var n = tb ? b[0] : b[1];
        if (!ka.Equals(kb)) throw new ShapeError($"{display}: {a} x {b}: inner dimensions {ka} and {kb} differ");
        return new Shape(a.Dims.Take(a.Rank - 2).Concat(new[] { m, n }));
    }

    static Shape Linear(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        if (inputs.Count is < 2 or > 3) throw new ShapeError($"{display}: expected input, weight and an optional bias");
        Shape x = inputs[0].Shape, w = inputs[1].Shape;
        if (w.Rank != 2) throw new ShapeError($"{display}: weight must be 2-D [out, in], got {w}");
        if (x.Rank == 0) throw new ShapeError($"{display}: the input needs at least one dimension");
        if (!x[x.Rank - 1].Equals(w[1]))
            throw new ShapeError($"{display}: {x} x {w}ᵀ: input features {x[x.Rank - 1]} and weight's in-features {w[1]} differ");
        if (inputs.Count == 3)
        {
            var b = inputs[2].Shape;
            if (b.Rank != 1 || !b[0].Equals(w[0])) throw new ShapeError($"{display}: bias {b} does not match weight {w} (expected [{w[0]}])");
        }
        return new Shape(x.Dims.Take(x.Rank - 1).Concat(new[] { w[0] }));
    }

    static Shape Reshape(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        Arity(inputs, 1, display);
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
                throw new ShapeError($"{display}: {from} -> [{text}]: {from.Count} elements do not divide into the given sizes");
            dims[infer] = rest;
        }
        else if (!known.Equals(from.Count))
            throw new ShapeError($"{display}: {from} -> [{text}]: {from.Count} elements cannot take a shape of {known}");
        return new Shape(dims);
    }

    static Shape Flatten(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        Arity(inputs, 1, display);
        var s = inputs[0].Shape;
        if (s.Rank == 0) return Shape.Of(1);
        int start = NormalizeDim(attrs.Int("start_dim", 0), s.Rank, display);
        int end = NormalizeDim(attrs.Int("end_dim", -1), s.Rank, display);
        if (start > end) throw new ShapeError($"{display}: start_dim {start} is after end_dim {end} for {s}");
        return new Shape(s.Dims.Take(start).Append(s.CountOf(start, end + 1)).Concat(s.Dims.Skip(end + 1)));
    }

    static Shape Unsqueeze(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        var s = inputs[0].Shape;
        int d = NormalizeDim(attrs.Int("dim"), s.Rank + 1, display);
        return new Shape(s.Dims.Insert(d, Size.One));
    }

    static Shape Squeeze(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        var s = inputs[0].Shape;
        int d = NormalizeDim(attrs.Int("dim"), s.Rank, display);
        if (!s[d].IsOne) return s;
        return new Shape(s.Dims.RemoveAt(d));
    }

    static Shape Transpose(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        Arity(inputs, 1, display);
        var s = inputs[0].Shape;
        int d0 = NormalizeDim(attrs.Int("dim0"), s.Rank, display), d1 = NormalizeDim(attrs.Int("dim1"), s.Rank, display);
        var dims = s.Dims.ToArray();
        (dims[d0], dims[d1]) = (dims[d1], dims[d0]);
        return new Shape(dims);
    }

    static Shape Concat(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        if (inputs.Count == 0) throw new ShapeError($"{display}: needs at least one tensor");
        var first = inputs[0].Shape;
        int d = NormalizeDim(attrs.Int("dim", 0), first.Rank, display);
        var total = new List<Size>();
        foreach (var t in inputs)
        {
            var s = t.Shape;
            if (s.Rank != first.Rank || Enumerable.Range(0, s.Rank).Any(i => i != d && !s[i].Equals(first[i])))
                throw new ShapeError($"{display}: {first} and {s} differ outside dimension {d}");
            total.Add(s[d]);
        }
        var dims = first.Dims.ToArray();
        dims[d] = total.All(t => t.IsConstant) ? Size.Of(total.Sum(t => t.Constant)) : SumOfEqual(total, display);
        return new Shape(dims);
    }

    // Sizes are products, never sums; concatenating k equal symbolic sizes gives k*size.
    static Size SumOfEqual(List<Size> sizes, string display)
    {
        if (sizes.Any(s => !s.Equals(sizes[0]))) throw new ShapeError($"{display}: cannot concatenate symbolic sizes {string.Join(", ", sizes)}");
        return sizes[0].Times(Size.Of(sizes.Count));
    }

    static Shape Narrow(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        Arity(inputs, 1, display);
        var s = inputs[0].Shape;
        int d = NormalizeDim(attrs.Int("dim"), s.Rank, display);
        int start = attrs.Int("start"), length = attrs.Int("length");
        if (!s[d].IsConstant) throw new ShapeError($"{display}: dimension {d} of {s} is symbolic; narrow needs a constant size");
        if (start < 0 || length < 0 || start + length > s[d].Constant)
            throw new ShapeError($"{display}: [{start}, {start + length}) is outside dimension {d} of {s}");
        var dims = s.Dims.ToArray();
        dims[d] = Size.Of(length);
        return new Shape(dims);
    }

    static Shape NarrowBackward(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        var s = inputs[0].Shape;
        int d = NormalizeDim(attrs.Int("dim"), s.Rank, display);
        var dims = s.Dims.ToArray();
        dims[d] = Size.Of(attrs.Int("size"));
        return new Shape(dims);
    }

    static Shape CrossEntropy(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        Arity(inputs, 2, display);
        Shape logits = inputs[0].Shape, labels = inputs[1].Shape;
        if (inputs[1].Type != ElementType.Int) throw new ShapeError($"{display}: labels must be an IntTensor");
        if (logits.Rank != 2) throw new ShapeError($"{display}: logits must be [N, C], got {logits}");
        if (labels.Rank != 1 || !labels[0].Equals(logits[0]))
            throw new ShapeError($"{display}: logits {logits} and labels {labels}: expected labels of shape [{logits[0]}]");
        return Shape.Scalar;
    }

    /// <summary>A one- or two-value int attribute ("3" or "3,5") as (height, width).</summary>
    public static (int H, int W) Pair(Attrs attrs, string name, int fallback)
    {
        var values = attrs.Ints(name) ?? new[] { fallback };
        if (values.Length == 1) return (values[0], values[0]);
        if (values.Length == 2) return (values[0], values[1]);
        throw new ShapeError($"attribute '{name}' must have one or two values, got {values.Length}");
    }

    static long Spatial(Size size, string display, Shape shape)
    {
        if (!size.IsConstant) throw new ShapeError($"{display}: spatial dimensions of {shape} must be constants");
        return size.Constant;
    }

    static Shape Conv2d(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        if (inputs.Count is < 2 or > 3) throw new ShapeError($"{display}: expected input, weight and an optional bias");
        Shape x = inputs[0].Shape, w = inputs[1].Shape;
        if (x.Rank != 4) throw new ShapeError($"{display}: input must be [N, C, H, W], got {x}");
        if (w.Rank != 4) throw new ShapeError($"{display}: weight must be [Cout, Cin, KH, KW], got {w}");
        if (!x[1].Equals(w[1])) throw new ShapeError($"{display}: input {x} has {x[1]} channels but weight {w} expects {w[1]}");
        if (inputs.Count == 3 && (inputs[2].Shape.Rank != 1 || !inputs[2].Shape[0].Equals(w[0])))
            throw new ShapeError($"{display}: bias {inputs[2].Shape} does not match weight {w} (expected [{w[0]}])");
        var (sh, sw) = Pair(attrs, "stride", 1);
        var (ph, pw) = Pair(attrs, "padding", 0);
        long h = Spatial(x[2], display, x), wd = Spatial(x[3], display, x), kh = Spatial(w[2], display, w), kw = Spatial(w[3], display, w);
        long oh = (h + 2 * ph - kh) / sh + 1, ow = (wd + 2 * pw - kw) / sw + 1;
        if (sh <= 0 || sw <= 0 || ph < 0 || pw < 0 || h + 2 * ph < kh || wd + 2 * pw < kw)
            throw new ShapeError($"{display}: kernel {w[2]}x{w[3]} with stride {sh},{sw} and padding {ph},{pw} does not fit input {x}");
        return new Shape(new[] { x[0], w[0], Size.Of(oh), Size.Of(ow) });
    }

    static Shape Conv1d(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        Shape x = inputs[0].Shape, w = inputs[1].Shape;
        if (x.Rank != 3) throw new ShapeError($"{display}: input must be [N, C, L], got {x}");
        if (w.Rank != 3) throw new ShapeError($"{display}: weight must be [Cout, Cin, K], got {w}");
        if (!x[1].Equals(w[1])) throw new ShapeError($"{display}: input {x} has {x[1]} channels but weight {w} expects {w[1]}");
        int stride = attrs.Int("stride", 1), padding = attrs.Int("padding", 0);
        long l = Spatial(x[2], display, x), k = Spatial(w[2], display, w);
        if (stride <= 0 || padding < 0 || l + 2 * padding < k) throw new ShapeError($"{display}: kernel {k} with stride {stride} and padding {padding} does not fit input {x}");
        return new Shape(new[] { x[0], w[0], Size.Of((l + 2 * padding - k) / stride + 1) });
    }

    static Shape Pool2d(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        var x = inputs[0].Shape;
        if (x.Rank != 4) throw new ShapeError($"{display}: input must be [N, C, H, W], got {x}");
        var (kh, kw) = Pair(attrs, "kernel", 1);
        var (sh, sw) = attrs.Has("stride") ? Pair(attrs, "stride", 1) : (kh, kw);
        var (ph, pw) = Pair(attrs, "padding", 0);
        long h = Spatial(x[2], display, x), w = Spatial(x[3], display, x);
        if (kh <= 0 || kw <= 0 || sh <= 0 || sw <= 0 || ph < 0 || pw < 0 || h + 2 * ph < kh || w + 2 * pw < kw)
            throw new ShapeError($"{display}: kernel {kh}x{kw} with stride {sh},{sw} and padding {ph},{pw} does not fit input {x}");
        return new Shape(new[] { x[0], x[1], Size.Of((h + 2 * ph - kh) / sh + 1), Size.Of((w + 2 * pw - kw) / sw + 1) });
    }

    static Shape Pool1d(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        var x = inputs[0].Shape;
        if (x.Rank != 3) throw new ShapeError($"{display}: input must be [N, C, L], got {x}");
        int k = attrs.Int("kernel"), stride = attrs.Has("stride") ? attrs.Int("stride") : k, padding = attrs.Int("padding", 0);
        long l = Spatial(x[2], display, x);
        if (k <= 0 || stride <= 0 || padding < 0 || l + 2 * padding < k) throw new ShapeError($"{display}: kernel {k} with stride {stride} and padding {padding} does not fit input {x}");
        return new Shape(new[] { x[0], x[1], Size.Of((l + 2 * padding - k) / stride + 1) });
    }

    public static int[] NormalizedShape(Attrs attrs, string display) =>
        attrs.Ints("normalized_shape") is { Length: > 0 } dims ? dims : throw new ShapeError($"{display}: the normalized shape needs at least one dimension");

    static Shape LayerNorm(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        var x = inputs[0].Shape;
        var normalized = NormalizedShape(attrs, display);
        var text = "[" + Attrs.FormatInts(normalized) + "]";
        if (normalized.Length > x.Rank || Enumerable.Range(0, normalized.Length).Any(i => !x[x.Rank - normalized.Length + i].Equals(Size.Of(normalized[i]))))
            throw new ShapeError($"{display}: normalized shape {text} does not match the trailing dimensions of input {x}");
        foreach (var t in inputs.Skip(1))
            if (!t.Shape.Equals(Shape.Of(normalized.Select(d => (long)d).ToArray())))
                throw new ShapeError($"{display}: weight/bias {t.Shape} does not match the normalized shape {text}");
        return x;
    }

    static Shape BatchNorm(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        if (inputs.Count is < 6 or > 7 || inputs[5].Type != ElementType.Flag)
            throw new ShapeError($"{display}: expected input, running_mean, running_var, weight, bias, the Training flag and optionally num_batches_tracked");
        if (inputs.Count == 7 && !inputs[6].Shape.Count.IsOne)
            throw new ShapeError($"{display}: num_batches_tracked must be a scalar, got {inputs[6].Shape}");
        if (inputs.Count == 6 && IsCumulative(attrs))
            throw new ShapeError($"{display}: momentum=None (a cumulative average) needs num_batches_tracked");
        var x = inputs[0].Shape;
        if (x.Rank < 2) throw new ShapeError($"{display}: input must have at least 2 dimensions [N, C, ...], got {x}");
        string[] names = { "running_mean", "running_var", "weight", "bias" };
        for (int i = 1; i <= 4; i++)
            if (inputs[i].Shape.Rank != 1 || !inputs[i].Shape[0].Equals(x[1]))
                throw new ShapeError($"{display}: {names[i - 1]} {inputs[i].Shape} does not match the {x[1]} channels of input {x}");
        return x;
    }

    /// <summary>BatchNorm's momentum=None: running statistics are a cumulative average over the batches seen.</summary>
    public static bool IsCumulative(Attrs attrs) => string.Equals(attrs.Text("momentum"), "none", StringComparison.OrdinalIgnoreCase) || attrs.Text("momentum") == "";

    static Shape Embedding(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        Arity(inputs, 2, display);
        Shape indices = inputs[0].Shape, weight = inputs[1].Shape;
        if (inputs[0].Type != ElementType.Int) throw new ShapeError($"{display}: indices must be an IntTensor");
        if (weight.Rank != 2) throw new ShapeError($"{display}: weight must be [num_embeddings, dim], got {weight}");
        if (!weight[0].IsConstant) throw new ShapeError($"{display}: the table size of {weight} must be a constant");
        return new Shape(indices.Dims.Append(weight[1]));
    }

    static Shape MseLoss(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        Arity(inputs, 2, display);
        if (!inputs[0].Shape.Equals(inputs[1].Shape))
            throw new ShapeError($"{display}: input {inputs[0].Shape} and target {inputs[1].Shape} differ");
        return (attrs.Text("reduction") ?? "mean") == "none" ? inputs[0].Shape : Shape.Scalar;
    }
}
