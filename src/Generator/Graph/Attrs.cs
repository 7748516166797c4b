using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;

namespace Kiln.Generator.Graph;

/// <summary>
/// An op's attributes as invariant-culture text, sorted by name so equal attribute sets intern to one node.
/// Typed getters parse on demand; a missing or malformed attribute is a <see cref="ShapeError"/> naming the op.
/// </summary>
internal sealed class Attrs : IEquatable<Attrs>
{
    public static readonly Attrs None = new(ImmutableArray<KeyValuePair<string, string>>.Empty);

    readonly ImmutableArray<KeyValuePair<string, string>> items;

    Attrs(ImmutableArray<KeyValuePair<string, string>> items)
    {
        this.items = items;
        Key = string.Join(";", items.Select(p => p.Key + "=" + p.Value));
    }

    public static Attrs From(IEnumerable<KeyValuePair<string, string>> pairs) =>
        new(pairs.GroupBy(p => p.Key, StringComparer.Ordinal).Select(g => g.Last()).OrderBy(p => p.Key, StringComparer.Ordinal).ToImmutableArray());

    public static Attrs Of(params (string Name, string Value)[] pairs) =>
        From(pairs.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));

    /// <summary>The canonical text used for interning and printing.</summary>
    public string Key { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Items => items;

    public bool Has(string name) => items.Any(p => p.Key == name);

    public string? Text(string name)
    {
        foreach (var p in items) if (p.Key == name) return p.Value;
        return null;
    }

    public Attrs With(string name, string value) => From(items.Append(new KeyValuePair<string, string>(name, value)));

    public int Int(string name, int? fallback = null)
    {
        var text = Text(name);
        if (text is null) return fallback ?? throw new ShapeError($"missing attribute '{name}'");
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)) throw new ShapeError($"attribute '{name}' is not an integer: {text}");
        return v;
    }

    public float Float(string name, float? fallback = null)
    {
        var text = Text(name);
        if (text is null) return fallback ?? throw new ShapeError($"missing attribute '{name}'");
        return ParseFloat(text);
    }

    public static float ParseFloat(string text) => text switch
    {
        "Infinity" or "inf" or "∞" or "PositiveInfinity" => float.PositiveInfinity,
        "-Infinity" or "-inf" or "-∞" or "NegativeInfinity" => float.NegativeInfinity,
        "NaN" => float.NaN,
        _ => float.TryParse(text.TrimEnd('f', 'F'), NumberStyles.Float, CultureInfo.InvariantCulture, out float v) ? v : throw new ShapeError($"not a number: {text}"),
    };

    public bool Bool(string name, bool fallback = false)
    {
        var text = Text(name);
        return text is null ? fallback : string.Equals(text, "true", StringComparison.OrdinalIgnoreCase);
    }

    public int[]? Ints(string name)
    {
        var text = Text(name);
        if (text is null) return null;
        if (text.Trim().Length == 0) return Array.Empty<int>();
        return text.Split(',').Select(s => int.Parse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture)).ToArray();
    }

    public static string FormatFloat(float value) => value.ToString("R", CultureInfo.InvariantCulture);
    public static string FormatInt(long value) => value.ToString(CultureInfo.InvariantCulture);
    public static string FormatInts(IEnumerable<int> values) => string.Join(",", values.Select(v => FormatInt(v)));

    public bool Equals(Attrs? other) => other is not null && Key == other.Key;
    public override bool Equals(object? obj) => Equals(obj as Attrs);
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key);
    public override string ToString() => Key;
}

/// <summary>A shape contradiction, in the runtime's wording ("Add: [N,3] and [4] cannot be broadcast: dimension 1 is 3 vs 4").</summary>
internal class ShapeError : Exception
{
    public ShapeError(string message) : base(message) { }
}

/// <summary>
/// Not a contradiction: a shape the compiled subset cannot express (reported as KILN0001 for <see cref="Construct"/>;
/// no graph is generated for the method).
/// </summary>
internal sealed class UnsupportedShapeError : ShapeError
{
    public UnsupportedShapeError(string construct, string reason) : base(reason) => Construct = construct;

    public string Construct { get; }

}
