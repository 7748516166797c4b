using System.Text;
using Kiln.Generator.Models;

namespace Kiln.Generator.Tests.Support;

/// <summary>A readable dump of what the parser produced for one method, for the spec baselines.</summary>
internal static class SpecPrinter
{
    public static string Print(GraphSpec spec, MethodLocations? locations)
    {
        var text = new StringBuilder();
        text.Append("// ").Append(spec.HintName).Append(": what the parser hands the compiler\n");
        text.Append("type: ").Append(spec.ContainingType.FullyQualifiedName)
            .Append(" in ").Append(spec.ContainingType.Namespace ?? "(global)")
            .Append(" as ").Append(string.Join(" > ", spec.ContainingType.Declarations)).Append('\n');
        text.Append("method: ").Append(spec.IsStatic ? "static " : "").Append(spec.MethodName).Append('\n');
        int id = 0;
        foreach (var input in spec.Inputs)
            text.Append($"  %{id++} input {input.Name}: {(input.Kind == ValueKind.IntTensor ? "int" : "float")} {Shape(input.Shape)}\n");
        foreach (var capture in spec.Captures)
            text.Append($"  %{id++} {capture.Kind.ToString().ToLowerInvariant()} {capture.Name} {Shape(capture.Shape)} = {capture.AccessExpression}\n");
        for (int i = 0; i < spec.Ops.Count; i++)
        {
            var op = spec.Ops[i];
            text.Append($"  %{id++} = {op.Op}({string.Join(", ", op.Args.Select(a => "%" + a))})");
            if (op.Attrs.Count > 0) text.Append(" {").Append(string.Join(", ", op.Attrs.Select(a => $"{a.Name}={a.Value}"))).Append('}');
            if (locations is not null && i < locations.Ops.Count)
                text.Append($"  @{locations.Ops[i].StartLine + 1}:{locations.Ops[i].StartCharacter + 1}");
            text.Append('\n');
        }
        text.Append($"result: %{spec.Result}");
        foreach (int more in spec.MoreResults) text.Append($", %{more}");
        text.Append('\n');
        if (spec.SizeSymbols.Count > 0) text.Append("sizes from the constructor: ").Append(string.Join(", ", spec.SizeSymbols)).Append('\n');
        foreach (var source in spec.SizeSources) text.Append($"size {source.Value} read from {source.AccessExpression} ({source.Name})\n");
        return text.ToString();
    }

    static string Shape(Helpers.EquatableArray<DimSpec> shape) => "[" + string.Join(",", shape.Select(d => d.ToString())) + "]";
}
