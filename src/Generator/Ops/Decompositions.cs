using System;
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
        ["dot"] = (b, inputs, attrs) => b.Sum(b.Mul(inputs[0], inputs[1]), new[] { 0 }, keepDim: false),
        ["matmul"] = (b, inputs, attrs) =>
        {
            Node x = inputs[0], y = inputs[1];
            if (attrs.Items.Count > 0 || (x.Shape.Rank >= 2 && y.Shape.Rank == 2)) return b.Create("matmul", inputs, attrs);
            // Vectors are promoted to matrices and the added dimension removed afterwards, as torch.matmul does.
            var x2 = x.Shape.Rank == 1 ? b.Reshape(x, new Shape(new[] { Size.One, x.Shape[0] })) : x;
            var y2 = y.Shape.Rank == 1 ? b.Reshape(y, new Shape(new[] { y.Shape[0], Size.One })) : y;
            return b.Reshape(b.Create("matmul", new[] { x2, y2 }), ShapeRules.Infer("matmul", inputs, attrs));
        },
        ["select"] = (b, inputs, attrs) =>
        {
            var s = inputs[0].Shape;
            int d = ShapeRules.NormalizeDim(attrs.Int("dim"), s.Rank, "Select");
            int index = attrs.Int("index");
            if (index < 0) index += (int)s[d].Constant;
            var one = b.Create("narrow", new[] { inputs[0] }, Attrs.Of(("dim", Attrs.FormatInt(d)), ("start", Attrs.FormatInt(index)), ("length", "1")));
            return b.Reshape(one, ShapeRules.Infer("select", inputs, attrs));
        },
        ["chunk"] = (b, inputs, attrs) =>
        {
            var s = inputs[0].Shape;
            int d = ShapeRules.NormalizeDim(attrs.Int("dim", 0), s.Rank, "Chunk");
            long step = (s[d].Constant + attrs.Int("chunks") - 1) / attrs.Int("chunks");
            var shape = ShapeRules.Infer("chunk", inputs, attrs);
            return b.Create("narrow", new[] { inputs[0] }, Attrs.Of(("dim", Attrs.FormatInt(d)), ("start", Attrs.FormatInt(step * attrs.Int("index"))), ("length", shape[d].ToString())));
        },
        ["stack"] = (b, inputs, attrs) =>
        {
            int d = ShapeRules.NormalizeDim(attrs.Int("dim", 0), inputs[0].Shape.Rank + 1, "Stack");
            var expanded = inputs.Select(t => b.Reshape(t, new Shape(t.Shape.Dims.Insert(d, Size.One)))).ToArray();
            return expanded.Length == 1 ? expanded[0] : b.Create("concat", expanded, Attrs.Of(("dim", Attrs.FormatInt(d))));
        },
        ["permute"] = (b, inputs, attrs) =>
        {
            // A permutation as a sequence of axis swaps, each one transpose kernel (and none for the identity).
            var x = inputs[0];
            var perm = attrs.Ints("perm")!.Select(p => ShapeRules.NormalizeDim(p, x.Shape.Rank, "Permute")).ToArray();
            var current = Enumerable.Range(0, perm.Length).ToArray();
            for (int i = 0; i < perm.Length; i++)
            {
                int j = Array.IndexOf(current, perm[i]);
                if (j == i) continue;
                x = b.Create("transpose", new[] { x }, Attrs.Of(("dim0", Attrs.FormatInt(i)), ("dim1", Attrs.FormatInt(j))));
                (current[i], current[j]) = (current[j], current[i]);
            }
            return x;
        },
        ["batch_norm"] = BatchNorm,
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

    /// <summary>
    /// Both modes, selected by the Training flag at call time: batch statistics (biased variance) in training, the
    /// running statistics in evaluation. In training the running buffers are updated in place (unbiased variance),
    /// as program side effects that run after every kernel that reads them.
    /// </summary>
    static Node BatchNorm(GraphBuilder b, IReadOnlyList<Node> inputs, Attrs attrs)
    {
        Node x = inputs[0], runningMean = inputs[1], runningVar = inputs[2], weight = inputs[3], bias = inputs[4], training = inputs[5];
        float eps = attrs.Float("eps", 1e-5f);
        var batchesTracked = inputs.Count > 6 ? inputs[6] : null;
        var dims = new[] { 0 }.Concat(Enumerable.Range(2, x.Shape.Rank - 2)).ToArray();
        var channelShape = new Shape(x.Shape.Dims.Select((d, i) => i == 1 ? d : Size.One));
        Node PerChannel(Node v) => b.Reshape(v, channelShape);
        Node Normalise(Node centered, Node variance) => b.Div(centered, b.Unary("sqrt", b.Add(variance, b.Constant(eps))));

        var mean = b.Sum(x, dims, keepDim: true, mean: true);
        var centered = b.Sub(x, mean);
        var variance = b.Sum(b.Unary("square", centered), dims, keepDim: true, mean: true);
        var trained = Normalise(centered, variance);
        var evaluated = Normalise(b.Sub(x, PerChannel(runningMean)), PerChannel(runningVar));
        var y = b.Add(b.Mul(b.Create(OpNames.Select, new[] { training, trained, evaluated }), PerChannel(weight)), PerChannel(bias));

        var count = Size.Product(dims.Select(d => x.Shape[d]));
        var unbias = count.IsConstant ? b.Constant((float)count.Constant / (count.Constant - 1)) : b.Create(OpNames.UnbiasFactor, new Node[0], Attrs.Of(("count", count.ToString())));
        var channels = new Shape(new[] { x.Shape[1] });
        // The running-average factor: the momentum, or 1 / (batches seen, this one included) for momentum=None.
        var batches = batchesTracked is null ? null : b.Add(batchesTracked, b.Constant(1f));
        Node factor = ShapeRules.IsCumulative(attrs) ? b.Div(b.Constant(1f), b.Reshape(batches!, Shape.Scalar)) : b.Constant(attrs.Float("momentum", 0.1f));
        var keep = b.Sub(b.Constant(1f), factor);
        var newMean = b.Add(b.Mul(runningMean, keep), b.Mul(b.Reshape(mean, channels), factor));
        var newVar = b.Add(b.Mul(runningVar, keep), b.Mul(b.Mul(b.Reshape(variance, channels), unbias), factor));
        if (batchesTracked is not null) b.AddUpdate(batchesTracked, b.Create(OpNames.Select, new[] { training, batches!, batchesTracked }));
        b.AddUpdate(runningMean, b.Create(OpNames.Select, new[] { training, newMean, runningMean }));
        b.AddUpdate(runningVar, b.Create(OpNames.Select, new[] { training, newVar, runningVar }));
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
