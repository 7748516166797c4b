using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Kiln.Generator.Tests.Passes;

/// <summary>Compiles generated source (plus hand-written model and driver code) in memory against Kiln.Runtime and loads it.</summary>
internal static class RoslynHarness
{
    static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToList();
        paths.Add(typeof(Kiln.Tensor).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    });

    public static Assembly Compile(params string[] sources)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, options, path: $"source{i}.cs")).ToArray();
        var compilation = CSharpCompilation.Create("KilnGenerated" + Guid.NewGuid().ToString("N"), trees, References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release,
                allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        var problems = emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (!emit.Success || problems.Count > 0)
            throw new InvalidOperationException("generated code does not compile cleanly:\n" + string.Join("\n", problems.Select(d => d.ToString())) +
                                                "\n---- generated ----\n" + sources[0]);
        return Assembly.Load(stream.ToArray());
    }
}
