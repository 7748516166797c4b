using System.Collections.Generic;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops.Definitions;

/// <summary>2-D convolution and pooling (library kernels) with their gradients; the 1-D forms run as 2-D ones over [N, C, 1, L].</summary>
internal static class Convolution
{
    public const string Conv2d = "conv2d";
    public const string Conv1d = "conv1d";
    public const string Conv2dBackwardInput = "conv2d_backward_input";
    public const string Conv2dBackwardWeight = "conv2d_backward_weight";
    public const string MaxPool2d = "max_pool2d";
    public const string AvgPool2d = "avg_pool2d";
    public const string MaxPool1d = "max_pool1d";
    public const string AvgPool1d = "avg_pool1d";
    public const string MaxPool2dBackward = "max_pool2d_backward";
    public const string AvgPool2dBackward = "avg_pool2d_backward";

    public static IEnumerable<OpDef> Definitions()
    {
        yield return new OpDef(Conv2d, OpClass.Library)
        {
            Shape = Conv2dShape,
            TakesEpilogue = true,
            Gradient = c => Conv2dGradients(c.B, c.Node, c.G),
        };
        yield return new OpDef(Conv2dBackwardInput, OpClass.Library)
        {
            TakesEpilogue = true,
            Shape = (inputs, attrs, display) => ShapeRules.ParseShape(attrs.Text("input_shape") ?? ""),
        };
        yield return new OpDef(Conv2dBackwardWeight, OpClass.Library)
        {
            CanAccumulate = true,
            Shape = (inputs, attrs, display) => ShapeRules.ParseShape(attrs.Text("weight_shape") ?? ""),
        };
        yield return new OpDef(Conv1d, OpClass.Composite)
        {
            Shape = Conv1dShape,
            Decompose = (b, inputs, attrs) =>
            {
                // A 1-D convolution is a 2-D one over [N, C, 1, L]; the reshapes are views.
                Node x = inputs[0], w = inputs[1];
                var x4 = b.Reshape(x, new Shape(new[] { x.Shape[0], x.Shape[1], Size.One, x.Shape[2] }));
                var w4 = b.Reshape(w, new Shape(new[] { w.Shape[0], w.Shape[1], Size.One, w.Shape[2] }));
                var conv = b.Create(Conv2d, inputs.Count == 3 ? new[] { x4, w4, inputs[2] } : new[] { x4, w4 },
                    Attrs.Of(("stride", "1," + attrs.Int("stride", 1)), ("padding", "0," + attrs.Int("padding", 0))));
                return b.Reshape(conv, ShapeRules.Infer(Conv1d, inputs, attrs));
            },
        };

        yield return new OpDef(MaxPool2d, OpClass.Library)
        {
            Shape = Pool2dShape,
            TakesEpilogue = true,
            Gradient = c => new[] { c.B.Create(MaxPool2dBackward, new[] { c.X, c.G }, c.Node.Attrs) },
        };
        yield return new OpDef(AvgPool2d, OpClass.Library)
        {
            Shape = Pool2dShape,
            TakesEpilogue = true,
            Gradient = c => new[] { c.B.Create(AvgPool2dBackward, new[] { c.G }, c.Node.Attrs.With("input_shape", ShapeRules.FormatShape(c.X.Shape))) },
        };
        yield return new OpDef(MaxPool2dBackward, OpClass.Library) { TakesEpilogue = true, Shape = (inputs, attrs, display) => inputs[0].Shape };
        yield return new OpDef(AvgPool2dBackward, OpClass.Library) { TakesEpilogue = true, Shape = (inputs, attrs, display) => ShapeRules.ParseShape(attrs.Text("input_shape") ?? "") };
        foreach (var (op, op2d) in new[] { (MaxPool1d, MaxPool2d), (AvgPool1d, AvgPool2d) })
            yield return new OpDef(op, OpClass.Composite) { Shape = Pool1dShape, Decompose = (b, inputs, attrs) => Pool1d(b, op, op2d, inputs, attrs) };
    }

    /// <summary>
    /// The gradients of conv2d's inputs (x, weight and an optional bias) from the gradient of its output: the input
    /// and weight gradient kernels, and the bias gradient as a sum over batch and positions.
    /// </summary>
    static Node?[] Conv2dGradients(GraphBuilder b, Node conv, Node gradOutput)
    {
        Node x = conv.Inputs[0], weight = conv.Inputs[1];
        var grads = new Node?[conv.Inputs.Length];
        grads[0] = Conv2dInputGradient(b, conv, gradOutput);
        grads[1] = b.Create(Conv2dBackwardWeight, new[] { x, gradOutput }, BackwardAttrs(conv).With("weight_shape", ShapeRules.FormatShape(weight.Shape)));
        if (grads.Length == 3) grads[2] = b.Sum(gradOutput, new[] { 0, 2, 3 }, keepDim: false);
        return grads;
    }

    /// <summary>The stride and padding of a convolution (conv2d, or a fused op over one): its backward kernels' attributes.</summary>
    internal static Attrs BackwardAttrs(Node conv) =>
        Attrs.Of(("stride", conv.Attrs.Text("stride") ?? "1"), ("padding", conv.Attrs.Text("padding") ?? "0"));

    /// <summary>The gradient of a convolution's input x (its input 0, weight its input 1) from the gradient of its full-size output.</summary>
    internal static Node Conv2dInputGradient(GraphBuilder b, Node conv, Node gradOutput) =>
        b.Create(Conv2dBackwardInput, new[] { gradOutput, conv.Inputs[1] }, BackwardAttrs(conv).With("input_shape", ShapeRules.FormatShape(conv.Inputs[0].Shape)));

