using Kiln.Generator.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Kiln.Generator.Tests.Parsing;

/// <summary>
/// The generator never throws: hundreds of systematically broken model sources (deleted tokens, swapped operators,
/// wrong and invalid shapes, unknown calls, data-dependent ifs, garbage, truncations) must each end in a diagnostic
/// (a KILN one or the C# compiler's) or in a spec, and never in CS8785 or an exception in the run result.
/// </summary>
public sealed class RobustnessTests
{
    delegate string? Mutation(string source, Random random);

    static readonly (string Name, Mutation Apply)[] Mutations =
    {
        ("delete a token of the method", (source, random) => EditToken(source, random, _ => "")),
        ("swap an arithmetic operator", (source, random) => EditToken(source, random, token => token.Text switch
        {
            "+" => "*", "-" => "/", "*" => "-", "/" => "+", _ => null,
        })),
        ("rename an Ops call", (source, random) => EditToken(source, random, token => token.IsKind(SyntaxKind.IdentifierToken) && token.Parent?.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax ? token.Text + "Typo" : null)),
        ("call an unknown method", (source, random) => InsertIntoBody(source, "var unknown = System.Math.Abs(-1);")),
        ("call a helper outside the class", (source, random) => InsertIntoBody(source, "System.Console.WriteLine(\"hello\");")),
        ("branch on tensor data", (source, random) => InsertIntoBody(source, $"if ({FirstParameter(source)}.Sum().Item() > {random.Next(3)}) {{ }}")),
        ("loop with a data-dependent bound", (source, random) => InsertIntoBody(source, $"for (int i = 0; i < {FirstParameter(source)}.Shape[0]; i++) {{ }}")),
        ("contradict a shape", (source, random) => ReplaceShapeNumber(source, random, n => (n + 1 + random.Next(5)).ToString())),
        ("invalid shape dimension", (source, random) => ReplaceShapeNumber(source, random, _ => random.Next(2) == 0 ? "0" : "-3")),
        ("symbolic name that is not an identifier", (source, random) => ReplaceShapeNumber(source, random, _ => "\"1bad\"")),
        ("drop partial", (source, random) => source.Contains("partial class", StringComparison.Ordinal) ? source.Replace("partial class", "class", StringComparison.Ordinal) : null),
        ("drop a [Shape]", (source, random) => RemoveFirst(source, "[Shape(", ")] ")),
        ("insert garbage", (source, random) =>
        {
            string[] garbage = { "@#$", "}}", "Tensor Tensor", "[Compile]", "=> =>", "return;", "yield return x;", "((", "\"unterminated", "unsafe { }" };
            int at = random.Next(source.Length);
            return source.Insert(at, " " + garbage[random.Next(garbage.Length)] + " ");
        }),
        ("truncate inside the method", (source, random) =>
        {
            int start = source.IndexOf("[Compile]", StringComparison.Ordinal);
            return start < 0 ? null : source.Substring(0, start + random.Next(source.Length - start));
        }),
        ("duplicate a line", (source, random) =>
        {
            var lines = source.Split('\n').ToList();
            int at = random.Next(lines.Count);
            lines.Insert(at, lines[at]);
            return string.Join('\n', lines);
        }),
        ("make a module size non-constant", (source, random) => source.Contains("new(", StringComparison.Ordinal)
            ? source.Replace("new(", "new(System.Environment.ProcessorCount + ", StringComparison.Ordinal)
            : null),
        ("assign a field in the method", (source, random) => InsertIntoBody(source, "Train();")),
        ("return a float", (source, random) => source.Replace("public Tensor Loss", "public float Loss", StringComparison.Ordinal)),
    };

