namespace Kiln.Generator.Models;

/// <summary>Which backend spells a compilation's kernels.</summary>
internal enum BackendKind
{
    /// <summary>C# over spans, on the CPU, through Kiln.Kernels (NativeAOT-safe, no dependencies).</summary>
    CSharp,
}

/// <summary>
/// Per-compilation settings the pipeline carries beside each spec (an equatable value, so it caches): today only
/// the backend, decided from the user's compilation in <see cref="For"/>.
/// </summary>
internal sealed record CompileOptions(BackendKind Backend)
{
    public static readonly CompileOptions Default = new(BackendKind.CSharp);

    /// <summary>The options for a user's compilation (every project gets the C# backend today).</summary>
    public static CompileOptions For(Microsoft.CodeAnalysis.Compilation compilation) => Default;
}
