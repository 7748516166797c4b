using System.Collections.Generic;
using System.Globalization;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Emit.CSharp;

/// <summary>
/// The C# spelling of every elementwise op, scalar and (where System.Numerics has one) Vector&lt;float&gt;;
/// a fused loop is vectorised only when every node in it has a vector form.
/// </summary>
internal static class CSharpOps
{
    public const string VectorType = "global::System.Numerics.Vector<float>";
    public const string Vector = "global::System.Numerics.Vector";
    const string MathF = "global::System.MathF";

    delegate string Template(Node n, string[] a);

    static readonly Dictionary<string, (Template Scalar, Template? Vector)> Table = new()
    {
        ["add"] = ((n, a) => $"{a[0]} + {a[1]}", (n, a) => $"{a[0]} + {a[1]}"),
        ["sub"] = ((n, a) => $"{a[0]} - {a[1]}", (n, a) => $"{a[0]} - {a[1]}"),
        ["mul"] = ((n, a) => $"{a[0]} * {a[1]}", (n, a) => $"{a[0]} * {a[1]}"),
        ["div"] = ((n, a) => $"{a[0]} / {a[1]}", (n, a) => $"{a[0]} / {a[1]}"),
        ["neg"] = ((n, a) => $"-{a[0]}", (n, a) => $"-{a[0]}"),
        ["exp"] = ((n, a) => $"{MathF}.Exp({a[0]})", (n, a) => $"{Vector}.Exp({a[0]})"),
        ["log"] = ((n, a) => $"{MathF}.Log({a[0]})", (n, a) => $"{Vector}.Log({a[0]})"),
        ["square"] = ((n, a) => $"{a[0]} * {a[0]}", (n, a) => $"{a[0]} * {a[0]}"),
        ["sqrt"] = ((n, a) => $"{MathF}.Sqrt({a[0]})", (n, a) => $"{Vector}.SquareRoot({a[0]})"),
        ["abs"] = ((n, a) => $"{MathF}.Abs({a[0]})", (n, a) => $"{Vector}.Abs({a[0]})"),
        ["sigmoid"] = ((n, a) => $"1f / (1f + {MathF}.Exp(-{a[0]}))", (n, a) => $"{VectorType}.One / ({VectorType}.One + {Vector}.Exp(-{a[0]}))"),
        // The BCL has no Vector.Tanh; the runtime's keeps relative precision near 0 and never overflows.
        ["tanh"] = ((n, a) => $"{MathF}.Tanh({a[0]})", (n, a) => $"global::Kiln.Compiled.VectorMath.Tanh({a[0]})"),
        ["relu"] = ((n, a) => $"{MathF}.Max({a[0]}, 0f)", (n, a) => $"{Vector}.Max({a[0]}, {VectorType}.Zero)"),
        ["pow"] = ((n, a) => $"{MathF}.Pow({a[0]}, {Literal(n.Attrs.Float("exponent"))})",
                   (n, a) => string.Join(" * ", System.Linq.Enumerable.Repeat(a[0], (int)n.Attrs.Float("exponent")))),
        ["clamp"] = ((n, a) => $"{MathF}.Min({MathF}.Max({a[0]}, {Min(n)}), {Max(n)})",
                     (n, a) => $"{Vector}.Min({Vector}.Max({a[0]}, new {VectorType}({Min(n)})), new {VectorType}({Max(n)}))"),
        [OpNames.Sign] = ((n, a) => $"({a[0]} > 0f ? 1f : {a[0]} < 0f ? -1f : 0f)",
                          (n, a) => $"{Vector}.ConditionalSelect({Vector}.GreaterThan({a[0]}, {VectorType}.Zero), {VectorType}.One, {VectorType}.Zero) - {Vector}.ConditionalSelect({Vector}.LessThan({a[0]}, {VectorType}.Zero), {VectorType}.One, {VectorType}.Zero)"),
        [OpNames.Copy] = ((n, a) => a[0], (n, a) => a[0]),
        ["greater_than"] = ((n, a) => $"{a[0]} > {Literal(n.Attrs.Float("threshold", 0f))} ? 1f : 0f",
                            (n, a) => $"{Vector}.ConditionalSelect({Vector}.GreaterThan({a[0]}, new {VectorType}({Literal(n.Attrs.Float("threshold", 0f))})), {VectorType}.One, {VectorType}.Zero)"),
        // The condition is a bool local in both forms, so the vector form selects whole vectors.
        [OpNames.Select] = ((n, a) => $"{a[0]} ? {a[1]} : {a[2]}", (n, a) => $"{a[0]} ? {a[1]} : {a[2]}"),
        [OpNames.BroadcastTo] = ((n, a) => a[0], (n, a) => a[0]),
        [OpNames.ReluBackward] = ((n, a) => $"{a[1]} > 0f ? {a[0]} : 0f",
                                  (n, a) => $"{Vector}.ConditionalSelect({Vector}.GreaterThan({a[1]}, {VectorType}.Zero), {a[0]}, {VectorType}.Zero)"),
        [OpNames.ClampBackward] = ((n, a) => $"{a[1]} >= {Min(n)} && {a[1]} <= {Max(n)} ? {a[0]} : 0f",
                                   (n, a) => $"{Vector}.ConditionalSelect({Vector}.BitwiseAnd({Vector}.GreaterThanOrEqual({a[1]}, new {VectorType}({Min(n)})), {Vector}.LessThanOrEqual({a[1]}, new {VectorType}({Max(n)}))), {a[0]}, {VectorType}.Zero)"),
    };

    static string Min(Node n) => Literal(n.Attrs.Float("min", float.NegativeInfinity));
    static string Max(Node n) => Literal(n.Attrs.Float("max", float.PositiveInfinity));

    public static bool HasVector(Node n) =>
        Table.TryGetValue(n.Op, out var t) && t.Vector is not null && (n.Op != "pow" || IsSmallNaturalExponent(n.Attrs.Float("exponent")));

    // Only small natural powers have an exact-enough vector form (repeated products); others stay scalar MathF.Pow.
    static bool IsSmallNaturalExponent(float exponent) => exponent is 1f or 2f or 3f or 4f;

    public static string Scalar(Node n, string[] args) => Table[n.Op].Scalar(n, args);

    public static string VectorExpression(Node n, string[] args) => Table[n.Op].Vector!(n, args);

    /// <summary>A round-trip, invariant-culture float literal.</summary>
    public static string Literal(float value)
    {
        if (float.IsNaN(value)) return "float.NaN";
        if (float.IsPositiveInfinity(value)) return "float.PositiveInfinity";
        if (float.IsNegativeInfinity(value)) return "float.NegativeInfinity";
        return value.ToString("R", CultureInfo.InvariantCulture) + "f";
    }
}
