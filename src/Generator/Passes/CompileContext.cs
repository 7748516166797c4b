using System.Collections.Generic;
using Kiln.Generator.Graph;
using Kiln.Generator.Models;

namespace Kiln.Generator.Passes;

/// <summary>State shared by the passes of one compilation: the spec, the interning builder and the diagnostics.</summary>
internal sealed class CompileContext
{
    public CompileContext(GraphSpec spec, Emit.IKernelBackend backend)
    {
        Spec = spec;
        Backend = backend;
    }

    public GraphSpec Spec { get; }

    /// <summary>Checked between passes, so a cancelled build stops compiling instead of reporting an error.</summary>
    public System.Threading.CancellationToken CancellationToken { get; init; }

    /// <summary>The backend this compilation emits kernels for (its scratch needs shape the schedule).</summary>
    public Emit.IKernelBackend Backend { get; }
    public GraphBuilder Builder { get; } = new();
    public List<CompileDiagnostic> Diagnostics { get; } = new();

    /// <summary>For each node id created from the spec, the index of the spec op it came from (for diagnostics).</summary>
    public List<int> OriginOp { get; } = new();

    public bool HasErrors => Diagnostics.Count > 0;

    public void Report(string id, int opIndex, params string[] args) =>
        Diagnostics.Add(new CompileDiagnostic(id, opIndex, new Helpers.EquatableArray<string>(args)));

    public int OriginOf(Node node) => node.Id < OriginOp.Count ? OriginOp[node.Id] : -1;
}

/// <summary>Diagnostic ids the core reports (the descriptors live with the Roslyn front end).</summary>
internal static class DiagnosticIds
{
    public const string Unsupported = "KILN0001";
    public const string ShapeContradiction = "KILN0101";
    public const string NoGradientRule = "KILN0102";
    public const string InternalError = "KILN9999";
}
