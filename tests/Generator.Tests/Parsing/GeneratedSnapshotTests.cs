using Kiln.Generator.Tests.Support;
using Microsoft.CodeAnalysis;

namespace Kiln.Generator.Tests.Parsing;

/// <summary>
/// Baselines of the generated files for every seed model (Snapshots/&lt;Model&gt;.verified.cs), and a check that the
/// generated code compiles together with the model against the runtime.
/// </summary>
public sealed class GeneratedSnapshotTests
{
    /// <summary>Models whose ops the compiler core does not lower yet (conv2d/max_pool2d, layer_norm/dropout on branch gen).</summary>
    static readonly string[] AwaitingCore = { "Cnn", "NormDropoutNet" };

    public static TheoryData<string> Models() => new(SeedModels.Names.Except(AwaitingCore));

    [Theory]
    [MemberData(nameof(Models))]
    public void SeedModel_GeneratesItsBaselineFile_ThatCompiles(string model) => VerifyGenerated(model);

    [Theory(Skip = "The compiler core (branch gen) reports conv2d and layer_norm as not supported yet; enable when it lowers them.")]
    [InlineData("Cnn")]
    [InlineData("NormDropoutNet")]
    public void SeedModelAwaitingCoreOps_GeneratesItsBaselineFile_ThatCompiles(string model) => VerifyGenerated(model);

    static void VerifyGenerated(string model)
    {
        var run = GeneratorDriverHarness.Run(GeneratorDriverHarness.CreateCompilation(SeedModels.File_(model)));

        Assert.True(run.KilnDiagnostics.IsEmpty, string.Join("\n", run.KilnDiagnostics));
        var generated = Assert.Single(run.Generator.GeneratedSources);
        Assert.True(run.OutputErrors.IsEmpty, string.Join("\n", run.OutputErrors.Take(10)));
        Snapshot.Verify($"{model}.verified.cs", generated.SourceText.ToString());
    }
}
