using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace Kiln.Generator.Emit.CSharp;

/// <summary>
/// Places each kernel of a program body in a private static method of the graph class, called from the body with
/// the body's locals it uses (spans, symbolic dims, flags) as arguments of the same names and types.
/// </summary>
/// <remarks>
/// Why: with every kernel written inline the program body is one huge method (hundreds of locals), and the JIT gives up
/// inlining in it: the per-element helpers (Pointwise.Tanh, Vector&lt;float&gt;.CopyTo) stay calls, some of them
/// tier-0 code for seconds. One small method per kernel stays within the JIT's inlining budget. Spans are ref structs
/// and cannot be captured by local functions, hence explicit parameters. Arguments keep the body's local names, so a
/// kernel's statements read the same in its method as they would inline.
/// </remarks>
internal sealed class KernelMethods
{
    readonly string aggressiveOptimization;
    readonly List<(string Name, string Type)> scope = new();
    readonly HashSet<string> declared = new(StringComparer.Ordinal);
    readonly CodeWriter methods = new();
    int count;

    /// <param name="aggressiveOptimization">The attribute each kernel method carries (its loops are hot from the first step).</param>
    public KernelMethods(string aggressiveOptimization) => this.aggressiveOptimization = aggressiveOptimization;

    /// <summary>Records a local of the program body that a kernel may read or write, in declaration order (the parameters' order).</summary>
    public void Declare(string name, string type)
    {
        if (!declared.Add(name)) throw new InvalidOperationException($"the program body declares '{name}' twice");
        scope.Add((name, type));
    }

    /// <summary>
    /// Writes the kernel's statements (from <paramref name="statements"/>) into a new method named
    /// <paramref name="methodName"/> with <paramref name="description"/> as comment lines above it, and a call of it
    /// (after the description's first line) into <paramref name="body"/>.
    /// </summary>
    public void Emit(CodeWriter body, string methodName, IReadOnlyList<string> description, Action<CodeWriter> statements)
    {
        var kernel = new CodeWriter();
        statements(kernel);
        string text = kernel.ToString();
        var used = UsedIdentifiers(text);
        // The spans first (what the kernel reads and writes), then the sizes and flags, each group in declaration order.
        var parameters = scope.Where(l => used.Contains(l.Name)).OrderBy(l => IsSpan(l.Type) ? 0 : 1).ToList();

        body.Line("// " + description[0]);
        body.Line($"{methodName}({string.Join(", ", parameters.Select(p => p.Name))});");

        if (count++ > 0) methods.Line();
        foreach (var line in description) methods.Line("// " + line);
        methods.Line(aggressiveOptimization);
        methods.Open($"private static void {methodName}({string.Join(", ", parameters.Select(p => p.Type + " " + p.Name))})");
        methods.Lines(text.TrimEnd('\n'));
        methods.Close();
    }

    static bool IsSpan(string type) => type.StartsWith("global::System.Span<", StringComparison.Ordinal) || type.StartsWith("global::System.ReadOnlySpan<", StringComparison.Ordinal);

    /// <summary>Writes the kernel methods gathered so far into the graph class.</summary>
    public void WriteTo(CodeWriter w)
    {
        if (count == 0) return;
        w.Line();
        w.Lines(methods.ToString().TrimEnd('\n'));
    }

    // Identifiers that stand alone (not a member after '.' or a name after '::'), outside string literals and comments: the body's
    // locals a kernel reads. The generator names every local itself (no user text reaches a kernel's statements except
    // inside the anomaly check's string), so a token match is exact.
    static readonly Regex StringLiteral = new("\"(?:[^\"\\\\]|\\\\.)*\"", RegexOptions.CultureInvariant);
    static readonly Regex LineComment = new("//[^\n]*", RegexOptions.CultureInvariant);
    static readonly Regex Identifier = new(@"(?<![\w.:@])[A-Za-z_]\w*", RegexOptions.CultureInvariant);

    static HashSet<string> UsedIdentifiers(string code)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Identifier.Matches(LineComment.Replace(StringLiteral.Replace(code, "\"\""), ""))) used.Add(m.Value);
        return used;
    }
}