    public static IEnumerable<(string Description, string Source)> MutatedSources()
    {
        foreach (var model in SeedModels.Names)
        {
            string original = SeedModels.Source(model);
            for (int m = 0; m < Mutations.Length; m++)
                for (int variant = 0; variant < 2; variant++)
                {
                    // A stable seed per case (string.GetHashCode differs per process), so a failure reproduces.
                    var random = new Random(StableSeed($"{model}/{m}/{variant}"));
                    string? mutated = Mutations[m].Apply(original, random);
                    if (mutated is not null && mutated != original)
                        yield return ($"{model}: {Mutations[m].Name} #{variant}", mutated);
                }
        }
    }

    [Fact]
    public void MutatedAndInvalidModels_AreReportedOrCompiled_AndNeverCrashTheGenerator()
    {
        var cases = MutatedSources().ToList();
        Assert.True(cases.Count >= 200, $"only {cases.Count} mutated sources");

        var failures = new List<string>();
        int kilnReported = 0, compilerReported = 0, compiled = 0;
        foreach (var (description, source) in cases)
        {
            var run = GeneratorDriverHarness.Run(GeneratorDriverHarness.CreateCompilation(source));
            if (run.Generator.Exception is { } exception)
                failures.Add($"{description}: the generator threw {exception.GetType().Name}: {exception.Message}");
            if (run.GeneratorDiagnostics.Concat(run.Output.GetDiagnostics()).Any(d => d.Id is "CS8785" or "CS8784"))
                failures.Add($"{description}: CS8785");
            if (run.KilnDiagnostics.Any(d => d.Id == "KILN9999"))
                failures.Add($"{description}: internal error {run.KilnDiagnostics.First(d => d.Id == "KILN9999").GetMessage()}");

            // A method that does not compile is the C# compiler's to report: no KILN diagnostic on top of its errors.
            if (CompileMethodSpan(source) is { } methodSpan
                && run.Input.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error && methodSpan.Contains(d.Location.SourceSpan))
                && !run.KilnDiagnostics.IsEmpty)
                failures.Add($"{description}: KILN noise on a method with compile errors: {run.KilnDiagnostics[0]}");

            bool kiln = !run.KilnDiagnostics.IsEmpty;
            bool compiler = run.Input.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error);
            bool spec = run.Specs.Count > 0;
            if (kiln) kilnReported++;
            else if (compiler) compilerReported++;
            else if (spec) compiled++;
            else failures.Add($"{description}: neither a diagnostic nor a spec");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // Each outcome must actually occur, or the mutations are not testing what they claim.
        Assert.True(kilnReported >= 40, $"only {kilnReported} sources got a KILN diagnostic");
        Assert.True(compilerReported > 0 && compiled > 0, $"compiler errors: {compilerReported}, compiled: {compiled}");
    }

    [Fact]
    public void AnExpressionThousandsOfOperatorsDeep_IsADiagnostic_NotAStackOverflow()
    {
        string sum = string.Join(" + ", Enumerable.Repeat("x", 6000));
        var run = GeneratorDriverHarness.Run(GeneratorDriverHarness.Usings + $$"""
            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x) => ({{sum}}).Sum();
            }
            """);
        Assert.Null(run.Generator.Exception);
        Assert.Equal("KILN0001", Assert.Single(run.GeneratorDiagnostics).Id);
    }

    [Fact]
    public void NestedLoopsThatUnrollTooFar_AreADiagnostic_NotAHungBuild()
    {
        var run = GeneratorDriverHarness.Run(GeneratorDriverHarness.Usings + """
            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x)
                {
                    var h = x;
                    for (int i = 0; i < 4000; i++)
                        for (int j = 0; j < 4000; j++)
                            h = h * 0.5f;
                    return h.Sum();
                }
            }
            """);
        Assert.Null(run.Generator.Exception);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.True(diagnostic.Id is "KILN0001" or "KILN0003", diagnostic.ToString());
    }

    [Fact]
    public void ALoopUnrolledThousandsOfTimes_StillCompiles()
    {
        var run = GeneratorDriverHarness.Run(GeneratorDriverHarness.Usings + """
            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x)
                {
                    var h = x;
                    for (int i = 0; i < 2000; i++) h = Tanh(h);
                    return h.Sum();
                }
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.Generator.GeneratedSources);
    }

    static Microsoft.CodeAnalysis.Text.TextSpan? CompileMethodSpan(string source) =>
        CSharpSyntaxTree.ParseText(source, GeneratorDriverHarness.ParseOptions).GetRoot()
            .DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>()
            .FirstOrDefault(m => m.AttributeLists.ToString().Contains("Compile", StringComparison.Ordinal))?.Span;

    static int StableSeed(string text)
    {
        unchecked
        {
            int hash = (int)2166136261;
            foreach (char c in text) hash = (hash ^ c) * 16777619;
            return hash & 0x7fffffff;
        }
    }

    static string? EditToken(string source, Random random, Func<SyntaxToken, string?> replacement)
    {
        var root = CSharpSyntaxTree.ParseText(source, GeneratorDriverHarness.ParseOptions).GetRoot();
        var method = root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>()
            .FirstOrDefault(m => m.AttributeLists.ToString().Contains("Compile", StringComparison.Ordinal));
        if (method is null) return null;
        var candidates = method.DescendantTokens()
            .Select(token => (Token: token, Text: replacement(token)))
            .Where(pair => pair.Text is not null)
            .ToList();
        if (candidates.Count == 0) return null;
        var (token, text) = candidates[random.Next(candidates.Count)];
        return source.Remove(token.SpanStart, token.Span.Length).Insert(token.SpanStart, text!);
    }

    /// <summary>Puts a statement first in the [Compile] method, turning an expression body into a block.</summary>
    static string? InsertIntoBody(string source, string statement)
    {
        var root = CSharpSyntaxTree.ParseText(source, GeneratorDriverHarness.ParseOptions).GetRoot();
        var method = root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>()
            .FirstOrDefault(m => m.AttributeLists.ToString().Contains("Compile", StringComparison.Ordinal));
        if (method is null) return null;
        if (method.Body is { } body)
            return source.Insert(body.OpenBraceToken.Span.End, "\n        " + statement);
        if (method.ExpressionBody is { } arrow)
        {
            string replacement = $"{{ {statement} return {arrow.Expression}; }}";
            int end = method.SemicolonToken.Span.End;
            return source.Remove(arrow.SpanStart, end - arrow.SpanStart).Insert(arrow.SpanStart, replacement);
        }
        return null;
    }

    static string FirstParameter(string source)
    {
        var root = CSharpSyntaxTree.ParseText(source, GeneratorDriverHarness.ParseOptions).GetRoot();
        return root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>()
            .Where(m => m.AttributeLists.ToString().Contains("Compile", StringComparison.Ordinal))
            .SelectMany(m => m.ParameterList.Parameters)
            .Select(p => p.Identifier.Text)
            .FirstOrDefault() ?? "x";
    }

    static string? ReplaceShapeNumber(string source, Random random, Func<int, string> replacement)
    {
        var matches = System.Text.RegularExpressions.Regex.Matches(source, @"\[Shape\(([^)]*)\)\]");
        var numbers = matches.SelectMany(match => System.Text.RegularExpressions.Regex.Matches(match.Groups[1].Value, @"\b\d+\b")
            .Select(number => (Index: match.Groups[1].Index + number.Index, number.Length, Value: int.Parse(number.Value)))).ToList();
        if (numbers.Count == 0) return null;
        var chosen = numbers[random.Next(numbers.Count)];
        return source.Remove(chosen.Index, chosen.Length).Insert(chosen.Index, replacement(chosen.Value));
    }

    static string? RemoveFirst(string source, string start, string end)
    {
        int from = source.IndexOf(start, StringComparison.Ordinal);
        if (from < 0) return null;
        int to = source.IndexOf(end, from, StringComparison.Ordinal);
        return to < 0 ? null : source.Remove(from, to + end.Length - from);
    }
}
