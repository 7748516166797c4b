namespace Kiln.Compiled;

/// <summary>The values bound to a graph's symbols: a value type, so looking up a cached plan allocates nothing.</summary>
public readonly record struct BindingKey(int Count, int S0, int S1, int S2, int S3)
{
    public const int MaxSymbols = 4;

    public static BindingKey From(ReadOnlySpan<int> symbols) => new(
        symbols.Length,
        symbols.Length > 0 ? symbols[0] : 0,
        symbols.Length > 1 ? symbols[1] : 0,
        symbols.Length > 2 ? symbols[2] : 0,
        symbols.Length > 3 ? symbols[3] : 0);

    public int this[int index] => index switch { 0 => S0, 1 => S1, 2 => S2, _ => S3 };
}
