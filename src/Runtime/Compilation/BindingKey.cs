using System.Runtime.CompilerServices;
namespace Kiln.Compiled;

/// <summary>
/// The values bound to a graph's symbols: a value type, so looking up a cached plan allocates nothing. Up to
/// <see cref="MaxSymbols"/> symbols (the generator refuses graphs with more, at build time, with KILN0001).
/// </summary>
public readonly record struct BindingKey(int Count, int S0, int S1, int S2, int S3, int S4, int S5, int S6, int S7)
{
    public const int MaxSymbols = 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static BindingKey From(ReadOnlySpan<int> symbols)
    {
        if (symbols.Length > MaxSymbols)
            throw new ArgumentException($"BindingKey: at most {MaxSymbols} symbolic dimensions are supported, got {symbols.Length}.", nameof(symbols));
        int At(ReadOnlySpan<int> s, int i) => i < s.Length ? s[i] : 0;
        return new(symbols.Length, At(symbols, 0), At(symbols, 1), At(symbols, 2), At(symbols, 3),
            At(symbols, 4), At(symbols, 5), At(symbols, 6), At(symbols, 7));
    }

    public int this[int index] => index switch
    {
        0 => S0, 1 => S1, 2 => S2, 3 => S3, 4 => S4, 5 => S5, 6 => S6, 7 => S7,
        _ => throw new ArgumentOutOfRangeException(nameof(index), $"BindingKey: symbol {index} is outside the {Count} bound."),
    };
}
