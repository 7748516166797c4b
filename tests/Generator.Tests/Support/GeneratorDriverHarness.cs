using System.Collections.Immutable;
using Kiln.Generator;
using Kiln.Generator.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Kiln.Generator.Tests.Support;

/// <summary>One generator run: the driver (to run again incrementally), its result, and the compilation it produced.</summary>
internal sealed record GeneratorRun(GeneratorDriver Driver, GeneratorDriverRunResult Result, Microsoft.CodeAnalysis.Compilation Input, Microsoft.CodeAnalysis.Compilation Output)
{
    public GeneratorRunResult Generator => Result.Results.Single();

    /// <summary>Diagnostics the generator reported (KILN*), plus any driver-level ones (CS8785 when a generator throws).</summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics => Result.Diagnostics;

    public ImmutableArray<Diagnostic> KilnDiagnostics => GeneratorDiagnostics.Where(d => d.Id.StartsWith("KILN", StringComparison.Ordinal)).ToImmutableArray();

    public ImmutableArray<Diagnostic> OutputErrors =>
        Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();

    /// <summary>The specs the parser produced, read from the tracked Specs step.</summary>
    public IReadOnlyList<GraphSpec> Specs => Generator.TrackedSteps.TryGetValue(TrackingNames.Specs, out var steps)
        ? steps.SelectMany(step => step.Outputs).Select(output => output.Value).OfType<GraphSpec>().ToList()
        : Array.Empty<GraphSpec>();
}

/// <summary>
/// Builds compilations from source strings against Kiln.Runtime and the framework, and runs KilnGenerator on them
/// with step tracking on, as a build would (but in-process, so tests see every step's output).
/// </summary>
internal static class GeneratorDriverHarness
{
    public const string Usings = "using Kiln;\nusing Kiln.Nn;\nusing static Kiln.Ops;\n";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The framework the tests run on: its assemblies are what a net10.0 model project compiles against.
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var framework = trusted.Where(path =>
        {
            string name = Path.GetFileNameWithoutExtension(path);
            return name is "netstandard" or "mscorlib" || name.StartsWith("System", StringComparison.Ordinal);
        });
        return framework
            .Append(typeof(Tensor).Assembly.Location)
            .Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CreateCompilation(sources.Select((source, i) => ($"Model{i}.cs", source)).ToArray());

    public static CSharpCompilation CreateCompilation(params (string Path, string Source)[] files) => CSharpCompilation.Create(
        "Kiln.Models",
        files.Select(file => CSharpSyntaxTree.ParseText(file.Source, ParseOptions, file.Path)),
        References.Value,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));

    public static GeneratorDriver CreateDriver(IIncrementalGenerator? generator = null) => CSharpGeneratorDriver.Create(
        new[] { (generator ?? new KilnGenerator()).AsSourceGenerator() },
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(Microsoft.CodeAnalysis.Compilation compilation, GeneratorDriver? driver = null)
    {
        driver = (driver ?? CreateDriver()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return new GeneratorRun(driver, driver.GetRunResult(), compilation, output);
    }

    public static GeneratorRun Run(params string[] sources) => Run(CreateCompilation(sources));
}
