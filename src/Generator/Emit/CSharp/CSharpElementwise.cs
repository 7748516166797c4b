using System.Collections.Generic;
using System.Globalization;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops;
using Kiln.Generator.Ops.Definitions;

namespace Kiln.Generator.Emit.CSharp;

/// <summary>
/// The C# spelling of every elementwise op, scalar and (where System.Numerics has one) Vector&lt;float&gt;;
/// a fused loop is vectorised only when every node in it has a vector form.
/// </summary>
internal static class CSharpElementwise
{
    public const string VectorType = "global::System.Numerics.Vector<float>";
    public const string Vector = "global::System.Numerics.Vector";
    const string MathF = "global::System.MathF";

    delegate string Template(Node n, string[] a);

    static readonly Dictionary<string, (Template Scalar, Template? Vector)> Table = new()
    {
        [OpNames.Add] = ((n, a) => $"{a[0]} + {a[1]}", (n, a) => $"{a[0]} + {a[1]}"),
        [OpNames.Sub] = ((n, a) => $"{a[0]} - {a[1]}", (n, a) => $"{a[0]} - {a[1]}"),
        [OpNames.Mul] = ((n, a) => $"{a[0]} * {a[1]}", (n, a) => $"{a[0]} * {a[1]}"),
        [OpNames.Div] = ((n, a) => $"{a[0]} / {a[1]}", (n, a) => $"{a[0]} / {a[1]}"),
        [OpNames.Neg] = ((n, a) => $"-{a[0]}", (n, a) => $"-{a[0]}"),
        // The transcendental functions call the kernel library's per-element forms, which the eager ops' kernels run too
        // (float and vector forms agree bit for bit, so the loop's scalar tail computes what its vector body does).
        [MathOps.Exp] = Call("Exp"),
        [MathOps.Log] = Call("Log"),
        [OpNames.Square] = ((n, a) => $"{a[0]} * {a[0]}", (n, a) => $"{a[0]} * {a[0]}"),
        [OpNames.Sqrt] = ((n, a) => $"{MathF}.Sqrt({a[0]})", (n, a) => $"{Vector}.SquareRoot({a[0]})"),
        [MathOps.Abs] = ((n, a) => $"{MathF}.Abs({a[0]})", (n, a) => $"{Vector}.Abs({a[0]})"),
        [MathOps.Sigmoid] = Call("Sigmoid"),
        [MathOps.Tanh] = Call("Tanh"),
        [MathOps.Pow] = ((n, a) => $"{MathF}.Pow({a[0]}, {Literal(n.Attrs.Float("exponent"))})",
                   (n, a) => string.Join(" * ", System.Linq.Enumerable.Repeat(a[0], (int)n.Attrs.Float("exponent")))),
        [MathOps.Clamp] = ((n, a) => $"{MathF}.Min({MathF}.Max({a[0]}, {Min(n)}), {Max(n)})",
                     (n, a) => $"{Vector}.Min({Vector}.Max({a[0]}, new {VectorType}({Min(n)})), new {VectorType}({Max(n)}))"),
        [MathOps.Sign] = ((n, a) => $"({a[0]} > 0f ? 1f : {a[0]} < 0f ? -1f : 0f)",
                          (n, a) => $"{Vector}.ConditionalSelect({Vector}.GreaterThan({a[0]}, {VectorType}.Zero), {VectorType}.One, {VectorType}.Zero) - {Vector}.ConditionalSelect({Vector}.LessThan({a[0]}, {VectorType}.Zero), {VectorType}.One, {VectorType}.Zero)"),
        [OpNames.Copy] = ((n, a) => a[0], (n, a) => a[0]),
        [MathOps.GreaterThan] = ((n, a) => $"{a[0]} > {Literal(n.Attrs.Float("threshold", 0f))} ? 1f : 0f",
                            (n, a) => $"{Vector}.ConditionalSelect({Vector}.GreaterThan({a[0]}, new {VectorType}({Literal(n.Attrs.Float("threshold", 0f))})), {VectorType}.One, {VectorType}.Zero)"),
        // The condition is a bool local in both forms, so the vector form selects whole vectors.
        [OpNames.Select] = ((n, a) => $"{a[0]} ? {a[1]} : {a[2]}", (n, a) => $"{a[0]} ? {a[1]} : {a[2]}"),
        [OpNames.BroadcastTo] = ((n, a) => a[0], (n, a) => a[0]),
        [MathOps.ClampBackward] = ((n, a) => $"{a[1]} >= {Min(n)} && {a[1]} <= {Max(n)} ? {a[0]} : 0f",
                                   (n, a) => $"{Vector}.ConditionalSelect({Vector}.BitwiseAnd({Vector}.GreaterThanOrEqual({a[1]}, new {VectorType}({Min(n)})), {Vector}.LessThanOrEqual({a[1]}, new {VectorType}({Max(n)}))), {a[0]}, {VectorType}.Zero)"),

        [Activations.Relu] = ((n, a) => $"{MathF}.Max({a[0]}, 0f)", (n, a) => $"{Vector}.Max({a[0]}, {VectorType}.Zero)"),
        [Activations.ReluBackward] = Call("ReluBackward"),
        [Activations.LeakyRelu] = Call("LeakyRelu", n => Literal(Activations.Slope(n.Attrs))),
        [Activations.LeakyReluBackward] = Call("LeakyReluBackward", n => Literal(Activations.Slope(n.Attrs))),
        [Activations.Gelu] = ((n, a) => GeluCall(n, "", a), (n, a) => GeluCall(n, "", a)),
        [Activations.GeluBackward] = ((n, a) => GeluCall(n, "Backward", a), (n, a) => GeluCall(n, "Backward", a)),
        [Activations.Softplus] = Call("Softplus", n => Literal(Activations.Beta(n.Attrs)) + ", " + Literal(Activations.Threshold(n.Attrs))),
        [Activations.SoftplusBackward] = Call("SoftplusBackward", n => Literal(Activations.Beta(n.Attrs)) + ", " + Literal(Activations.Threshold(n.Attrs))),
        [Activations.Elu] = Call("Elu", n => Literal(Activations.Alpha(n.Attrs))),
        [Activations.EluBackward] = Call("EluBackward", n => Literal(Activations.Alpha(n.Attrs))),
        [Activations.Silu] = Call("Silu"),
        [Activations.SiluBackward] = Call("SiluBackward"),
    };

