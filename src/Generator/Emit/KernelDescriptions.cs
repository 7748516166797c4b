using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops;
using Kiln.Generator.Schedule;

namespace Kiln.Generator.Emit;

/// <summary>Backend-neutral text about kernels: kernel comments, Summary and the Graphviz form.</summary>
internal static class KernelDescriptions
{
    public static IEnumerable<Node> ComputedNodes(Kernel k) => k.Computed.OrderBy(n => n.Id);

    public static string Kind(Kernel k) => k.Kind switch
    {
        KernelKind.Scan => $"loop over {k.Steps!.Body.Steps} steps{(k.Steps.Body.Reverse ? " in reverse" : "")}, its body {k.Steps.Program.Kernels.Count.ToString(CultureInfo.InvariantCulture)} kernel(s)",
        KernelKind.Gemm when k.MoreGemms.Count > 0 => (k.MoreGemms.Count + 1) + " accumulating GEMMs" + (k.Loop is not null ? " + epilogue (" + string.Join(", ", k.Body.Select(n => n.Op)) + ")" : ""),
        KernelKind.Gemm when k.Loop is not null => "GEMM + epilogue (" + string.Join(", ", k.Body.Select(n => n.Op)) + ")",
        KernelKind.Gemm => "GEMM" + (k.Gemm!.Attrs.Bool("transpose_a") ? " Aᵀ" : "") + (k.Gemm.Attrs.Bool("transpose_b") ? " Bᵀ" : ""),
        KernelKind.Library when k.LibraryProducer is not null => k.LibraryProducer.Op + " + epilogue (" + string.Join(", ", k.Body.Select(n => n.Op)) + ")",
        KernelKind.Library when k.SecondOutput is not null => $"{k.Root.Op} + {k.SecondOutput.Op} (one pass)",
        KernelKind.Library => k.Root.Op,
        _ when k.ExtraRoots.Count > 0 => "fused loop with " + (k.ExtraRoots.Count + 1) + " outputs (" + string.Join(", ", k.Body.Select(n => n.Op)) + ")",
        _ when OpRegistry.ClassOf(k.Root) == OpClass.Reduction => (k.Body.Count > 1 ? "fused " : "") + k.Root.Op + " over " + k.Root.Inputs[0].Shape +
            (k.Body.Count > 1 ? " of (" + string.Join(", ", k.Body.Where(n => n != k.Root).Select(n => n.Op)) + ")" : ""),
        _ => (k.Body.Count > 1 ? "fused elementwise (" : "elementwise (") + string.Join(", ", k.Body.Select(n => n.Op)) + ")",
    };

    public static string Title(Kernel k, int count) =>
        $"Kernel {k.Index.ToString(CultureInfo.InvariantCulture)}/{count.ToString(CultureInfo.InvariantCulture)}: {Kind(k)} -> {string.Join(", ", k.Outputs.Select(o => "%" + o.Id + " " + o.Shape))}";

    public static string Summary(string method, string graphProperty, IReadOnlyList<KernelProgram> programs, int deadOps = 0)
    {
        var sb = new StringBuilder();
        sb.Append(method).Append(" -> ").Append(graphProperty).Append('\n');
        if (deadOps > 0) sb.Append(deadOps.ToString(CultureInfo.InvariantCulture)).Append(" op(s) of the method do not reach the result and were removed\n");
        foreach (var p in programs)
        {
            sb.Append(p.Graph.Name).Append(": ").Append(p.Graph.OpCount.ToString(CultureInfo.InvariantCulture)).Append(" graph ops in ")
              .Append(p.Kernels.Count.ToString(CultureInfo.InvariantCulture)).Append(" kernels, ")
              .Append(p.Memory.Buffers.Count.ToString(CultureInfo.InvariantCulture)).Append(" arena buffers\n");
            foreach (var k in p.Kernels)
            {
                sb.Append("  ").Append(Title(k, p.Kernels.Count)).Append('\n');
                if (k.Steps is { } steps)
                    foreach (var inner in steps.Program.Kernels) sb.Append("    step ").Append(Title(inner, steps.Program.Kernels.Count)).Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>The largest program as a Graphviz digraph; each kernel a cluster, leaves as ellipses.</summary>
    public static string Dot(string method, KernelProgram program, IReadOnlyList<string> inputNames, IReadOnlyList<string> captureNames)
    {
        var sb = new StringBuilder();
        sb.Append("digraph \"").Append(method).Append("\" {\n");
        sb.Append("  rankdir=TB;\n  node [shape=box, fontsize=10];\n");
        var nodes = program.Graph.Nodes();
        foreach (var n in nodes.Where(n => OpRegistry.ClassOf(n) == OpClass.Leaf))
            sb.Append("  n").Append(n.Id).Append(" [shape=ellipse, label=\"").Append(LeafLabel(n, inputNames, captureNames)).Append("\"];\n");
        var clustered = new HashSet<Node>();
        foreach (var k in program.Kernels)
        {
            sb.Append("  subgraph cluster_k").Append(k.Index).Append(" {\n");
            sb.Append("    label=\"kernel ").Append(k.Index).Append(": ").Append(Kind(k).Replace("\"", "'")).Append("\";\n    style=filled; color=lightgrey;\n");
            foreach (var n in ComputedNodes(k))
            {
                clustered.Add(n);
                sb.Append("    n").Append(n.Id).Append(" [label=\"%").Append(n.Id).Append(' ').Append(n.Op).Append("\\n").Append(n.Shape).Append("\"];\n");
            }
            sb.Append("  }\n");
        }
        foreach (var n in nodes.Where(n => OpRegistry.ClassOf(n) == OpClass.View))
            sb.Append("  n").Append(n.Id).Append(" [shape=note, label=\"%").Append(n.Id).Append(" view\\n").Append(n.Shape).Append("\"];\n");
        foreach (var n in nodes)
            foreach (var i in n.Inputs.Distinct())
                sb.Append("  n").Append(i.Id).Append(" -> n").Append(n.Id).Append(";\n");
        sb.Append("  result [shape=doublecircle, label=\"result\"];\n  n").Append(program.Graph.Result.Id).Append(" -> result;\n");
        for (int r = 0; r < program.Graph.MoreResults.Length; r++)
            sb.Append("  result").Append(r + 1).Append(" [shape=doublecircle, label=\"result ").Append(r + 1).Append("\"];\n  n")
              .Append(program.Graph.MoreResults[r].Id).Append(" -> result").Append(r + 1).Append(";\n");
        for (int c = 0; c < program.Graph.Gradients.Length; c++)
            if (program.Graph.Gradients[c] is { } g)
                sb.Append("  grad").Append(c).Append(" [shape=doublecircle, label=\"grad ").Append(captureNames[c]).Append("\"];\n  n").Append(g.Id).Append(" -> grad").Append(c).Append(";\n");
        sb.Append("}\n");
        return sb.ToString();
    }

    static string LeafLabel(Node n, IReadOnlyList<string> inputNames, IReadOnlyList<string> captureNames) => n.Op switch
    {
        OpNames.Input => inputNames[n.Attrs.Int("index")] + "\\n" + n.Shape,
        OpNames.Capture => captureNames[n.Attrs.Int("index")] + "\\n" + n.Shape,
        OpNames.Constant => n.Attrs.Text("value") ?? "",
        _ => "1/" + n.Attrs.Text("count"),
    };
}
