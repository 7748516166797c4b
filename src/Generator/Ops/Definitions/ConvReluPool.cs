using System;
using System.Collections.Generic;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops.Definitions;

/// <summary>
/// conv2d (+ bias) → ReLU → 2×2 max-pool at stride 2 as one op, which <see cref="Passes.ConvReluPoolFusion"/> puts in
/// place of the three: since max(relu(a), relu(b)) = relu(max(a, b)), the kernel pools each window of the convolution
/// while it is still in registers/cache and applies the ReLU to the maximum, so the full-size convolution and ReLU
/// outputs are never written. The backward needs only which of the 4 window positions won (the argmax op, computed by
/// the same kernel in the same pass) and the pooled value (its ReLU mask): the weight gradient kernel scatters each
/// image's pooled gradient to the winning positions in its own working rows, the bias gradient is a masked sum of
/// the pooled gradient, and only the input gradient (none for a first layer on data) needs the scatter written out.
/// </summary>
internal static class ConvReluPool
{
    /// <summary>pooled = relu(max over each 2×2 window at stride 2 of (conv2d(x, weight) + bias)); inputs and attributes are conv2d's.</summary>
    public const string Forward = "conv2d_relu_max_pool2d";

    /// <summary>Which position of each window won (0..3 in row-major window order, as floats): the second output of the forward's pass.</summary>
    public const string ArgMax = "conv2d_relu_max_pool2d_argmax";

    /// <summary>(pooled gradient, pooled value, argmax) → the gradient of the convolution's output (pre-ReLU), attribute conv_shape.</summary>
    public const string Backward = "conv2d_relu_max_pool2d_backward";

    /// <summary>(x, pooled gradient, pooled value, argmax) → the weight gradient, the scatter done per image inside the kernel; attributes conv2d's + weight_shape.</summary>
    public const string BackwardWeight = "conv2d_relu_max_pool2d_backward_weight";

    /// <summary>The pooling window the fusion handles (the CNN's MaxPool2d(2)).</summary>
    public const int Window = 2;

    public static IEnumerable<OpDef> Definitions()
    {
        yield return new OpDef(Forward, OpClass.Library)
        {
            MinInputs = 2,
            MaxInputs = 3,
            Shape = PooledShape,
            Evaluate = (it, n) => Evaluate(it, n, argmax: false),
            Gradient = c =>
            {
                Node x = c.In(0), weight = c.In(1);
                var argmax = c.B.Create(ArgMax, c.Node.Inputs, c.Node.Attrs);
                var convAttrs = Convolution.BackwardAttrs(c.Node);
                var grads = new Node?[c.Node.Inputs.Length];
                // The input gradient needs the convolution's full-size gradient (the scatter); it is dead code when x is data (the first layer).
                var convShape = Convolution.Conv2dShape(c.Node.Inputs, c.Node.Attrs, Forward);
                var gradConv = c.B.Create(Backward, new[] { c.G, c.Y, argmax }, Attrs.Of(("conv_shape", ShapeRules.FormatShape(convShape))));
                grads[0] = Convolution.Conv2dInputGradient(c.B, c.Node, gradConv);
                // The weight gradient scatters each image's pooled gradient itself, so nothing full-size is written for it.
                grads[1] = c.B.Create(BackwardWeight, new[] { x, c.G, c.Y, argmax }, convAttrs.With("weight_shape", ShapeRules.FormatShape(weight.Shape)));
                // The bias gradient: Σ over batch and positions of the scattered gradient = Σ of the pooled gradient under the ReLU's mask.
                if (grads.Length == 3) grads[2] = c.B.Sum(c.B.Binary(Activations.ReluBackward, c.G, c.Y), new[] { 0, 2, 3 }, keepDim: false);
                return grads;
            },
        };
        yield return new OpDef(ArgMax, OpClass.Library)
        {
            MinInputs = 2,
            MaxInputs = 3,
            Shape = PooledShape,
            Evaluate = (it, n) => Evaluate(it, n, argmax: true),
            // Computed by the forward's kernel in the same pass: both read the same inputs, which are all ready before it runs.
            SharedPass = new SharedPass(Forward, SharedInputs: SharedPass.AllInputs, LeafInput: null),
        };
        yield return new OpDef(Backward, OpClass.Library)
        {
            MinInputs = 3,
            MaxInputs = 3,
            Shape = (inputs, attrs, display) =>
            {
                var conv = ShapeRules.ParseShape(attrs.Text("conv_shape") ?? "");
                if (conv.Rank != 4 || !inputs[0].Shape.Equals(inputs[1].Shape) || !inputs[0].Shape.Equals(inputs[2].Shape))
                    throw new ShapeError($"{display}: the pooled gradient {inputs[0].Shape}, value {inputs[1].Shape} and argmax {inputs[2].Shape} must agree, and conv_shape must be [N, C, H, W]");
                return conv;
            },
            Evaluate = EvaluateBackward,
        };
        yield return new OpDef(BackwardWeight, OpClass.Library)
        {
            MinInputs = 4,
            MaxInputs = 4,
            CanAccumulate = true,
            Shape = (inputs, attrs, display) => ShapeRules.ParseShape(attrs.Text("weight_shape") ?? ""),
        };
    }

