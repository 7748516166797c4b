using System.Collections.Generic;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops;
using Kiln.Generator.Ops.Definitions;
using Kiln.Generator.Emit.CSharp;

namespace Kiln.Generator.Emit.Ilgpu;

/// <summary>
/// The ILGPU spelling of each elementwise op: plain float C# that ILGPU compiles, with ILGPU.Algorithms' XMath for
/// the transcendental functions (on PTX, exp, log and tanh become the hardware's approximate instructions, so device
/// results differ from the CPU's in the last bits). The formulas are those of Kiln.Kernels.Pointwise.
/// </summary>
internal static class IlgpuElementwise
{
    const string XMath = "global::ILGPU.Algorithms.XMath";

    /// <summary>Kiln.Accelerators' per-element functions XMath lacks (erf, gelu).</summary>
    const string DeviceMath = "global::Kiln.Accelerators.DeviceMath";

    delegate string Template(Node n, string[] a);

    static readonly Dictionary<string, Template> Table = new()
    {
        [OpNames.Add] = (n, a) => $"{a[0]} + {a[1]}",
        [OpNames.Sub] = (n, a) => $"{a[0]} - {a[1]}",
        [OpNames.Mul] = (n, a) => $"{a[0]} * {a[1]}",
        [OpNames.Div] = (n, a) => $"{a[0]} / {a[1]}",
        [OpNames.Neg] = (n, a) => $"-{a[0]}",
        [MathOps.Exp] = (n, a) => $"{XMath}.Exp({a[0]})",
        [MathOps.Log] = (n, a) => $"{XMath}.Log({a[0]})",
        [OpNames.Square] = (n, a) => $"{a[0]} * {a[0]}",
        [OpNames.Sqrt] = (n, a) => $"{XMath}.Sqrt({a[0]})",
        [MathOps.Abs] = (n, a) => $"{XMath}.Abs({a[0]})",
        [MathOps.Sigmoid] = (n, a) => $"1f / (1f + {XMath}.Exp(-{a[0]}))",
        [MathOps.Tanh] = (n, a) => $"{XMath}.Tanh({a[0]})",
        [MathOps.Pow] = (n, a) => $"{XMath}.Pow({a[0]}, {Literal(n.Attrs.Float("exponent"))})",
        [MathOps.Clamp] = (n, a) => $"{XMath}.Min({XMath}.Max({a[0]}, {Min(n)}), {Max(n)})",
        [MathOps.Sign] = (n, a) => $"({a[0]} > 0f ? 1f : {a[0]} < 0f ? -1f : 0f)",
        [OpNames.Copy] = (n, a) => a[0],
        [MathOps.GreaterThan] = (n, a) => $"{a[0]} > {Literal(n.Attrs.Float("threshold", 0f))} ? 1f : 0f",
        [OpNames.BroadcastTo] = (n, a) => a[0],
        // The condition is a bool local (a flag).
        [OpNames.Select] = (n, a) => $"{a[0]} ? {a[1]} : {a[2]}",
        [MathOps.ClampBackward] = (n, a) => $"{a[1]} >= {Min(n)} && {a[1]} <= {Max(n)} ? {a[0]} : 0f",
        [Activations.Relu] = (n, a) => $"{XMath}.Max({a[0]}, 0f)",
        [Activations.ReluBackward] = (n, a) => $"{a[1]} <= 0f ? 0f : {a[0]}",
        [Activations.LeakyRelu] = (n, a) => $"{a[0]} > 0f ? {a[0]} : {a[0]} * {Literal(Activations.Slope(n.Attrs))}",
        [Activations.LeakyReluBackward] = (n, a) => $"{a[1]} > 0f ? {a[0]} : {a[0]} * {Literal(Activations.Slope(n.Attrs))}",
        [Activations.Gelu] = (n, a) => $"{DeviceMath}.{(Activations.IsTanh(n.Attrs) ? "GeluTanh" : "Gelu")}({a[0]})",
        [Activations.GeluBackward] = (n, a) => $"{DeviceMath}.{(Activations.IsTanh(n.Attrs) ? "GeluTanhBackward" : "GeluBackward")}({a[0]}, {a[1]})",
        [Activations.Softplus] = (n, a) =>
            $"{a[0]} * {Literal(Activations.Beta(n.Attrs))} > {Literal(Activations.Threshold(n.Attrs))} ? {a[0]} : {XMath}.Log(1f + {XMath}.Exp({a[0]} * {Literal(Activations.Beta(n.Attrs))})) / {Literal(Activations.Beta(n.Attrs))}",
        [Activations.SoftplusBackward] = (n, a) =>
            $"{a[1]} * {Literal(Activations.Beta(n.Attrs))} > {Literal(Activations.Threshold(n.Attrs))} ? {a[0]} : {a[0]} * {XMath}.Exp({a[1]} * {Literal(Activations.Beta(n.Attrs))}) / ({XMath}.Exp({a[1]} * {Literal(Activations.Beta(n.Attrs))}) + 1f)",
        [Activations.Elu] = (n, a) => $"{a[0]} > 0f ? {a[0]} : {Literal(Activations.Alpha(n.Attrs))} * ({XMath}.Exp({a[0]}) - 1f)",
        [Activations.EluBackward] = (n, a) => $"{a[1]} > 0f ? {a[0]} : {a[0]} * {Literal(Activations.Alpha(n.Attrs))} * {XMath}.Exp({a[1]})",
        [Activations.Silu] = (n, a) => $"{a[0]} / (1f + {XMath}.Exp(-{a[0]}))",
        [Activations.SiluBackward] = (n, a) =>
            $"{a[0]} * (1f / (1f + {XMath}.Exp(-{a[1]}))) * (1f + {a[1]} * (1f - 1f / (1f + {XMath}.Exp(-{a[1]}))))",
    };

    public static bool Lowers(string op) => Table.ContainsKey(op);

    /// <summary>The float expression of <paramref name="n"/> over its operands' expressions.</summary>
    public static string Scalar(Node n, string[] operands) =>
        Table.TryGetValue(n.Op, out var template)
            ? template(n, operands)
            : throw new DeviceLoweringException($"op '{n.Op}' (%{n.Id} {n.Shape}) has no ILGPU elementwise lowering");

    static string Literal(float value) => CSharpElementwise.Literal(value);
    static string Min(Node n) => Literal(n.Attrs.Float("min", float.NegativeInfinity));
    static string Max(Node n) => Literal(n.Attrs.Float("max", float.PositiveInfinity));
}
