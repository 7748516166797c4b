using Kiln.Generator.Tests.Support;
using Microsoft.CodeAnalysis;

namespace Kiln.Generator.Tests.Parsing;

/// <summary>
/// Baselines of the generated files for every seed model (Snapshots/&lt;Model&gt;.verified.cs), and a check that the
/// generated code compiles together with the model against the runtime.
/// </summary>
public sealed class GeneratedSnapshotTests
{
    public static TheoryData<string> Models() => new(SeedModels.Names);

    [Theory]
    [MemberData(nameof(Models))]
    public void SeedModel_GeneratesItsBaselineFile_ThatCompiles(string model) => VerifyGenerated(model);

    static void VerifyGenerated(string model)
    {
        var run = GeneratorDriverHarness.Run(GeneratorDriverHarness.CreateCompilation(SeedModels.File_(model)));

        Assert.True(run.KilnDiagnostics.IsEmpty, string.Join("\n", run.KilnDiagnostics));
        var generated = Assert.Single(run.Generator.GeneratedSources);
        Assert.True(run.OutputErrors.IsEmpty, string.Join("\n", run.OutputErrors.Take(10)));
        Snapshot.Verify($"{model}.verified.cs", generated.SourceText.ToString());
    }
}
