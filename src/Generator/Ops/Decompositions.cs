using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops;

internal delegate Node Decomposition(GraphBuilder b, IReadOnlyList<Node> inputs, Attrs attrs);

/// <summary>
/// Spec ops that are compositions of primitives. Decomposing them means autodiff and fusion see only primitives:
/// linear becomes a GEMM whose bias add fuses as its epilogue, mse_loss a reduction that absorbs the subtraction.
/// </summary>
internal static class Decompositions
{
    static readonly Dictionary<string, Decomposition> Table = new()
    {
        ["linear"] = (b, inputs, attrs) =>
        {
            var y = b.MatMul(inputs[0], inputs[1], transposeB: true);
            return inputs.Count == 3 ? b.Add(y, inputs[2]) : y;
        },
        ["mse_loss"] = (b, inputs, attrs) =>
        {
            var squared = b.Unary("square", b.Sub(inputs[0], inputs[1]));
            return (attrs.Text("reduction") ?? "mean") switch
            {
                "sum" => b.Create("sum", new[] { squared }),
                "none" => squared,
                _ => b.Create("mean", new[] { squared }),
            };
        },
        ["flatten"] = (b, inputs, attrs) => b.Reshape(inputs[0], ShapeRules.Infer("flatten", inputs, attrs)),
        ["unsqueeze"] = (b, inputs, attrs) => b.Reshape(inputs[0], ShapeRules.Infer("unsqueeze", inputs, attrs)),
        ["squeeze"] = (b, inputs, attrs) => b.Reshape(inputs[0], ShapeRules.Infer("squeeze", inputs, attrs)),
        ["reshape"] = (b, inputs, attrs) => b.Reshape(inputs[0], ShapeRules.Infer("reshape", inputs, attrs)),
        ["sum"] = (b, inputs, attrs) => b.Sum(inputs[0], ShapeRules.ReducedDims(inputs[0], attrs, "Sum"), attrs.Bool("keep_dim")),
        ["mean"] = (b, inputs, attrs) => b.Sum(inputs[0], ShapeRules.ReducedDims(inputs[0], attrs, "Mean"), attrs.Bool("keep_dim"), mean: true),
        ["conv1d"] = (b, inputs, attrs) =>
        {
            // A 1-D convolution is a 2-D one over [N, C, 1, L]; the reshapes are views.
            Node x = inputs[0], w = inputs[1];
            var x4 = b.Reshape(x, new Shape(new[] { x.Shape[0], x.Shape[1], Size.One, x.Shape[2] }));
            var w4 = b.Reshape(w, new Shape(new[] { w.Shape[0], w.Shape[1], Size.One, w.Shape[2] }));
            var conv = b.Create("conv2d", inputs.Count == 3 ? new[] { x4, w4, inputs[2] } : new[] { x4, w4 },
                Attrs.Of(("stride", "1," + attrs.Int("stride", 1)), ("padding", "0," + attrs.Int("padding", 0))));
            return b.Reshape(conv, ShapeRules.Infer("conv1d", inputs, attrs));
        },
        ["max_pool1d"] = (b, inputs, attrs) => Pool1d(b, "max_pool2d", inputs, attrs),
        ["avg_pool1d"] = (b, inputs, attrs) => Pool1d(b, "avg_pool2d", inputs, attrs),
        ["layer_norm"] = LayerNorm,
        ["dropout"] = (b, inputs, attrs) =>
        {
            // Each dropout site draws its own mask, so the site (this node's id) is part of the mask's identity.
            var maskAttrs = Attrs.Of(("p", Attrs.FormatFloat(attrs.Float("p", 0.5f))), ("shape", ShapeRules.FormatShape(inputs[0].Shape)),
                ("site", Attrs.FormatInt(b.NodeCount)));
            var mask = b.Create(OpNames.DropoutMask, inputs.Skip(1).ToArray(), maskAttrs);
            return b.Mul(inputs[0], mask);
        },
        ["concat"] = (b, inputs, attrs) => inputs.Count == 1 ? inputs[0] : b.Create("concat", inputs, attrs),
    };

    static Node Pool1d(GraphBuilder b, string op2d, IReadOnlyList<Node> inputs, Attrs attrs)
    {
        var x = inputs[0];
        var x4 = b.Reshape(x, new Shape(new[] { x.Shape[0], x.Shape[1], Size.One, x.Shape[2] }));
        int k = attrs.Int("kernel");
        var pooled = b.Create(op2d, new[] { x4 }, Attrs.Of(("kernel", "1," + k), ("stride", "1," + (attrs.Has("stride") ? attrs.Int("stride") : k)),
            ("padding", "0," + attrs.Int("padding", 0))));
        return b.Reshape(pooled, ShapeRules.Infer(op2d.Replace("2d", "1d"), inputs, attrs));
    }

    /// <summary>(x − mean) / sqrt(var + eps) · weight + bias over the trailing normalized dimensions, from primitives.</summary>
    static Node LayerNorm(GraphBuilder b, IReadOnlyList<Node> inputs, Attrs attrs)
    {
        var x = inputs[0];
        int k = ShapeRules.NormalizedShape(attrs, "LayerNorm").Length;
        var dims = Enumerable.Range(x.Shape.Rank - k, k).ToArray();
        var mean = b.Sum(x, dims, keepDim: true, mean: true);
        var centered = b.Sub(x, mean);
        var variance = b.Sum(b.Unary("square", centered), dims, keepDim: true, mean: true);
        var std = b.Unary("sqrt", b.Add(variance, b.Constant(attrs.Float("eps", 1e-5f))));
        var y = b.Div(centered, std);
        if (inputs.Count > 1) y = b.Mul(y, inputs[1]);
        if (inputs.Count > 2) y = b.Add(y, inputs[2]);
        return y;
    }

    public static bool TryDecompose(GraphBuilder b, string op, IReadOnlyList<Node> inputs, Attrs attrs, out Node result)
    {
        if (Table.TryGetValue(op, out var rule))
        {
            result = rule(b, inputs, attrs);
            return true;
        }
        result = null!;
        return false;
    }
}
