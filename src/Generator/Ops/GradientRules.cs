using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops;

/// <summary>What a vector-Jacobian product sees: the node, its output gradient and the builder for new nodes.</summary>
internal readonly struct VjpContext
{
    public VjpContext(GraphBuilder builder, Node node, Node gradient)
    {
        B = builder;
        Node = node;
        G = gradient;
    }

    public GraphBuilder B { get; }
    public Node Node { get; }
    public Node G { get; }
    public Node X => Node.Inputs[0];
    public Node Y => Node;
    public Node In(int i) => Node.Inputs[i];
}

/// <summary>Gradient of each input (null: none flows, e.g. labels) built from other graph ops.</summary>
internal delegate Node?[] VjpRule(VjpContext c);

/// <summary>
/// Reverse-mode rules, one per primitive op. Each returns the gradients of the op's inputs as new graph nodes,
/// already summed back over broadcast dimensions, so autodiff only has to add contributions.
/// </summary>
internal static class GradientRules
{
    static readonly Dictionary<string, VjpRule> Rules = new()
    {
        ["add"] = c => new[] { c.B.SumTo(c.G, c.In(0).Shape), c.B.SumTo(c.G, c.In(1).Shape) },
        ["sub"] = c => new[] { c.B.SumTo(c.G, c.In(0).Shape), c.B.SumTo(c.B.Neg(c.G), c.In(1).Shape) },
        ["mul"] = c => new[] { c.B.SumTo(c.B.Mul(c.G, c.In(1)), c.In(0).Shape), c.B.SumTo(c.B.Mul(c.G, c.In(0)), c.In(1).Shape) },
        ["div"] = c => new[]
        {
            c.B.SumTo(c.B.Div(c.G, c.In(1)), c.In(0).Shape),
            c.B.SumTo(c.B.Neg(c.B.Div(c.B.Mul(c.G, c.Y), c.In(1))), c.In(1).Shape),
        },
        ["neg"] = c => new[] { c.B.Neg(c.G) },
        ["exp"] = c => new[] { c.B.Mul(c.G, c.Y) },
        ["log"] = c => new[] { c.B.Div(c.G, c.X) },
        ["square"] = c => new[] { c.B.Mul(c.G, c.B.Mul(c.X, 2f)) },
        ["sqrt"] = c => new[] { c.B.Div(c.G, c.B.Mul(c.Y, 2f)) },
        ["abs"] = c => new[] { c.B.Mul(c.G, c.B.Unary(OpNames.Sign, c.X)) },
        ["sigmoid"] = c => new[] { c.B.Mul(c.G, c.B.Mul(c.Y, c.B.Sub(c.B.Constant(1f), c.Y))) },
        ["tanh"] = c => new[] { c.B.Mul(c.G, c.B.Sub(c.B.Constant(1f), c.B.Unary("square", c.Y))) },
        // The mask is read from the output, so the pre-activation need not be kept for the backward pass.
        ["relu"] = c => new[] { c.B.Binary(OpNames.ReluBackward, c.G, c.Y) },
        ["pow"] = c =>
        {
            float e = c.Node.Attrs.Float("exponent");
            var power = c.B.Create("pow", new[] { c.X }, Attrs.Of(("exponent", Attrs.FormatFloat(e - 1f))));
            return new[] { c.B.Mul(c.G, c.B.Mul(power, e)) };
        },
        ["clamp"] = c => new[] { c.B.Create(OpNames.ClampBackward, new[] { c.G, c.X }, c.Node.Attrs) },
        [OpNames.Copy] = c => new[] { c.G },
        // A mask: not differentiable, so no gradient flows through it (as on the eager tape).
        ["greater_than"] = c => new Node?[] { null },
        ["max"] = c => new[] { c.B.Create(OpNames.MaxBackward, new[] { c.X, c.B.Reshape(c.G, KeptShape(c.X.Shape, c.Node.Attrs)) }, c.Node.Attrs.With("keep_dim", "true")) },
        [OpNames.Select] = c =>
        {
            var zero = c.B.Constant(0f);
            return new Node?[]
            {
                null,
                c.B.SumTo(c.B.Create(OpNames.Select, new[] { c.In(0), c.G, zero }), c.In(1).Shape),
                c.B.SumTo(c.B.Create(OpNames.Select, new[] { c.In(0), zero, c.G }), c.In(2).Shape),
            };
        },
        [OpNames.BroadcastTo] = c => new[] { c.B.SumTo(c.G, c.X.Shape) },
        ["reshape"] = c => new[] { c.B.Reshape(c.G, c.X.Shape) },

        ["sum"] = c => new[] { ExpandReduced(c) },
        ["mean"] = c => new[] { c.B.Mul(ExpandReduced(c), c.B.InvCount(ReducedCount(c.Node))) },

        ["matmul"] = MatMul,

        ["softmax"] = c => new[] { c.B.Create(OpNames.SoftmaxBackward, new[] { c.Y, c.G }, c.Node.Attrs) },
        ["log_softmax"] = c => new[] { c.B.Create(OpNames.SoftmaxBackward, new[] { c.Y, c.G }, c.Node.Attrs.With("log", "true")) },
        ["cross_entropy"] = c => new Node?[] { c.B.Create(OpNames.CrossEntropyBackward, new[] { c.In(0), c.In(1), c.G }), null },

        ["conv2d"] = c =>
        {
            var attrs = Attrs.Of(("stride", c.Node.Attrs.Text("stride") ?? "1"), ("padding", c.Node.Attrs.Text("padding") ?? "0"));
            var grads = new Node?[c.Node.Inputs.Length];
            grads[0] = c.B.Create(OpNames.Conv2dBackwardInput, new[] { c.G, c.In(1) }, attrs.With("input_shape", ShapeRules.FormatShape(c.X.Shape)));
            grads[1] = c.B.Create(OpNames.Conv2dBackwardWeight, new[] { c.X, c.G }, attrs.With("weight_shape", ShapeRules.FormatShape(c.In(1).Shape)));
            if (grads.Length == 3) grads[2] = c.B.Sum(c.G, new[] { 0, 2, 3 }, keepDim: false);
            return grads;
        },
        ["max_pool2d"] = c => new[] { c.B.Create(OpNames.MaxPool2dBackward, new[] { c.X, c.G }, c.Node.Attrs) },
        ["avg_pool2d"] = c => new[] { c.B.Create(OpNames.AvgPool2dBackward, new[] { c.G }, c.Node.Attrs.With("input_shape", ShapeRules.FormatShape(c.X.Shape))) },
        ["embedding"] = c => new Node?[]
        {
            null,
            c.B.Create(OpNames.EmbeddingBackward, new[] { c.G, c.In(0) },
                Attrs.Of(("rows", c.In(1).Shape[0].ToString()), ("padding_idx", c.Node.Attrs.Text("padding_idx") ?? "-1"))),
        },
        [OpNames.DropoutMask] = c => new Node?[c.Node.Inputs.Length],
        ["transpose"] = c => new[] { c.B.Create("transpose", new[] { c.G }, c.Node.Attrs) },
        ["narrow"] = c => new[]
        {
            c.B.Create(OpNames.NarrowBackward, new[] { c.G },
                c.Node.Attrs.With("size", c.X.Shape[ShapeRules.NormalizeDim(c.Node.Attrs.Int("dim"), c.X.Shape.Rank, "Narrow")].ToString())),
        },
        ["concat"] = c =>
        {
            int d = ShapeRules.NormalizeDim(c.Node.Attrs.Int("dim", 0), c.Y.Shape.Rank, "Concat");
            var result = new Node?[c.Node.Inputs.Length];
            long start = 0;
            for (int i = 0; i < result.Length; i++)
            {
                long length = c.In(i).Shape[d].Constant;
                result[i] = c.B.Create("narrow", new[] { c.G }, Attrs.Of(("dim", Attrs.FormatInt(d)), ("start", Attrs.FormatInt(start)), ("length", Attrs.FormatInt(length))));
                start += length;
            }
            return result;
        },
    };

