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
    /// <summary>Cancels a compilation between passes (the build was cancelled or the input changed). Not part of equality.</summary>
    public System.Threading.CancellationToken CancellationToken { get; init; }

    public bool Equals(CompileOptions? other) => other is not null && Backend == other.Backend;

    public override int GetHashCode() => (int)Backend;

    public static readonly CompileOptions Default = new(BackendKind.CSharp);

    /// <summary>The options for a user's compilation (every project gets the C# backend today).</summary>
    public static CompileOptions For(Microsoft.CodeAnalysis.Compilation compilation) => Default;
}
