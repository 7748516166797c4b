using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops.Definitions;

/// <summary>
/// Layer and batch normalisation and dropout: spec ops that decompose into primitives (fused loops), with the
/// Training flag selecting behaviour at call time and BatchNorm's running statistics updated in place.
/// </summary>
internal static class Normalization
{
    public const string LayerNorm = "layer_norm";
    public const string BatchNorm = "batch_norm";
    public const string Dropout = "dropout";
    /// <summary>The inverted-dropout mask (1/(1−p) or 0 per element), drawn at call time when the Training flag is set, else all ones.</summary>
    public const string DropoutMask = "dropout_mask";

    public static IEnumerable<OpDef> Definitions()
    {
        yield return new OpDef(LayerNorm, OpClass.Composite) { Shape = LayerNormShape, Decompose = LayerNormOf, PreservesShape = true };
        yield return new OpDef(BatchNorm, OpClass.Composite) { Shape = BatchNormShape, Decompose = BatchNormOf, PreservesShape = true };
        yield return new OpDef(Dropout, OpClass.Composite)
        {
            PreservesShape = true,
            Shape = (inputs, attrs, display) =>
            {
                if (inputs.Count < 2 || inputs[1].Type != ElementType.Flag) throw new ShapeError($"{display}: expected the input and the module's Training flag");
                float p = attrs.Float("p", 0.5f);
                if (!(p >= 0f && p <= 1f)) throw new ShapeError($"{display}: probability p must be in [0, 1], got {Attrs.FormatFloat(p)}");
                return inputs[0].Shape;
            },
            Decompose = (b, inputs, attrs) =>
            {
                // Each dropout site draws its own mask, so the site (this node's id) is part of the mask's identity.
                var maskAttrs = Attrs.Of(("p", Attrs.FormatFloat(attrs.Float("p", 0.5f))), ("shape", ShapeRules.FormatShape(inputs[0].Shape)),
                    ("site", Attrs.FormatInt(b.NodeCount)));
                var mask = b.Create(DropoutMask, inputs.Skip(1).ToArray(), maskAttrs);
                return b.Mul(inputs[0], mask);
            },
        };
        yield return new OpDef(DropoutMask, OpClass.Library) { Shape = ShapeRules.FromAttr, Gradient = Pointwise.NoGradient };
    }

    public static int[] NormalizedShape(Attrs attrs, string display) =>
        attrs.Ints("normalized_shape") is { Length: > 0 } dims ? dims : throw new ShapeError($"{display}: the normalized shape needs at least one dimension");

    /// <summary>BatchNorm's momentum=None: running statistics are a cumulative average over the batches seen.</summary>
    public static bool IsCumulative(Attrs attrs) => string.Equals(attrs.Text("momentum"), "none", StringComparison.OrdinalIgnoreCase) || attrs.Text("momentum") == "";

    static Shape LayerNormShape(IReadOnlyList<Node> inputs, Attrs attrs, string display)
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

    static Shape BatchNormShape(IReadOnlyList<Node> inputs, Attrs attrs, string display)
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
            if (inputs[i].Shape.Rank != 1 || !ShapeRules.SameSize(inputs[i].Shape[0], x[1]))
                throw new ShapeError($"{display}: {names[i - 1]} {inputs[i].Shape} does not match the {x[1]} channels of input {x}");
        return x;
    }

    /// <summary>(x − mean) / sqrt(var + eps) · weight + bias over the trailing normalized dimensions, from primitives.</summary>
    static Node LayerNormOf(GraphBuilder b, IReadOnlyList<Node> inputs, Attrs attrs)
    {
        var x = inputs[0];
        int k = NormalizedShape(attrs, "LayerNorm").Length;
        var dims = Enumerable.Range(x.Shape.Rank - k, k).ToArray();
        var mean = b.Sum(x, dims, keepDim: true, mean: true);
        var centered = b.Sub(x, mean);
        var variance = b.Sum(b.Unary(OpNames.Square, centered), dims, keepDim: true, mean: true);
        var std = b.Unary(OpNames.Sqrt, b.Add(variance, b.Constant(attrs.Float("eps", 1e-5f))));
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
    static Node BatchNormOf(GraphBuilder b, IReadOnlyList<Node> inputs, Attrs attrs)
    {
        Node x = inputs[0], weight = inputs[3], bias = inputs[4], training = inputs[5];
        // The buffers as the module left them: a second call of the same module reads its first call's updates.
        Node meanBuffer = inputs[1], varBuffer = inputs[2], runningMean = b.Current(meanBuffer), runningVar = b.Current(varBuffer);
        float eps = attrs.Float("eps", 1e-5f);
        var batchesBuffer = inputs.Count > 6 ? inputs[6] : null;
        var batchesTracked = batchesBuffer is null ? null : b.Current(batchesBuffer);
        var dims = new[] { 0 }.Concat(Enumerable.Range(2, x.Shape.Rank - 2)).ToArray();
        var channelShape = new Shape(x.Shape.Dims.Select((d, i) => i == 1 ? d : Size.One));
        Node PerChannel(Node v) => b.Reshape(v, channelShape);
        Node Normalise(Node centered, Node variance) => b.Div(centered, b.Unary(OpNames.Sqrt, b.Add(variance, b.Constant(eps))));

        var mean = b.Sum(x, dims, keepDim: true, mean: true);
        var centered = b.Sub(x, mean);
        var variance = b.Sum(b.Unary(OpNames.Square, centered), dims, keepDim: true, mean: true);
        var trained = Normalise(centered, variance);
        var evaluated = Normalise(b.Sub(x, PerChannel(runningMean)), PerChannel(runningVar));
        var y = b.Add(b.Mul(b.Create(OpNames.Select, new[] { training, trained, evaluated }), PerChannel(weight)), PerChannel(bias));

        var count = Size.Product(dims.Select(d => x.Shape[d]));
        var unbias = count.IsConstant ? b.Constant((float)count.Constant / (count.Constant - 1)) : b.Create(OpNames.UnbiasFactor, new Node[0], Attrs.Of(("count", count.ToString())));
        var channels = new Shape(new[] { x.Shape[1] });
        // The running-average factor: the momentum, or 1 / (batches seen, this one included) for momentum=None.
        var batches = batchesTracked is null ? null : b.Add(batchesTracked, b.Constant(1f));
        Node factor = IsCumulative(attrs) ? b.Div(b.Constant(1f), b.Reshape(batches!, Shape.Scalar)) : b.Constant(attrs.Float("momentum", 0.1f));
        var keep = b.Sub(b.Constant(1f), factor);
        var newMean = b.Add(b.Mul(runningMean, keep), b.Mul(b.Reshape(mean, channels), factor));
        var newVar = b.Add(b.Mul(runningVar, keep), b.Mul(b.Mul(b.Reshape(variance, channels), unbias), factor));
        if (batchesTracked is not null) b.AddUpdate(batchesBuffer!, b.Create(OpNames.Select, new[] { training, batches!, batchesTracked }));
        b.AddUpdate(meanBuffer, b.Create(OpNames.Select, new[] { training, newMean, runningMean }));
        b.AddUpdate(varBuffer, b.Create(OpNames.Select, new[] { training, newVar, runningVar }));
        return y;
    }
}
