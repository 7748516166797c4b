using System;
using System.Collections.Generic;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops.Definitions;

/// <summary>Elementwise math: exp, log, powers, roots, abs/sign, sigmoid, tanh, clamp and the threshold mask.</summary>
internal static class MathOps
{
    public const string Exp = "exp";
    public const string Log = "log";
    public const string Abs = "abs";
    public const string Sign = "sign";
    public const string Sigmoid = "sigmoid";
    public const string Tanh = "tanh";
    public const string Pow = "pow";
    public const string Clamp = "clamp";
    public const string ClampBackward = "clamp_backward";
    public const string GreaterThan = "greater_than";

    public static IEnumerable<OpDef> Definitions()
    {
        yield return Pointwise.Unary(Exp, (x, _) => (float)Math.Exp(x), c => new[] { c.B.Mul(c.G, c.Y) });
        yield return Pointwise.Unary(Log, (x, _) => (float)Math.Log(x), c => new[] { c.B.Div(c.G, c.X) });
        yield return Pointwise.Unary(OpNames.Square, (x, _) => x * x, c => new[] { c.B.Mul(c.G, c.B.Mul(c.X, 2f)) });
        yield return Pointwise.Unary(OpNames.Sqrt, (x, _) => (float)Math.Sqrt(x), c => new[] { c.B.Div(c.G, c.B.Mul(c.Y, 2f)) });
        yield return Pointwise.Unary(Abs, (x, _) => Math.Abs(x), c => new[] { c.B.Mul(c.G, c.B.Unary(Sign, c.X)) });
        yield return Pointwise.Unary(Sign, (x, _) => x > 0 ? 1f : x < 0 ? -1f : 0f, gradient: null, fold: false);
        yield return Pointwise.Unary(Sigmoid, (x, _) => (float)(1 / (1 + Math.Exp(-x))),
            c => new[] { c.B.Mul(c.G, c.B.Mul(c.Y, c.B.Sub(c.B.Constant(1f), c.Y))) });
        yield return Pointwise.Unary(Tanh, (x, _) => (float)Math.Tanh(x),
            c => new[] { c.B.Mul(c.G, c.B.Sub(c.B.Constant(1f), c.B.Unary(OpNames.Square, c.Y))) });
        yield return Pointwise.Unary(Pow, (x, attrs) => (float)Math.Pow(x, attrs.Float("exponent")), c =>
        {
            float e = c.Node.Attrs.Float("exponent");
            var power = c.B.Create(Pow, new[] { c.X }, Attrs.Of(("exponent", Attrs.FormatFloat(e - 1f))));
            return new[] { c.B.Mul(c.G, c.B.Mul(power, e)) };
        });

        var clamp = Pointwise.Unary(Clamp, (x, attrs) => Math.Min(Math.Max(x, Min(attrs)), Max(attrs)),
            c => new[] { c.B.Create(ClampBackward, new[] { c.G, c.X }, c.Node.Attrs) });
        yield return new OpDef(Clamp, OpClass.Elementwise)
        {
            MinInputs = 1,
            MaxInputs = 1,
            Shape = (inputs, attrs, display) =>
            {
                if (Min(attrs) > Max(attrs)) throw new ShapeError($"{display}: min {Attrs.FormatFloat(Min(attrs))} is greater than max {Attrs.FormatFloat(Max(attrs))}");
                return inputs[0].Shape;
            },
            Gradient = clamp.Gradient,
            Evaluate = clamp.Evaluate,
            Fold = clamp.Fold,
            PreservesShape = true,
        };
        yield return Pointwise.Binary(ClampBackward, (g, x, attrs) => x >= Min(attrs) && x <= Max(attrs) ? g : 0f, gradient: null, fold: false);

        // A mask: not differentiable, so no gradient flows through it (as on the eager tape).
        yield return Pointwise.Unary(GreaterThan, (x, attrs) => x > attrs.Float("threshold", 0f) ? 1f : 0f, Pointwise.NoGradient, fold: false);
    }

    public static float Min(Attrs attrs) => attrs.Float("min", float.NegativeInfinity);
    public static float Max(Attrs attrs) => attrs.Float("max", float.PositiveInfinity);
}
