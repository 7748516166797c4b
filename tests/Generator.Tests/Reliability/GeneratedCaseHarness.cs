using System.Reflection;
using Kiln.Generator.Tests.Support;
using Microsoft.CodeAnalysis;

namespace Kiln.Generator.Tests.Reliability;

/// <summary>What one generated model source must satisfy, beyond never crashing the generator.</summary>
internal enum Expectation
{
    /// <summary>Compiles, or is refused with a KILN diagnostic; when it compiles, the graph agrees with the method.</summary>
    AgreeOrRefuse,
    /// <summary>Must compile (valid model) and agree with the method.</summary>
    Compile,
    /// <summary>Must get a KILN diagnostic (the generated code, if any, must still compile).</summary>
    Diagnose,
}

/// <summary>One generated case: a whole source file with a model class (full name <see cref="TypeName"/>).</summary>
/// <param name="Run">Whether the harness can instantiate the model to compare both modes (not for generic or static classes).</param>
/// <param name="DiagnosticId">For <see cref="Expectation.Diagnose"/>: the diagnostic that must be among those reported.</param>
internal sealed record GeneratedCase(string Kind, string Description, string Source, Expectation Expectation, string TypeName = "Cases.Model", bool Run = true,
    string? DiagnosticId = null, int[]? InputShape = null);

/// <summary>
/// Runs the generator on a case, compiles its output, and (when a graph was generated) runs the method on the tape
/// and the generated <c>LossGraph.Forward</c> on equal copies of the model, on the same random input [4, 5].
/// </summary>
internal static class GeneratedCaseHarness
{
    public const string Header = "using Kiln;\nusing Kiln.Nn;\nusing static Kiln.Ops;\n#pragma warning disable CS0169, CS0414, CS0649, CS8618\nnamespace Cases;\n";

    /// <summary>The problems of one case (empty: it holds), and whether it compiled to a graph.</summary>
    public static (List<string> Problems, bool Compiled, bool Refused) Check(GeneratedCase c)
    {
        var problems = new List<string>();
        var run = GeneratorDriverHarness.Run(GeneratorDriverHarness.CreateCompilation(c.Source));
        string Where() => $"[{c.Kind}] {c.Description}";
        if (run.Generator.Exception is { } exception) problems.Add($"{Where()}: the generator threw {exception.GetType().Name}: {exception.Message}");
        if (run.GeneratorDiagnostics.Any(d => d.Id is "CS8785" or "CS8784")) problems.Add($"{Where()}: CS8785");
        var internalError = run.KilnDiagnostics.FirstOrDefault(d => d.Id == "KILN9999");
        if (internalError is not null) problems.Add($"{Where()}: internal error {internalError.GetMessage()}");

        var inputErrors = run.Input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (inputErrors.Count > 0)
        {
            problems.Add($"{Where()}: the case itself does not compile: {inputErrors[0]}");
            return (problems, false, false);
        }
        var generatedErrors = run.OutputErrors.Where(d => d.Location.SourceTree is { } tree && tree.FilePath.EndsWith(".g.cs", StringComparison.Ordinal)).ToList();
        if (generatedErrors.Count > 0) problems.Add($"{Where()}: generated code does not compile: {generatedErrors[0]}");
        if (generatedErrors.Count == 0 && run.OutputErrors.Length > 0) problems.Add($"{Where()}: the output does not compile: {run.OutputErrors[0]}");

        bool refused = run.KilnDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
        bool generated = run.Generator.GeneratedSources.Length > 0;
        switch (c.Expectation)
        {
            case Expectation.Compile when refused || !generated:
                problems.Add($"{Where()}: a valid model was not compiled: {string.Join("; ", run.KilnDiagnostics.Select(d => d.Id + " " + d.GetMessage()))}");
                break;
            case Expectation.Diagnose when run.KilnDiagnostics.IsEmpty:
                problems.Add($"{Where()}: no KILN diagnostic");
                break;
            case Expectation.Diagnose when c.DiagnosticId is { } id && !run.KilnDiagnostics.Any(d => d.Id == id):
                problems.Add($"{Where()}: expected {id}, got {string.Join("; ", run.KilnDiagnostics.Select(d => d.Id + " " + d.GetMessage()))}");
                break;
        }
        if (problems.Count > 0 || !generated || refused || c.Expectation == Expectation.Diagnose || !c.Run) return (problems, false, refused);

        try
        {
            Compare(run.Output, c.TypeName, c.InputShape ?? new[] { 4, 5 }, problems, Where());
        }
        catch (Exception e)
        {
            problems.Add($"{Where()}: running it failed: {e.GetType().Name}: {e.Message}");
        }
        return (problems, true, refused);
    }

