using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Graph;
using Kiln.Generator.Helpers;
using Kiln.Generator.Models;

namespace Kiln.Generator.Passes;

/// <summary>
/// Symbol–constant unification for module sizes given by the constructor (<see cref="GraphSpec.SizeSymbols"/>):
/// where shapes meet (matmul's inner dimension, a broadcast, a loss's operands) a size symbol that differs from the
/// other side is equated with it, as a type checker unifies a type variable, instead of being a contradiction.
/// <c>new Linear(inputSize, hidden)</c> applied to x [N, 784] makes inputSize 784; hidden stays a symbol, bound
/// from fc1.weight's shape when the graph is first called. Runs shape inference leniently, substitutes what it
/// found into the spec (captures' and inputs' shapes, shape attributes) and repeats until nothing new is found;
/// the compiler then works on the substituted spec, where every shape agrees, and reports what still contradicts.
/// </summary>
internal sealed class SymbolUnification
{
    /// <summary>
    /// The unification in progress on this thread, consulted by <see cref="ShapeRules.SameSize"/>: shape rules are
    /// static functions of their operands, so the lenient mode reaches them this way rather than through every rule's
    /// signature. Null outside <see cref="Solve"/>: then sizes are equal only when they are the same.
    /// </summary>
    [ThreadStatic] static SymbolUnification? active;

    readonly HashSet<string> free;
    readonly Dictionary<string, Size> found = new(StringComparer.Ordinal);

    SymbolUnification(HashSet<string> free) => this.free = free;

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> may be treated as one size (recording the equation).</summary>
    public static bool Equate(Size a, Size b) => active is { } unification && unification.TryEquate(a, b);

    bool TryEquate(Size a, Size b)
    {
        if (FreeSymbol(a) is { } s && Substitutable(b, s)) return Record(s, b);
        if (FreeSymbol(b) is { } t && Substitutable(a, t)) return Record(t, a);
        return false;
    }

    bool Record(string symbol, Size value)
    {
        // Two free symbols: the later one (in ordinal order) gives way, so the result does not depend on operand order.
        if (FreeSymbol(value) is { } other && string.CompareOrdinal(other, symbol) > 0) (symbol, value) = (other, Size.Symbol(symbol));
        if (!found.ContainsKey(symbol)) found[symbol] = value;
        return true;
    }

    string? FreeSymbol(Size size) => size is { Constant: 1, Symbols.Length: 1 } && free.Contains(size.Symbols[0]) ? size.Symbols[0] : null;

    /// <summary>A dimension can hold a constant or one symbol (DimSpec), and a symbol never equals a product containing it.</summary>
    static bool Substitutable(Size value, string symbol) =>
        (value.IsConstant && value.Constant > 0 || value is { Constant: 1, Symbols.Length: 1 }) && !value.Symbols.Contains(symbol);

    /// <summary>The spec with every equation shape inference implies substituted; the spec itself when it has no size symbols.</summary>
    public static GraphSpec Solve(GraphSpec spec, Emit.IKernelBackend backend, System.Threading.CancellationToken cancellationToken)
    {
        if (spec.SizeSymbols.Count == 0) return spec;
        var free = new HashSet<string>(spec.SizeSymbols, StringComparer.Ordinal);
        for (int round = 0; round <= spec.SizeSymbols.Count && free.Count > 0; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var unification = new SymbolUnification(free);
            active = unification;
            try
            {
                // A throwaway context: its diagnostics are those of a spec not yet unified.
                ShapeInference.Run(new CompileContext(spec, backend) { CancellationToken = cancellationToken });
            }
            finally
            {
                active = null;
            }
            if (unification.found.Count == 0) break;
            spec = Substitute(spec, unification.found);
            free.ExceptWith(unification.found.Keys);
        }
        return spec with { SizeSymbols = spec.SizeSymbols.Where(free.Contains).ToEquatableArray() };
    }

    static GraphSpec Substitute(GraphSpec spec, Dictionary<string, Size> equations)
    {
        DimSpec Dim(DimSpec d) => d.Symbol is { } s && equations.TryGetValue(s, out var v)
            ? v.IsConstant ? DimSpec.Of((int)v.Constant * d.Factor) : DimSpec.Of(v.Symbols[0], d.Factor)
            : d;
        EquatableArray<DimSpec> Dims(EquatableArray<DimSpec> dims) => dims.Select(Dim).ToEquatableArray();
        // Symbols reach attributes only as sizes in int lists ("-1,hidden", "N*hidden"): replace whole tokens.
        string Text(string value) => string.Join(",", value.Split(',').Select(item =>
            string.Join("*", item.Split('*').Select(token => equations.TryGetValue(token.Trim(), out var v) ? v.ToString() : token))));

        return spec with
        {
            Inputs = spec.Inputs.Select(i => i with { Shape = Dims(i.Shape) }).ToEquatableArray(),
            Captures = spec.Captures.Select(c => c with { Shape = Dims(c.Shape) }).ToEquatableArray(),
            SizeSources = spec.SizeSources.Select(s => s with { Value = Dim(s.Value) }).ToEquatableArray(),
            Ops = spec.Ops.Select(op => op with { Attrs = op.Attrs.Select(a => a with { Value = Text(a.Value) }).ToEquatableArray() }).ToEquatableArray(),
        };
    }
}
