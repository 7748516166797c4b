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

    [Fact]
    public void ARnnOverTenTimesTheSteps_GeneratesTheSameCode_ButForTheStepCount()
    {
        // The sequence is a loop of the graph, not unrolled: the generated file does not grow with the sequence length.
        string Generate(int steps) => Assert.Single(GeneratorDriverHarness.Run(GeneratorDriverHarness.CreateCompilation(GeneratorDriverHarness.Usings + $$"""
            public partial class Model : Module
            {
                readonly Rnn rnn = new(8, 16, numLayers: 2, batchFirst: true);

                [Compile]
                public Tensor Loss([Shape("N", {{steps}}, 8)] Tensor x) => rnn.Forward(x).Item1.Sum();
            }
            """)).Generator.GeneratedSources).SourceText.ToString();
        var five = Generate(5).Split('\n');
        var fifty = Generate(50).Split('\n');
        Assert.Equal(five.Length, fifty.Length);
        var differing = five.Zip(fifty, (a, b) => (a, b)).Where(p => p.a != p.b).ToList();
        // Only the step count differs: shapes [50,N,16], "loop over 50 steps", a sequence's extent N*50*16 = N*800.
        Assert.NotEmpty(differing);
        Assert.All(differing, p => Assert.True(p.b.Contains("50") || p.b.Contains("800"), $"{p.a}\n{p.b}"));
    }

    static void VerifyGenerated(string model)
    {
        var run = GeneratorDriverHarness.Run(GeneratorDriverHarness.CreateCompilation(SeedModels.File_(model)));

        Assert.True(run.KilnDiagnostics.IsEmpty, string.Join("\n", run.KilnDiagnostics));
        var generated = Assert.Single(run.Generator.GeneratedSources);
        Assert.True(run.OutputErrors.IsEmpty, string.Join("\n", run.OutputErrors.Take(10)));
        Snapshot.Verify($"{model}.verified.cs", generated.SourceText.ToString());
    }
}
