using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;

namespace Kiln.Generator.Graph;

/// <summary>
/// A tensor dimension or element count: a constant times a product of symbols (N, N*784, 10). Symbols are kept
/// sorted so equal products compare equal; sizes are only multiplied and exactly divided, never added.
/// </summary>
internal sealed class Size : IEquatable<Size>
{
    public static readonly Size One = new(1, ImmutableArray<string>.Empty);

    public Size(long constant, ImmutableArray<string> symbols)
    {
        Constant = constant;
        Symbols = symbols.IsDefault ? ImmutableArray<string>.Empty : symbols;
    }

    public long Constant { get; }
    public ImmutableArray<string> Symbols { get; }

    public bool IsConstant => Symbols.Length == 0;
    public bool IsOne => IsConstant && Constant == 1;

    public static Size Of(long constant) => new(constant, ImmutableArray<string>.Empty);
    public static Size Symbol(string name) => new(1, ImmutableArray.Create(name));

    public Size Times(Size other)
    {
        if (IsOne) return other;
        if (other.IsOne) return this;
        return new Size(Constant * other.Constant, Symbols.AddRange(other.Symbols).Sort(StringComparer.Ordinal));
    }

    public static Size Product(IEnumerable<Size> sizes) => sizes.Aggregate(One, (a, b) => a.Times(b));

    /// <summary>this / divisor when the division is exact for every binding of the symbols.</summary>
    public bool TryDivide(Size divisor, out Size quotient)
    {
        quotient = One;
        if (divisor.Constant == 0 || Constant % divisor.Constant != 0) return false;
        var remaining = Symbols.ToList();
        foreach (var s in divisor.Symbols)
            if (!remaining.Remove(s)) return false;
        quotient = new Size(Constant / divisor.Constant, remaining.ToImmutableArray());
        return true;
    }

    public long Evaluate(IReadOnlyDictionary<string, int> binding)
    {
        long value = Constant;
        foreach (var s in Symbols) value *= binding[s];
        return value;
    }

    /// <summary>Parses "784", "N" or "N*784" (the printer's and the attributes' form).</summary>
    public static Size Parse(string text)
    {
        var result = One;
        foreach (var part in text.Split('*'))
        {
            var p = part.Trim();
            result = result.Times(long.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? Of(v) : Symbol(p));
        }
        return result;
    }

    public bool Equals(Size? other) => other is not null && Constant == other.Constant && Symbols.SequenceEqual(other.Symbols);
    public override bool Equals(object? obj) => Equals(obj as Size);
    public override int GetHashCode()
    {
        int hash = Constant.GetHashCode();
        foreach (var s in Symbols) hash = unchecked(hash * 31 + StringComparer.Ordinal.GetHashCode(s));
        return hash;
    }

    public override string ToString()
    {
        if (IsConstant) return Constant.ToString(CultureInfo.InvariantCulture);
        var symbols = string.Join("*", Symbols);
        return Constant == 1 ? symbols : symbols + "*" + Constant.ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>An immutable tensor shape over <see cref="Size"/> dimensions.</summary>
internal sealed class Shape : IEquatable<Shape>
{
    public static readonly Shape Scalar = new(ImmutableArray<Size>.Empty);

    public Shape(ImmutableArray<Size> dims) => Dims = dims.IsDefault ? ImmutableArray<Size>.Empty : dims;
    public Shape(IEnumerable<Size> dims) : this(dims.ToImmutableArray()) { }

    public static Shape Of(params long[] dims) => new(dims.Select(Size.Of));

    public ImmutableArray<Size> Dims { get; }
    public int Rank => Dims.Length;
    public Size this[int index] => Dims[index];

    public Size Count => Size.Product(Dims);

    /// <summary>Product of dims [start, end).</summary>
    public Size CountOf(int start, int end) => Size.Product(Dims.Skip(start).Take(end - start));

    public bool Equals(Shape? other) => other is not null && Dims.SequenceEqual(other.Dims);
    public override bool Equals(object? obj) => Equals(obj as Shape);
    public override int GetHashCode()
    {
        int hash = 7;
        foreach (var d in Dims) hash = unchecked(hash * 31 + d.GetHashCode());
        return hash;
    }

    public override string ToString() => "[" + string.Join(",", Dims) + "]";
}
