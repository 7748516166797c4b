using System.Collections;
using System.Reflection;
using Kiln.Generator.Models;
using Kiln.Generator.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Kiln.Generator.Tests.Parsing;

/// <summary>
/// The pipeline is incremental: an unrelated edit re-runs nothing, editing one model re-runs only that model, moving
/// a method re-runs only the locations, and no step output holds a symbol, syntax node, compilation or location.
/// </summary>
public sealed class IncrementalCachingTests
{
    static readonly string[] TrackedStepNames =
    {
        TrackingNames.Parse, TrackingNames.ParseDiagnostics, TrackingNames.Specs, TrackingNames.Locations, TrackingNames.Compile,
        TrackingNames.CompileDiagnostics, TrackingNames.LocatedDiagnostics,
    };

    static CSharpCompilation TwoModels() => GeneratorDriverHarness.CreateCompilation(
        SeedModels.File_("MlpClassifier"),
        SeedModels.File_("Cnn"),
        ("Other.cs", "namespace Elsewhere { public class Unrelated { public int Value => 42; } }"));

    static SyntaxTree Tree(Microsoft.CodeAnalysis.Compilation compilation, string path) => compilation.SyntaxTrees.Single(t => t.FilePath == path);

    static Microsoft.CodeAnalysis.Compilation Edit(Microsoft.CodeAnalysis.Compilation compilation, string path, Func<string, string> edit)
    {
        var tree = Tree(compilation, path);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(edit(tree.GetText().ToString()))));
    }

    static IEnumerable<(string Step, IncrementalStepRunReason Reason, object Value)> Outputs(GeneratorRun run, string step) =>
        run.Generator.TrackedSteps.TryGetValue(step, out var steps)
            ? steps.SelectMany(s => s.Outputs).Select(o => (step, o.Reason, o.Value))
            : Enumerable.Empty<(string, IncrementalStepRunReason, object)>();

    static void AssertEveryTrackedStepCachedOrUnchanged(GeneratorRun run)
    {
        foreach (var step in TrackedStepNames)
            foreach (var output in Outputs(run, step))
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                    $"step {step} re-ran ({output.Reason}) for {output.Value}");
    }

    static IncrementalStepRunReason CompileReason(GeneratorRun run, string model) =>
        Outputs(run, TrackingNames.Compile).Single(o => ((CompileResult)o.Value).HintName.Contains($".{model}.", StringComparison.Ordinal)).Reason;

    [Fact]
    public void FirstRun_TracksEveryStep()
    {
        var run = GeneratorDriverHarness.Run(TwoModels());
        foreach (var step in new[] { TrackingNames.Parse, TrackingNames.Specs, TrackingNames.Locations, TrackingNames.Compile, TrackingNames.CompileDiagnostics })
            Assert.Equal(2, Outputs(run, step).Count());
        Assert.Single(Outputs(run, TrackingNames.LocatedDiagnostics));
    }

    [Fact]
    public void AddingAnUnrelatedFile_LeavesEveryStepCachedOrUnchanged()
    {
        var compilation = TwoModels();
        var first = GeneratorDriverHarness.Run(compilation);
        var second = GeneratorDriverHarness.Run(
            compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("public static class Added { }", GeneratorDriverHarness.ParseOptions, "Added.cs")),
            first.Driver);
        AssertEveryTrackedStepCachedOrUnchanged(second);
    }

    [Fact]
    public void EditingACommentInAnotherFile_LeavesEveryStepCachedOrUnchanged()
    {
        var compilation = TwoModels();
        var first = GeneratorDriverHarness.Run(compilation);
        var second = GeneratorDriverHarness.Run(Edit(compilation, "Other.cs", text => "// a comment\n" + text), first.Driver);
        AssertEveryTrackedStepCachedOrUnchanged(second);
    }

    [Fact]
    public void EditingOneModel_RecompilesOnlyThatModel()
    {
        var compilation = TwoModels();
        var first = GeneratorDriverHarness.Run(compilation);
        var edited = Edit(compilation, "Models/MlpClassifier.cs", text => text
            .Replace("new(784, 256)", "new(784, 128)", StringComparison.Ordinal)
            .Replace("new(256, 10)", "new(128, 10)", StringComparison.Ordinal));
        var second = GeneratorDriverHarness.Run(edited, first.Driver);

        // The edited model's spec changed, so its compile step ran again (Modified, or Unchanged if its output happened
        // to be equal); the other model's compile step did not run at all (Cached).
        Assert.NotEqual(IncrementalStepRunReason.Cached, CompileReason(second, "MlpClassifier"));
        Assert.Equal(IncrementalStepRunReason.Cached, CompileReason(second, "Cnn"));
        var specReasons = Outputs(second, TrackingNames.Specs).ToDictionary(o => ((GraphSpec)o.Value).ContainingType.FullyQualifiedName, o => o.Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, specReasons.Single(p => p.Key.EndsWith(".MlpClassifier", StringComparison.Ordinal)).Value);
        Assert.Contains(specReasons.Single(p => p.Key.EndsWith(".Cnn", StringComparison.Ordinal)).Value,
            new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged });
    }

    [Fact]
    public void MovingAMethod_UpdatesLocationsButDoesNotRecompile()
    {
        var compilation = TwoModels();
        var first = GeneratorDriverHarness.Run(compilation);
        var second = GeneratorDriverHarness.Run(Edit(compilation, "Models/MlpClassifier.cs", text => "\n\n\n" + text), first.Driver);

        Assert.Contains(Outputs(second, TrackingNames.Locations), o => o.Reason == IncrementalStepRunReason.Modified);
        foreach (var output in Outputs(second, TrackingNames.Specs).Concat(Outputs(second, TrackingNames.Compile)))
            Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{output.Step}: {output.Reason}");
    }

    [Fact]
    public void EditingAnInlinedHelperInAnotherFile_ReparsesTheModelThatUsesIt()
    {
        var compilation = GeneratorDriverHarness.CreateCompilation(
            ("Model.cs", GeneratorDriverHarness.Usings + """
                public partial class Model : Module
                {
                    [Compile]
                    public Tensor Loss([Shape("N", 4)] Tensor x) => Activate(x).Sum();
                }
                """),
            ("Helpers.cs", GeneratorDriverHarness.Usings + """
                public partial class Model
                {
                    Tensor Activate(Tensor t) => Relu(t);
                }
                """));
        var first = GeneratorDriverHarness.Run(compilation);
        var second = GeneratorDriverHarness.Run(Edit(compilation, "Helpers.cs", text => text.Replace("Relu(t)", "Tanh(t)", StringComparison.Ordinal)), first.Driver);

        var spec = Assert.Single(second.Specs);
        Assert.Equal("tanh", spec.Ops[0].Op);
        Assert.NotEqual(IncrementalStepRunReason.Cached, Outputs(second, TrackingNames.Compile).Single().Reason);
    }

    [Fact]
    public void NoStepOutput_HoldsASymbolSyntaxNodeCompilationOrLocation()
    {
        var compilation = TwoModels();
        var first = GeneratorDriverHarness.Run(compilation);
        var second = GeneratorDriverHarness.Run(Edit(compilation, "Models/Cnn.cs", text => text.Replace("new MaxPool2d(2)", "new MaxPool2d(2, 2)", StringComparison.Ordinal)), first.Driver);
        // A source with a diagnostic, so DiagnosticInfo/LocationInfo outputs are walked too.
        var broken = GeneratorDriverHarness.Run(GeneratorDriverHarness.Usings + """
            public partial class Broken : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", 0)] Tensor x) => x.Sum();
            }
            """);

        // Roslyn's own steps inside ForAttributeWithMetadataName hold syntax trees by design; ours must not.
        int walked = 0;
        foreach (var run in new[] { first, second, broken })
            foreach (var steps in TrackedStepNames.Where(run.Generator.TrackedSteps.ContainsKey).Select(name => run.Generator.TrackedSteps[name]))
                foreach (var step in steps)
                    foreach (var (value, _) in step.Outputs)
                    {
                        AssertNoRoslynObjects(value, new HashSet<object>(ReferenceEqualityComparer.Instance), value.GetType().Name, 0);
                        walked++;
                    }
        Assert.True(walked > 10, $"only {walked} outputs walked");
    }

    [Fact]
    public void TheWalker_FindsALocationHiddenInARecord()
    {
        var hidden = (Name: "spec", Where: new[] { Location.Create("a.cs", default, default) });
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() =>
            AssertNoRoslynObjects(hidden, new HashSet<object>(ReferenceEqualityComparer.Instance), "hidden", 0));
    }

    static readonly Type[] Forbidden =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(Microsoft.CodeAnalysis.Compilation), typeof(SemanticModel), typeof(Location), typeof(SyntaxTree),
        typeof(IOperation),
    };

    static void AssertNoRoslynObjects(object? value, HashSet<object> seen, string path, int depth)
    {
        if (value is null || value is string || value is Pointer) return;
        var type = value.GetType();
        if (type.IsPrimitive || type.IsEnum || type.IsPointer) return;
        foreach (var forbidden in Forbidden)
            Assert.False(forbidden.IsInstanceOfType(value), $"{path} holds a {forbidden.Name} ({type.Name})");
        if (!type.IsValueType && !seen.Add(value)) return;
        Assert.True(depth < 64, $"{path}: object graph deeper than 64");

        if (value is IEnumerable sequence && type.IsArray)
        {
            int index = 0;
            foreach (var item in sequence) AssertNoRoslynObjects(item, seen, $"{path}[{index++}]", depth + 1);
            return;
        }
        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
            foreach (var field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.FieldType.IsPointer || field.FieldType.IsByRefLike) continue;
                AssertNoRoslynObjects(field.GetValue(value), seen, $"{path}.{field.Name}", depth + 1);
            }
    }
}
