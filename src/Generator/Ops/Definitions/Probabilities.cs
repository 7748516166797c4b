using System;
using System.Collections.Generic;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops.Definitions;

/// <summary>
/// The normalised exponentials: softmax and log_softmax along a dimension, their shared backward op, and
/// cross-entropy (log-softmax plus the negative log-likelihood of integer labels, averaged over the batch),
/// whose backward runs in the same pass as its loss when both are needed.
/// </summary>
internal static class Probabilities
{
    public const string Softmax = "softmax";
    public const string LogSoftmax = "log_softmax";
    public const string SoftmaxBackward = "softmax_backward";
    public const string CrossEntropy = "cross_entropy";
    public const string CrossEntropyBackward = "cross_entropy_backward";

    public static IEnumerable<OpDef> Definitions()
    {
        foreach (var op in new[] { Softmax, LogSoftmax })
        {
            bool log = op == LogSoftmax;
            yield return new OpDef(op, OpClass.Library)
            {
                MinInputs = 1,
                MaxInputs = 1,
                Shape = (inputs, attrs, display) => Along(inputs[0].Shape, attrs, display),
                PreservesShape = true,
                TakesEpilogue = true,
                Evaluate = (it, n) =>
                {
                    var (outer, size, inner) = Interpreter.Split(it.Dims(n.Shape), n.Attrs.Int("dim", -1), "Softmax");
                    return Interpreter.NormalizedExponential(it.In(n, 0), outer, size, inner, log);
                },
                Gradient = log
                    ? c => new[] { c.B.Create(SoftmaxBackward, new[] { c.Y, c.G }, c.Node.Attrs.With("log", "true")) }
                    : c => new[] { c.B.Create(SoftmaxBackward, new[] { c.Y, c.G }, c.Node.Attrs) },
            };
        }

        yield return new OpDef(SoftmaxBackward, OpClass.Library)
        {
            MinInputs = 2,
            MaxInputs = 2,
            Shape = (inputs, attrs, display) => Along(inputs[1].Shape, attrs, display),
            TakesEpilogue = true,
            Evaluate = EvaluateBackward,
        };

        yield return new OpDef(CrossEntropy, OpClass.Library)
        {
            MinInputs = 2,
            MaxInputs = 2,
            AcceptsIntInput = i => i == 1,
            Shape = CrossEntropyShape,
            Evaluate = (it, n) => EvaluateCrossEntropy(it, n, backward: false),
            Gradient = c => new Node?[] { c.B.Create(CrossEntropyBackward, new[] { c.In(0), c.In(1), c.G }), null },
        };
        yield return new OpDef(CrossEntropyBackward, OpClass.Library)
        {
            MinInputs = 3,
            MaxInputs = 3,
            AcceptsIntInput = i => i == 1,
            Shape = (inputs, attrs, display) => inputs[0].Shape,
            Evaluate = (it, n) => EvaluateCrossEntropy(it, n, backward: true),
            // With a leaf upstream gradient (the loss's own seed), the loss and its gradient share each row's max and log-sum-exp.
            SharedPass = new SharedPass(CrossEntropy, SharedInputs: 2, LeafInput: 2),
        };
    }

    static Shape Along(Shape s, Attrs attrs, string display)
    {
        if (s.Rank == 0) throw new ShapeError($"{display}: the input needs at least one dimension");
        ShapeRules.NormalizeDim(attrs.Int("dim", -1), s.Rank, display);
        return s;
    }

    static Shape CrossEntropyShape(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        Shape logits = inputs[0].Shape, labels = inputs[1].Shape;
        if (inputs[1].Type != ElementType.Int) throw new ShapeError($"{display}: labels must be an IntTensor");
        if (logits.Rank != 2) throw new ShapeError($"{display}: logits must be [N, C], got {logits}");
        if (labels.Rank != 1 || !ShapeRules.SameSize(labels[0], logits[0]))
            throw new ShapeError($"{display}: logits {logits} and labels {labels}: expected labels of shape [{logits[0]}]");
        return Shape.Scalar;
    }

    static float[] EvaluateBackward(Interpreter it, Node n)
    {
        var (outer, size, inner) = Interpreter.Split(it.Dims(n.Shape), n.Attrs.Int("dim", -1), "Softmax");
        float[] y = it.In(n, 0), g = it.In(n, 1);
        var gx = new float[y.Length];
        bool log = n.Attrs.Bool("log");
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                double s = 0;
                for (int r = 0; r < size; r++) { int k = (o * size + r) * inner + i; s += log ? g[k] : g[k] * y[k]; }
                for (int r = 0; r < size; r++)
                {
                    int k = (o * size + r) * inner + i;
                    gx[k] = log ? (float)(g[k] - Math.Exp(y[k]) * s) : (float)(y[k] * (g[k] - s));
                }
            }
        return gx;
    }

    static float[] EvaluateCrossEntropy(Interpreter it, Node n, bool backward)
    {
        var dims = it.Dims(n.Inputs[0].Shape);
        int rows = dims[0], classes = dims[1];
        var logProbs = Interpreter.NormalizedExponential(it.In(n, 0), rows, classes, 1, log: true);
        var labels = it.In(n, 1);
        if (!backward)
        {
            double total = 0;
            for (int r = 0; r < rows; r++) total -= logProbs[r * classes + (int)labels[r]];
            return new[] { (float)(total / rows) };
        }
        float g = it.In(n, 2)[0];
        var grad = new float[logProbs.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < classes; c++)
                grad[r * classes + c] = (float)((Math.Exp(logProbs[r * classes + c]) - (c == (int)labels[r] ? 1 : 0)) * g / rows);
        return grad;
    }
}