    const string Pointwise = "global::Kiln.Kernels.Pointwise";

    /// <summary>A call of Kiln.Kernels.Pointwise.<paramref name="function"/>(operands..., attributes...), which has float and vector overloads.</summary>
    static (Template, Template?) Call(string function, System.Func<Node, string>? attributes = null)
    {
        Template t = (n, a) => $"{Pointwise}.{function}({string.Join(", ", a)}{(attributes is null ? "" : ", " + attributes(n))})";
        return (t, t);
    }

    static string GeluCall(Node n, string suffix, string[] a) =>
        $"{Pointwise}.{(Activations.IsTanh(n.Attrs) ? "GeluTanh" : "Gelu")}{suffix}({string.Join(", ", a)})";

    /// <summary>Whether this backend can compute <paramref name="op"/> inside a fused loop.</summary>
    public static bool Lowers(string op) => Table.ContainsKey(op);

    static string Min(Node n) => Literal(n.Attrs.Float("min", float.NegativeInfinity));
    static string Max(Node n) => Literal(n.Attrs.Float("max", float.PositiveInfinity));

    public static bool HasVector(Node n) =>
        Table.TryGetValue(n.Op, out var t) && t.Vector is not null && (n.Op != MathOps.Pow || IsSmallNaturalExponent(n.Attrs.Float("exponent")));

    // Only small natural powers have an exact-enough vector form (repeated products); others stay scalar MathF.Pow.
    static bool IsSmallNaturalExponent(float exponent) => exponent is 1f or 2f or 3f or 4f;

    public static string Scalar(Node n, string[] args) => Lowering(n).Scalar(n, args);

    static (Template Scalar, Template? Vector) Lowering(Node n) =>
        Table.TryGetValue(n.Op, out var t) ? t : throw new MissingRuleError(n.Op, "C# elementwise lowering");

    public static string VectorExpression(Node n, string[] args) => Lowering(n).Vector!(n, args);

    /// <summary>A round-trip, invariant-culture float literal.</summary>
    public static string Literal(float value)
    {
        if (float.IsNaN(value)) return "float.NaN";
        if (float.IsPositiveInfinity(value)) return "float.PositiveInfinity";
        if (float.IsNegativeInfinity(value)) return "float.NegativeInfinity";
        return value.ToString("R", CultureInfo.InvariantCulture) + "f";
    }
}
