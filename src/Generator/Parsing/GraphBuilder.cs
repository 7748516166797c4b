using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Helpers;
using Kiln.Generator.Models;

namespace Kiln.Generator.Parsing;

/// <summary>
/// Collects inputs, captures and ops in the order the interpreter meets them, then numbers them as
/// <see cref="GraphSpec"/> requires (inputs, captures, ops) and splits the op locations off into
/// <see cref="MethodLocations"/>.
/// </summary>
internal sealed class GraphBuilder
{
    readonly List<InputSpec> inputs = new();
    readonly List<CaptureSpec> captures = new();
    readonly Dictionary<string, int> captureIndexByAccess = new();
    readonly List<PendingOp> ops = new();
    readonly List<string> sizeSymbols = new();
    readonly List<SizeSourceSpec> sizeSources = new();

    sealed record PendingOp(string Op, ImmutableArray<ValueRef> Args, ImmutableArray<AttrSpec> Attrs, LocationInfo Location);

    public int OpCount => ops.Count;

    public TensorValue AddInput(InputSpec input)
    {
        inputs.Add(input);
        return new TensorValue(new ValueRef(ValueRefKind.Input, inputs.Count - 1), input.Kind, input.Shape.AsImmutableArray());
    }

    /// <summary>Adds a capture once per access expression: reading fc1.weight twice is one graph value.</summary>
    public ValueRef Capture(string name, string accessExpression, CaptureKind kind, ImmutableArray<DimSpec> shape)
    {
        if (!captureIndexByAccess.TryGetValue(accessExpression, out int index))
        {
            index = captures.Count;
            captures.Add(new CaptureSpec(name, accessExpression, kind, shape.ToEquatableArray()));
            captureIndexByAccess.Add(accessExpression, index);
        }
        return new ValueRef(ValueRefKind.Capture, index);
    }

    /// <summary>A symbol for a module size given by the constructor (free: shape inference may equate it with a size).</summary>
    public void AddSizeSymbol(string symbol)
    {
        if (!sizeSymbols.Contains(symbol)) sizeSymbols.Add(symbol);
    }

    /// <summary>A size read from the model when the graph is called (a readonly int field set by the constructor).</summary>
    public void AddSizeSource(string name, string accessExpression, string symbol)
    {
        AddSizeSymbol(symbol);
        if (!sizeSources.Any(s => s.AccessExpression == accessExpression)) sizeSources.Add(new SizeSourceSpec(name, accessExpression, DimSpec.Of(symbol)));
    }

    public ValueRef AddOp(string op, IEnumerable<ValueRef> args, IEnumerable<AttrSpec> attrs, LocationInfo location)
    {
        ops.Add(new PendingOp(op, args.ToImmutableArray(), attrs.ToImmutableArray(), location));
        return new ValueRef(ValueRefKind.Op, ops.Count - 1);
    }

    /// <summary>The op at an index (the interpreter keeps constants out of a loop's invariant slots).</summary>
    public string OpNameAt(int index) => ops[index].Op;

    public CaptureKind CaptureKindOf(int index) => captures[index].Kind;

    public int IdOf(ValueRef reference) => reference.Kind switch
    {
        ValueRefKind.Input => reference.Index,
        ValueRefKind.Capture => inputs.Count + reference.Index,
        _ => inputs.Count + captures.Count + reference.Index,
    };

    public GraphSpec BuildSpec(string hintName, TypeSpec type, string methodName, bool isStatic, ValueRef result, IEnumerable<ValueRef>? moreResults = null) => new(
        hintName,
        type,
        methodName,
        isStatic,
        inputs.ToEquatableArray(),
        captures.ToEquatableArray(),
        ops.Select(op => new OpSpec(op.Op, op.Args.Select(IdOf).ToEquatableArray(), op.Attrs.ToEquatableArray())).ToEquatableArray(),
        IdOf(result))
    {
        MoreResults = (moreResults ?? Enumerable.Empty<ValueRef>()).Select(IdOf).ToEquatableArray(),
        SizeSymbols = sizeSymbols.ToEquatableArray(),
        SizeSources = sizeSources.ToEquatableArray(),
    };

    public MethodLocations BuildLocations(string hintName, LocationInfo method) =>
        new(hintName, method, ops.Select(op => op.Location).ToEquatableArray());
}
