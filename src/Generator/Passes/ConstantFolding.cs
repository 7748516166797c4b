using System;
using System.Linq;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Passes;

/// <summary>Evaluates scalar elementwise ops whose operands are all constants (e.g. 2·(1/2) from chained gradients).</summary>
internal static class ConstantFolding
{
    public static GraphProgram Run(GraphBuilder builder, GraphProgram program) => Rewriter.Rewrite(builder, program, Fold);

    public static Node? Fold(GraphBuilder b, Node n)
    {
        if (n.Inputs.Length == 0 || n.Shape.Rank != 0 || !n.Inputs.All(i => i.IsConstant)) return null;
        var v = n.Inputs.Select(i => i.ConstantValue).ToArray();
        float? result = n.Op switch
        {
            "add" => v[0] + v[1],
            "sub" => v[0] - v[1],
            "mul" => v[0] * v[1],
            "div" => v[0] / v[1],
            "neg" => -v[0],
            "exp" => (float)Math.Exp(v[0]),
            "log" => (float)Math.Log(v[0]),
            "square" => v[0] * v[0],
            "sqrt" => (float)Math.Sqrt(v[0]),
            "abs" => Math.Abs(v[0]),
            "sigmoid" => (float)(1 / (1 + Math.Exp(-v[0]))),
            "tanh" => (float)Math.Tanh(v[0]),
            "relu" => Math.Max(v[0], 0f),
            "pow" => (float)Math.Pow(v[0], n.Attrs.Float("exponent")),
            "clamp" => Math.Min(Math.Max(v[0], n.Attrs.Float("min", float.NegativeInfinity)), n.Attrs.Float("max", float.PositiveInfinity)),
            OpNames.Copy or OpNames.BroadcastTo or "reshape" => v[0],
            _ => null,
        };
        return result is { } r ? b.Constant(r) : null;
    }
}
