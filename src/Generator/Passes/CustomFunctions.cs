using Kiln.Generator.Graph;
using Kiln.Generator.Ops.Definitions;

namespace Kiln.Generator.Passes;

/// <summary>
/// After autodiff, a custom Function's node has served its purpose (carrying the Function's Backward as its gradient
/// rule): each is replaced by the Forward's output it stands for, so no kernel is scheduled for it.
/// </summary>
internal static class CustomFunctions
{
    public static GraphProgram Erase(GraphBuilder builder, GraphProgram program) =>
        Rewriter.Rewrite(builder, program, (_, n) => n.Op == CustomFunction.Op ? n.Inputs[0] : null);
}
