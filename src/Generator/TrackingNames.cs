namespace Kiln.Generator;

/// <summary>Names of the incremental steps, so tests can assert which steps re-ran after an edit.</summary>
internal static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string ParseDiagnostics = nameof(ParseDiagnostics);
    public const string Specs = nameof(Specs);
    public const string Locations = nameof(Locations);
    public const string Options = nameof(Options);
    public const string Compile = nameof(Compile);
    public const string CompileDiagnostics = nameof(CompileDiagnostics);
    public const string LocatedDiagnostics = nameof(LocatedDiagnostics);
}
