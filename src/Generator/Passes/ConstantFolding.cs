using System;
using System.Linq;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Passes;

/// <summary>Evaluates scalar elementwise ops whose operands are all constants (e.g. 2·(1/2) from chained gradients), by each op's registered fold.</summary>
internal static class ConstantFolding
{
    public static GraphProgram Run(GraphBuilder builder, GraphProgram program) => Rewriter.Rewrite(builder, program, Fold);

    public static Node? Fold(GraphBuilder b, Node n)
    {
        if (n.Inputs.Length == 0 || n.Shape.Rank != 0 || !n.Inputs.All(i => i.IsConstant)) return null;
        if (Ops.OpRegistry.Get(n.Op).Fold is not { } fold) return null;
        return b.Constant(fold(n.Inputs.Select(i => i.ConstantValue).ToArray(), n.Attrs));
    }
}
