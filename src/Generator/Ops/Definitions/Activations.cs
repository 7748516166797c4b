using System;
using System.Collections.Generic;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops.Definitions;

/// <summary>
/// The rectifier family: relu, leaky_relu, gelu (exact and tanh forms), softplus, elu and silu, each with its fused
/// gradient op. Semantics are PyTorch's, including at the kinks (relu's gradient is 0 where the output is ≤ 0, and
/// passes through where it is NaN) and softplus's linear regime above the threshold.
/// </summary>
internal static class Activations
{
    public const string Relu = "relu";
    public const string ReluBackward = "relu_backward";
    public const string LeakyRelu = "leaky_relu";
    public const string LeakyReluBackward = "leaky_relu_backward";
    public const string Gelu = "gelu";
    public const string GeluBackward = "gelu_backward";
    public const string Softplus = "softplus";
    public const string SoftplusBackward = "softplus_backward";
    public const string Elu = "elu";
    public const string EluBackward = "elu_backward";
    public const string Silu = "silu";
    public const string SiluBackward = "silu_backward";

    public static IEnumerable<OpDef> Definitions()
    {
        // The mask is read from the output, so the pre-activation need not be kept for the backward pass.
        yield return Pointwise.Unary(Relu, (x, _) => Math.Max(x, 0f), c => new[] { c.B.Binary(ReluBackward, c.G, c.Y) });
        yield return Pointwise.Binary(ReluBackward, (g, y, _) => y <= 0f ? 0f : g, gradient: null, fold: false);

        yield return Pointwise.Unary(LeakyRelu, (x, a) => x > 0f ? x : x * Slope(a), c => new[] { c.B.Create(LeakyReluBackward, new[] { c.G, c.X }, c.Node.Attrs) });
        yield return Pointwise.Binary(LeakyReluBackward, (g, x, a) => x > 0f ? g : g * Slope(a), gradient: null, fold: false);

        var gelu = Pointwise.Unary(Gelu, (x, a) => IsTanh(a) ? (float)GeluTanh(x) : (float)GeluExact(x), c => new[] { c.B.Create(GeluBackward, new[] { c.G, c.X }, c.Node.Attrs) });
        yield return new OpDef(Gelu, OpClass.Elementwise)
        {
            MinInputs = 1,
            MaxInputs = 1,
            Shape = (inputs, attrs, display) =>
            {
                IsTanh(attrs, display);
                return inputs[0].Shape;
            },
            Evaluate = gelu.Evaluate,
            Fold = gelu.Fold,
            Gradient = gelu.Gradient,
            PreservesShape = true,
        };
        yield return Pointwise.Binary(GeluBackward, (g, x, a) => (float)(g * (IsTanh(a) ? GeluTanhDerivative(x) : GeluExactDerivative(x))), gradient: null, fold: false);

        yield return Pointwise.Unary(Softplus, (x, a) => (float)SoftplusValue(x, Beta(a), Threshold(a)),
            c => new[] { c.B.Create(SoftplusBackward, new[] { c.G, c.X }, c.Node.Attrs) });
        yield return Pointwise.Binary(SoftplusBackward, (g, x, a) =>
        {
            double z = Math.Exp((double)x * Beta(a));
            return x * Beta(a) > Threshold(a) ? g : (float)(g * z / (z + 1));
        }, gradient: null, fold: false);

        yield return Pointwise.Unary(Elu, (x, a) => x > 0f ? x : (float)(Alpha(a) * (Math.Exp(x) - 1)), c => new[] { c.B.Create(EluBackward, new[] { c.G, c.X }, c.Node.Attrs) });
        yield return Pointwise.Binary(EluBackward, (g, x, a) => x > 0f ? g : (float)(g * Alpha(a) * Math.Exp(x)), gradient: null, fold: false);

        yield return Pointwise.Unary(Silu, (x, _) => (float)(x / (1 + Math.Exp(-(double)x))), c => new[] { c.B.Binary(SiluBackward, c.G, c.X) });
        yield return Pointwise.Binary(SiluBackward, (g, x, _) =>
        {
            double s = 1 / (1 + Math.Exp(-(double)x));
            return (float)(g * s * (1 + x * (1 - s)));
        }, gradient: null, fold: false);
    }

    public static float Slope(Attrs attrs) => attrs.Float("negative_slope", 0.01f);
    public static float Beta(Attrs attrs) => attrs.Float("beta", 1f);
    public static float Threshold(Attrs attrs) => attrs.Float("threshold", 20f);
    public static float Alpha(Attrs attrs) => attrs.Float("alpha", 1f);

    /// <summary>Whether gelu uses PyTorch's tanh approximation ("tanh") rather than the exact erf form ("none").</summary>
    public static bool IsTanh(Attrs attrs, string display = "Gelu") => (attrs.Text("approximate") ?? "none") switch
    {
        "none" => false,
        "tanh" => true,
        var other => throw new ShapeError($"{display}: approximate must be \"none\" or \"tanh\", got \"{other}\""),
    };

    const double SqrtHalf = 0.70710678118654752440;
    const double InvSqrtTwoPi = 0.39894228040143267794;
    const double TanhScale = 0.79788456080286535588; // √(2/π)
    const double TanhCubic = 0.044715;

    static double GeluExact(double x) => 0.5 * x * (1 + Erf(x * SqrtHalf));

    static double GeluExactDerivative(double x) => 0.5 * (1 + Erf(x * SqrtHalf)) + x * InvSqrtTwoPi * Math.Exp(-0.5 * x * x);

    static double GeluTanh(double x) => 0.5 * x * (1 + Math.Tanh(TanhScale * (x + TanhCubic * x * x * x)));

    static double GeluTanhDerivative(double x)
    {
        double t = Math.Tanh(TanhScale * (x + TanhCubic * x * x * x));
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * TanhScale * (1 + 3 * TanhCubic * x * x);
    }

    static double SoftplusValue(double x, double beta, double threshold) =>
        x * beta > threshold ? x : Log1p(Math.Exp(beta * x)) / beta;

    static double Log1p(double x) => Math.Abs(x) < 1e-5 ? x - x * x / 2 + x * x * x / 3 : Math.Log(1 + x);

    /// <summary>erf by its Maclaurin series (|x| &lt; 4, where the terms stay small enough for double), ±1 beyond (erfc(4) ≈ 1.5e-8).</summary>
    static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        if (Math.Abs(x) >= 4) return Math.Sign(x);
        double term = x, sum = x, x2 = x * x;
        for (int n = 1; n < 200 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
        {
            term *= -x2 / n;
            sum += term / (2 * n + 1);
        }
        return sum * 1.12837916709551257390; // 2/√π
    }
}