    static Node Pool1d(GraphBuilder b, string op, string op2d, IReadOnlyList<Node> inputs, Attrs attrs)
    {
        var x = inputs[0];
        var x4 = b.Reshape(x, new Shape(new[] { x.Shape[0], x.Shape[1], Size.One, x.Shape[2] }));
        int k = attrs.Int("kernel");
        var pooled = b.Create(op2d, new[] { x4 }, Attrs.Of(("kernel", "1," + k), ("stride", "1," + (attrs.Has("stride") ? attrs.Int("stride") : k)),
            ("padding", "0," + attrs.Int("padding", 0))));
        return b.Reshape(pooled, ShapeRules.Infer(op, inputs, attrs));
    }

    /// <summary>(kernel, stride, padding) of a 2-D pooling op; the stride defaults to the kernel.</summary>
    public static ((int H, int W) Kernel, (int H, int W) Stride, (int H, int W) Padding) PoolWindow(Attrs attrs)
    {
        var kernel = ShapeRules.Pair(attrs, "kernel", 1);
        var stride = attrs.Has("stride") ? ShapeRules.Pair(attrs, "stride", 1) : kernel;
        return (kernel, stride, ShapeRules.Pair(attrs, "padding", 0));
    }

    internal static Shape Conv2dShape(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        if (inputs.Count is < 2 or > 3) throw new ShapeError($"{display}: expected input, weight and an optional bias");
        Shape x = inputs[0].Shape, w = inputs[1].Shape;
        if (x.Rank != 4) throw new ShapeError($"{display}: input must be [N, C, H, W], got {x}");
        if (w.Rank != 4) throw new ShapeError($"{display}: weight must be [Cout, Cin, KH, KW], got {w}");
        if (!ShapeRules.SameSize(x[1], w[1])) throw new ShapeError($"{display}: input {x} has {x[1]} channels but weight {w} expects {w[1]}");
        if (inputs.Count == 3 && (inputs[2].Shape.Rank != 1 || !ShapeRules.SameSize(inputs[2].Shape[0], w[0])))
            throw new ShapeError($"{display}: bias {inputs[2].Shape} does not match weight {w} (expected [{w[0]}])");
        var (sh, sw) = ShapeRules.Pair(attrs, "stride", 1);
        var (ph, pw) = ShapeRules.Pair(attrs, "padding", 0);
        long h = ShapeRules.Spatial(x[2], display, x), wd = ShapeRules.Spatial(x[3], display, x), kh = ShapeRules.Spatial(w[2], display, w), kw = ShapeRules.Spatial(w[3], display, w);
        long oh = (h + 2 * ph - kh) / sh + 1, ow = (wd + 2 * pw - kw) / sw + 1;
        if (sh <= 0 || sw <= 0 || ph < 0 || pw < 0 || h + 2 * ph < kh || wd + 2 * pw < kw)
            throw new ShapeError($"{display}: kernel {w[2]}x{w[3]} with stride {sh},{sw} and padding {ph},{pw} does not fit input {x}");
        return new Shape(new[] { x[0], w[0], Size.Of(oh), Size.Of(ow) });
    }

    static Shape Conv1dShape(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        Shape x = inputs[0].Shape, w = inputs[1].Shape;
        if (x.Rank != 3) throw new ShapeError($"{display}: input must be [N, C, L], got {x}");
        if (w.Rank != 3) throw new ShapeError($"{display}: weight must be [Cout, Cin, K], got {w}");
        if (!ShapeRules.SameSize(x[1], w[1])) throw new ShapeError($"{display}: input {x} has {x[1]} channels but weight {w} expects {w[1]}");
        int stride = attrs.Int("stride", 1), padding = attrs.Int("padding", 0);
        long l = ShapeRules.Spatial(x[2], display, x), k = ShapeRules.Spatial(w[2], display, w);
        if (stride <= 0 || padding < 0 || l + 2 * padding < k) throw new ShapeError($"{display}: kernel {k} with stride {stride} and padding {padding} does not fit input {x}");
        return new Shape(new[] { x[0], w[0], Size.Of((l + 2 * padding - k) / stride + 1) });
    }

    static Shape Pool2dShape(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        var x = inputs[0].Shape;
        if (x.Rank != 4) throw new ShapeError($"{display}: input must be [N, C, H, W], got {x}");
        var ((kh, kw), (sh, sw), (ph, pw)) = PoolWindow(attrs);
        long h = ShapeRules.Spatial(x[2], display, x), w = ShapeRules.Spatial(x[3], display, x);
        if (kh <= 0 || kw <= 0 || sh <= 0 || sw <= 0 || ph < 0 || pw < 0 || h + 2 * ph < kh || w + 2 * pw < kw)
            throw new ShapeError($"{display}: kernel {kh}x{kw} with stride {sh},{sw} and padding {ph},{pw} does not fit input {x}");
        return new Shape(new[] { x[0], x[1], Size.Of((h + 2 * ph - kh) / sh + 1), Size.Of((w + 2 * pw - kw) / sw + 1) });
    }

    static Shape Pool1dShape(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        var x = inputs[0].Shape;
        if (x.Rank != 3) throw new ShapeError($"{display}: input must be [N, C, L], got {x}");
        int k = attrs.Int("kernel"), stride = attrs.Has("stride") ? attrs.Int("stride") : k, padding = attrs.Int("padding", 0);
        long l = ShapeRules.Spatial(x[2], display, x);
        if (k <= 0 || stride <= 0 || padding < 0 || l + 2 * padding < k) throw new ShapeError($"{display}: kernel {k} with stride {stride} and padding {padding} does not fit input {x}");
        return new Shape(new[] { x[0], x[1], Size.Of((l + 2 * padding - k) / stride + 1) });
    }
}