    public static bool TryGet(string op, out VjpRule rule) => Rules.TryGetValue(op, out rule!);

    /// <summary>The output gradient broadcast back over the reduced dimensions.</summary>
    static Node ExpandReduced(VjpContext c)
    {
        var x = c.X;
        var dims = ShapeRules.ReducedDims(x, c.Node.Attrs, "Sum");
        var keep = new Shape(Enumerable.Range(0, x.Shape.Rank).Select(i => dims.Contains(i) ? Size.One : x.Shape[i]));
        // A constant seed broadcasts as it is; reshaping it first would hide it from the simplifier.
        return c.B.BroadcastTo(c.G.IsConstant ? c.G : c.B.Reshape(c.G, keep), x.Shape);
    }

    static Shape KeptShape(Shape x, Attrs attrs)
    {
        int d = ShapeRules.NormalizeDim(attrs.Int("dim"), x.Rank, "Max");
        return new Shape(x.Dims.SetItem(d, Size.One));
    }

    public static Size ReducedCount(Node reduction)
    {
        var x = reduction.Inputs[0];
        var dims = ShapeRules.ReducedDims(x, reduction.Attrs, "Mean");
        return Size.Product(dims.Select(d => x.Shape[d]));
    }

    static Node?[] MatMul(VjpContext c)
    {
        var b = c.B;
        Node a = c.In(0), w = c.In(1), g = c.G;
        bool ta = c.Node.Attrs.Bool("transpose_a"), tb = c.Node.Attrs.Bool("transpose_b");
        if (a.Shape.Rank > 2)
        {
            // [..., m, k] x [k, n] is one GEMM over all leading rows; differentiate that 2-D product.
            var rows = a.Shape.CountOf(0, a.Shape.Rank - 1);
            var a2 = b.Reshape(a, new Shape(new[] { rows, a.Shape[a.Shape.Rank - 1] }));
            var g2 = b.Reshape(g, new Shape(new[] { rows, g.Shape[g.Shape.Rank - 1] }));
            return new[] { b.Reshape(b.MatMul(g2, w, false, !tb), a.Shape), tb ? b.MatMul(g2, a2, true, false) : b.MatMul(a2, g2, true, false) };
        }
        return (ta, tb) switch
        {
            (false, false) => new[] { b.MatMul(g, w, false, true), b.MatMul(a, g, true, false) },
            (false, true) => new[] { b.MatMul(g, w, false, false), b.MatMul(g, a, true, false) },
            (true, false) => new[] { b.MatMul(w, g, false, true), b.MatMul(a, g, false, false) },
            _ => new[] { b.MatMul(w, g, true, true), b.MatMul(g, a, true, true) },
        };
    }
}
