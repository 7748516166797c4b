namespace Kiln.Generator.Models;

/// <summary>Which backend spells a compilation's kernels.</summary>
internal enum BackendKind
{
    /// <summary>C# over spans, on the CPU, through Kiln.Kernels (NativeAOT-safe, no dependencies).</summary>
    CSharp,
}

/// <summary>
/// Per-compilation settings the pipeline carries beside each spec (an equatable value, so it caches): the backend
/// of the graph's own kernels, and whether each graph also gets an ILGPU device program, both decided from the
/// user's compilation in <see cref="For"/>.
/// </summary>
internal sealed record CompileOptions(BackendKind Backend, bool IlgpuDevicePrograms = false)
{
    /// <summary>Cancels a compilation between passes (the build was cancelled or the input changed). Not part of equality.</summary>
    public System.Threading.CancellationToken CancellationToken { get; init; }

    public bool Equals(CompileOptions? other) => other is not null && Backend == other.Backend && IlgpuDevicePrograms == other.IlgpuDevicePrograms;

    public override int GetHashCode() => (int)Backend * 2 + (IlgpuDevicePrograms ? 1 : 0);

    public static readonly CompileOptions Default = new(BackendKind.CSharp);

    /// <summary>
    /// The options for a user's compilation: the C# backend always; device programs when the compilation references
    /// both ILGPU and Kiln.Accelerators (detected by type, as System.Text.Json's generator detects its types), so a
    /// project without them gets exactly the CPU output.
    /// </summary>
    public static CompileOptions For(Microsoft.CodeAnalysis.Compilation compilation) =>
        compilation.GetTypeByMetadataName(TypeNames.IlgpuContext) is not null && compilation.GetTypeByMetadataName(TypeNames.DeviceGraph) is not null
            ? new CompileOptions(BackendKind.CSharp, IlgpuDevicePrograms: true)
            : Default;
}
