using System;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops.Definitions;

/// <summary>Builders for elementwise op declarations: one scalar function gives the interpreter's semantics and the constant fold.</summary>
internal static class Pointwise
{
    public static OpDef Unary(string name, Func<float, Attrs, float> f, VjpRule? gradient, bool fold = true) => new(name, OpClass.Elementwise)
    {
        MinInputs = 1,
        MaxInputs = 1,
        Shape = ShapeRules.Same,
        Gradient = gradient,
        Evaluate = (it, n) => it.Unary(n, x => f(x, n.Attrs)),
        Fold = fold ? (v, attrs) => f(v[0], attrs) : null,
        PreservesShape = true,
    };

    public static OpDef Binary(string name, Func<float, float, Attrs, float> f, VjpRule? gradient, bool fold = true) => new(name, OpClass.Elementwise)
    {
        MinInputs = 2,
        MaxInputs = 2,
        Shape = ShapeRules.Broadcast,
        Gradient = gradient,
        Evaluate = (it, n) => it.Binary(n, (a, b) => f(a, b, n.Attrs)),
        Fold = fold ? (v, attrs) => f(v[0], v[1], attrs) : null,
    };

    /// <summary>The VJP of an op no gradient flows through (masks, labels): null for every input.</summary>
    public static readonly VjpRule NoGradient = c => new Node?[c.Node.Inputs.Length];
}
