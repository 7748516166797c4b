using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops;

internal delegate Node Decomposition(GraphBuilder b, IReadOnlyList<Node> inputs, Attrs attrs);

/// <summary>
/// Spec ops that are compositions of primitives. Decomposing them means autodiff and fusion see only primitives:
/// linear becomes a GEMM whose bias add fuses as its epilogue, mse_loss a reduction that absorbs the subtraction.
/// </summary>
internal static class Decompositions
{
    static readonly Dictionary<string, Decomposition> Table = new()
    {
        ["linear"] = (b, inputs, attrs) =>
        {
            var y = b.MatMul(inputs[0], inputs[1], transposeB: true);
            return inputs.Count == 3 ? b.Add(y, inputs[2]) : y;
        },
        ["mse_loss"] = (b, inputs, attrs) =>
        {
            var squared = b.Unary("square", b.Sub(inputs[0], inputs[1]));
            return (attrs.Text("reduction") ?? "mean") switch
            {
                "sum" => b.Create("sum", new[] { squared }),
                "none" => squared,
                _ => b.Create("mean", new[] { squared }),
            };
        },
        ["flatten"] = (b, inputs, attrs) => b.Reshape(inputs[0], ShapeRules.Infer("flatten", inputs, attrs)),
        ["unsqueeze"] = (b, inputs, attrs) => b.Reshape(inputs[0], ShapeRules.Infer("unsqueeze", inputs, attrs)),
        ["squeeze"] = (b, inputs, attrs) => b.Reshape(inputs[0], ShapeRules.Infer("squeeze", inputs, attrs)),
        ["reshape"] = (b, inputs, attrs) => b.Reshape(inputs[0], ShapeRules.Infer("reshape", inputs, attrs)),
        ["sum"] = (b, inputs, attrs) => b.Sum(inputs[0], ShapeRules.ReducedDims(inputs[0], attrs, "Sum"), attrs.Bool("keep_dim")),
        ["mean"] = (b, inputs, attrs) => b.Sum(inputs[0], ShapeRules.ReducedDims(inputs[0], attrs, "Mean"), attrs.Bool("keep_dim"), mean: true),
        ["concat"] = (b, inputs, attrs) => inputs.Count == 1 ? inputs[0] : b.Create("concat", inputs, attrs),
    };

    public static bool TryDecompose(GraphBuilder b, string op, IReadOnlyList<Node> inputs, Attrs attrs, out Node result)
    {
        if (Table.TryGetValue(op, out var rule))
        {
            result = rule(b, inputs, attrs);
            return true;
        }
        result = null!;
        return false;
    }
}
