using System.Linq;
using System.Text;

namespace Kiln.Generator.Graph;

/// <summary>Text form of a program, one node per line in topological order (for tests, comments and debugging).</summary>
internal static class GraphPrinter
{
    public static string Print(GraphProgram program)
    {
        var sb = new StringBuilder();
        sb.Append("program ").Append(program.Name).Append('\n');
        foreach (var n in program.Nodes()) sb.Append("  ").Append(n).Append('\n');
        sb.Append("  result %").Append(program.Result.Id).Append('\n');
        for (int i = 0; i < program.Gradients.Length; i++)
            if (program.Gradients[i] is { } g) sb.Append("  grad capture ").Append(i).Append(" = %").Append(g.Id).Append('\n');
        foreach (var (capture, value) in program.Updates) sb.Append("  update capture ").Append(capture).Append(" = %").Append(value.Id).Append('\n');
        return sb.ToString();
    }

    /// <summary>"%12 tanh [N,100]": how comments and kernel descriptions name a node.</summary>
    public static string Describe(Node n) => "%" + n.Id + " " + n.Op + " " + n.Shape;

    public static string Operands(Node n) => string.Join(", ", n.Inputs.Select(i => "%" + i.Id));
}
