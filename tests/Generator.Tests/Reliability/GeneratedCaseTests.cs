using Xunit.Abstractions;

namespace Kiln.Generator.Tests.Reliability;

/// <summary>
/// Every generated case holds: no internal error, no generated code that fails to compile, and no compiled graph
/// that disagrees with its method (or compiles a method that would throw); per kind, the counts are printed.
/// </summary>
public sealed class GeneratedCaseTests
{
    readonly ITestOutputHelper output;

    public GeneratedCaseTests(ITestOutputHelper output) => this.output = output;

    [Theory]
    [InlineData("arithmetic")]
    [InlineData("names")]
    [InlineData("malformed")]
    [InlineData("diagnose")]
    [InlineData("loops")]
    [InlineData("constructor sizes")]
    [InlineData("custom functions")]
    public void EveryGeneratedCaseOfTheKind_Holds(string kind)
    {
        var cases = GeneratedCases.All().Where(c => c.Kind == kind).ToList();
        var problems = new List<string>();
        int compiled = 0, refused = 0;
        foreach (var c in cases)
        {
            var (caseProblems, ran, diagnosed) = GeneratedCaseHarness.Check(c);
            problems.AddRange(caseProblems);
            if (ran) compiled++;
            if (diagnosed) refused++;
        }
        output.WriteLine($"{kind}: {cases.Count} cases, {compiled} compiled and agreed with their method, {refused} refused with a diagnostic, {problems.Count} problems");
        Assert.True(problems.Count == 0, $"{problems.Count} of {cases.Count} cases failed:\n" + string.Join("\n", problems.Take(40)));
    }

    [Fact]
    public void ThereAreAtLeastThreeHundredGeneratedCases() => Assert.True(GeneratedCases.All().Count() >= 300, $"{GeneratedCases.All().Count()} cases");
}