    /// <summary>Whether a max_pool2d's window is the one the fused kernel computes: 2×2, stride 2, no padding.</summary>
    public static bool IsFusablePool(Attrs poolAttrs)
    {
        var ((kh, kw), (sh, sw), (ph, pw)) = Convolution.PoolWindow(poolAttrs);
        return kh == Window && kw == Window && sh == Window && sw == Window && ph == 0 && pw == 0;
    }

    static Shape PooledShape(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        // The convolution's spatial sizes are constants (its shape rule requires them).
        var conv = Convolution.Conv2dShape(inputs, attrs, display);
        long height = conv[2].Constant, width = conv[3].Constant;
        if (height < Window || width < Window)
            throw new ShapeError($"{display}: a 2x2 pooling window does not fit the convolution's output {conv}");
        return new Shape(new[] { conv[0], conv[1], Size.Of(height / Window), Size.Of(width / Window) });
    }

    /// <summary>The interpreter's semantics: conv2d + bias by definition, then each window's first maximum, then the ReLU.</summary>
    static float[] Evaluate(Interpreter it, Node n, bool argmax)
    {
        var x = it.In(n, 0);
        var weight = it.In(n, 1);
        var bias = n.Inputs.Length == 3 ? it.In(n, 2) : null;
        int[] xd = it.Dims(n.Inputs[0].Shape), wd = it.Dims(n.Inputs[1].Shape), pd = it.Dims(n.Shape);
        var (sh, sw) = ShapeRules.Pair(n.Attrs, "stride", 1);
        var (ph, pw) = ShapeRules.Pair(n.Attrs, "padding", 0);
        int batch = xd[0], cin = xd[1], height = xd[2], width = xd[3], cout = wd[0], kh = wd[2], kw = wd[3];
        float Conv(int b, int o, int oy, int ox)
        {
            float sum = bias is null ? 0f : bias[o];
            for (int c = 0; c < cin; c++)
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                    {
                        int iy = oy * sh - ph + i, ix = ox * sw - pw + j;
                        if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
                        sum += x[((b * cin + c) * height + iy) * width + ix] * weight[((o * cin + c) * kh + i) * kw + j];
                    }
            return sum;
        }
        var result = new float[Interpreter.Count(pd)];
        int k = 0;
        for (int b = 0; b < batch; b++)
            for (int o = 0; o < cout; o++)
                for (int py = 0; py < pd[2]; py++)
                    for (int px = 0; px < pd[3]; px++, k++)
                    {
                        float best = float.NegativeInfinity;
                        int at = 0;
                        for (int p = 0; p < Window * Window; p++)
                        {
                            float v = Conv(b, o, Window * py + p / Window, Window * px + p % Window);
                            if (v > best || float.IsNaN(v) && !float.IsNaN(best)) (best, at) = (v, p);
                        }
                        result[k] = argmax ? at : Math.Max(best, 0f);
                    }
        return result;
    }

    /// <summary>gradConv[window position argmax] = pooled gradient where the pooled value is positive (the ReLU's mask); 0 elsewhere.</summary>
    static float[] EvaluateBackward(Interpreter it, Node n)
    {
        float[] g = it.In(n, 0), pooled = it.In(n, 1), argmax = it.In(n, 2);
        int[] pd = it.Dims(n.Inputs[0].Shape), cd = it.Dims(n.Shape);
        var result = new float[Interpreter.Count(cd)];
        int planes = pd[0] * pd[1], k = 0;
        for (int plane = 0; plane < planes; plane++)
            for (int py = 0; py < pd[2]; py++)
                for (int px = 0; px < pd[3]; px++, k++)
                {
                    if (!(pooled[k] > 0f)) continue;
                    int at = (int)argmax[k];
                    result[(plane * cd[2] + Window * py + at / Window) * cd[3] + Window * px + at % Window] = g[k];
                }
        return result;
    }
}
