using Kiln.Generator.Models;
using Kiln.Generator.Tests.Support;

namespace Kiln.Generator.Tests.Parsing;

/// <summary>
/// Baselines of the parser's output (the GraphSpec and the op locations) for every seed model: a change in how the
/// front end lowers modules, loops or inlining shows up here as a reviewable diff before it reaches generated code.
/// </summary>
public sealed class SpecSnapshotTests
{
    public static TheoryData<string> Models() => new(SeedModels.Names);

    [Theory]
    [MemberData(nameof(Models))]
    public void SeedModel_ParsesToItsBaselineSpec(string model)
    {
        var run = GeneratorDriverHarness.Run(GeneratorDriverHarness.CreateCompilation(SeedModels.File_(model)));

        // The parser's own verdict; what the compiler core makes of the spec is the generated-file baselines' business.
        var parsed = run.Generator.TrackedSteps[TrackingNames.Parse].SelectMany(s => s.Outputs).Select(o => o.Value).OfType<ParseResult>().Single();
        Assert.Empty(parsed.Diagnostics);
        var spec = Assert.Single(run.Specs);
        var locations = run.Generator.TrackedSteps[TrackingNames.Locations].SelectMany(s => s.Outputs).Select(o => o.Value).OfType<MethodLocations>().Single();
        Snapshot.Verify($"{model}.spec.verified.txt", SpecPrinter.Print(spec, locations));
    }
}