    static void Compare(Microsoft.CodeAnalysis.Compilation output, string typeName, int[] inputShape, List<string> problems, string where)
    {
        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        if (!emit.Success)
        {
            problems.Add($"{where}: emit failed: {emit.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error)}");
            return;
        }
        var assembly = Assembly.Load(stream.ToArray());
        var type = assembly.GetType(typeName) ?? throw new InvalidOperationException($"no type {typeName}");
        var first = (Kiln.Nn.Module)Activator.CreateInstance(type, nonPublic: true)!;
        var second = (Kiln.Nn.Module)Activator.CreateInstance(type, nonPublic: true)!;
        second.LoadStateDict(first.StateDict());
        var x = Kiln.Tensor.Randn(inputShape, new Kiln.Rng(7));

        Kiln.Tensor? expected = null;
        Exception? dynamicError = null;
        try
        {
            expected = (Kiln.Tensor)type.GetMethod("Loss")!.Invoke(first, new object[] { x })!;
        }
        catch (TargetInvocationException e)
        {
            dynamicError = e.InnerException;
        }
        var graph = type.GetProperty("LossGraph")!.GetValue(second)!;
        var forward = graph.GetType().GetMethod("Forward")!;
        Kiln.Tensor actual;
        try
        {
            actual = (Kiln.Tensor)forward.Invoke(graph, new object[] { x })!;
        }
        catch (TargetInvocationException e)
        {
            if (dynamicError is null) problems.Add($"{where}: the graph threw {e.InnerException!.GetType().Name} ({e.InnerException.Message}) where the method did not");
            return;
        }
        if (dynamicError is not null)
        {
            problems.Add($"{where}: the method threw {dynamicError.GetType().Name} ({dynamicError.Message}) but the graph compiled and ran");
            return;
        }
        // Both modes must leave the model in the same state (BatchNorm's running statistics, its batch count).
        var secondState = second.StateDict();
        foreach (var (name, value) in first.StateDict())
        {
            var p = value.ToArray();
            var q = secondState[name].ToArray();
            for (int i = 0; i < p.Length; i++)
                if (!(Math.Abs(p[i] - q[i]) <= 1e-4f * Math.Max(1f, Math.Abs(p[i]))))
                {
                    problems.Add($"{where}: state '{name}' differs at {i}: method {p[i]:R}, graph {q[i]:R}");
                    break;
                }
        }
        var e1 = expected!.ToArray();
        var a1 = actual.ToArray();
        if (e1.Length != a1.Length)
        {
            problems.Add($"{where}: {e1.Length} values from the method, {a1.Length} from the graph");
            return;
        }
        float scale = Math.Max(e1.Select(Math.Abs).DefaultIfEmpty(0f).Max(), 1e-3f);
        for (int i = 0; i < e1.Length; i++)
        {
            bool bothNaN = float.IsNaN(e1[i]) && float.IsNaN(a1[i]);
            if (!bothNaN && !(Math.Abs(e1[i] - a1[i]) <= 1e-4f * scale || e1[i] == a1[i]))
            {
                problems.Add($"{where}: silent disagreement at {i}: method {e1[i]:R}, graph {a1[i]:R}");
                return;
            }
        }
    }
}
