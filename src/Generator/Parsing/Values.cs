using System;
using System.Collections.Immutable;
using Kiln.Generator.Models;

namespace Kiln.Generator.Parsing;

// What an expression evaluates to while the interpreter walks a [Compile] method. These never leave the parser:
// they are turned into GraphSpec ids and attrs before the incremental step returns.

internal abstract class Value
{
    /// <summary>How the value reads in a diagnostic ("a tensor", "the module 'fc1'").</summary>
    public abstract string Describe();
}

/// <summary>A tensor in the graph being built: an input, a capture or an op output.</summary>
internal sealed class TensorValue : Value
{
    public TensorValue(ValueRef reference, ValueKind kind, ImmutableArray<DimSpec>? shape)
    {
        Reference = reference;
        Kind = kind;
        Shape = shape;
    }

    public ValueRef Reference { get; }
    public ValueKind Kind { get; }

    /// <summary>The shape when the parser can see it without shape inference (inputs, captures, simple ops); the
    /// compiler infers every shape anyway, the parser needs one only to unroll an Rnn over its sequence.</summary>
    public ImmutableArray<DimSpec>? Shape { get; }

    /// <summary>The leading (batch) dimension when known though the full shape is not: most layers keep it (conv, pool, Linear).</summary>
    public DimSpec? Leading { get; init; }

    public override string Describe() => Kind == ValueKind.IntTensor ? "an IntTensor" : "a tensor";
}

/// <summary>The C# type of a compile-time number: arithmetic on it follows that type's rules exactly.</summary>
internal enum NumberType { Int32, UInt32, Int64, UInt64, Single, Double }

/// <summary>
/// A compile-time number: a literal, a const, a loop variable or arithmetic on those, with its C# type. Integers keep
/// their exact value (<see cref="Integer"/>; a ulong's bits), reals their float or double value, so build-time
/// evaluation computes what the C# method computes (see <see cref="CSharpArithmetic"/>).
/// </summary>
internal sealed class NumberValue : Value
{
    NumberValue(NumberType type, long integer, double real)
    {
        Type = type;
        Integer = integer;
        Real = real;
    }

    public static NumberValue Int(long value, NumberType type = NumberType.Int32) => new(type, value, 0);

    /// <summary>A float or double; a float is rounded to float precision.</summary>
    public static NumberValue RealOf(double value, NumberType type = NumberType.Double) =>
        new(type, 0, type == NumberType.Single ? (float)value : value);

    public NumberType Type { get; }
    public bool IsInteger => Type is not (NumberType.Single or NumberType.Double);

    /// <summary>The exact value of an integer (a ulong as its two's-complement bits).</summary>
    public long Integer { get; }
    public double Real { get; }

    /// <summary>The value as a double (exact for every int, uint and float; for a long or ulong, rounded).</summary>
    public double Number => Type switch
    {
        NumberType.Single or NumberType.Double => Real,
        NumberType.UInt64 => (ulong)Integer,
        _ => Integer,
    };

    public override string Describe() => "a number";
}

internal sealed class BoolValue : Value
{
    public static readonly BoolValue True = new(true);
    public static readonly BoolValue False = new(false);

    BoolValue(bool flag) => Flag = flag;

    public bool Flag { get; }
    public static BoolValue Of(bool flag) => flag ? True : False;

    public override string Describe() => "a bool";
}

/// <summary>An enum constant such as Reduction.Sum, kept by member name for the attr text.</summary>
internal sealed class EnumValue : Value
{
    public EnumValue(string memberName) => MemberName = memberName;

    public string MemberName { get; }

    public override string Describe() => "an enum constant";
}

/// <summary>A compile-time string (an op's option, such as an approximation's name), kept verbatim for the attr text.</summary>
internal sealed class TextValue : Value
{
    public TextValue(string text) => Text = text;

    public string Text { get; }

    public override string Describe() => "a string";
}

/// <summary>
/// A tensor size that is a product of symbols (x.Size(0) of an input declared [Shape("N", 784)] is N): known only
/// when the graph is called, so it may only appear where the graph's shapes accept a symbol (Reshape's sizes).
/// </summary>
internal sealed class SizeValue : Value
{
    public SizeValue(Graph.Size size) => Size = size;

    public Graph.Size Size { get; }

    /// <summary>Where a size the model holds came from, for diagnostics ("'layers' (set by the constructor to 'numLayers')"); null for an input's size.</summary>
    public string? Origin { get; init; }

    public override string Describe() => $"the call-time size {Size}";
}

internal sealed class NullValue : Value
{
    public static readonly NullValue Instance = new();

    public override string Describe() => "null";
}

/// <summary><c>this</c>: only meaningful as the receiver of a member access.</summary>
internal sealed class ThisValue : Value
{
    public static readonly ThisValue Instance = new();

    public override string Describe() => "this";
}

/// <summary>A Flag or Rng capture: state read when the graph runs (Training, a Dropout's Rng).</summary>
internal sealed class StateValue : Value
{
    public StateValue(ValueRef reference, CaptureKind kind)
    {
        Reference = reference;
        Kind = kind;
    }

    public ValueRef Reference { get; }
    public CaptureKind Kind { get; }

    /// <summary>A flag read negated (!Training): branches on it swap.</summary>
    public bool Negated { get; init; }

    public override string Describe() => Kind == CaptureKind.Flag ? "a run-time flag" : "a random generator";
}

/// <summary>A custom autograd Function (a subclass of Kiln.Function written in source), whose Apply is compiled.</summary>
internal sealed class FunctionValue : Value
{
    public FunctionValue(Microsoft.CodeAnalysis.INamedTypeSymbol type) => Type = type;

    public Microsoft.CodeAnalysis.INamedTypeSymbol Type { get; }

    public override string Describe() => $"the Function '{Type.Name}'";
}

/// <summary>The ctx of a custom Function's Forward and Backward: what Forward saved, for Backward to read.</summary>
internal sealed class FunctionContextValue : Value
{
    public ListValue Saved { get; set; } = ListValue.Of();

    public override string Describe() => "the Function's ctx";
}

/// <summary>A runtime module held in a field (or a child of a Sequential).</summary>
internal sealed class ModuleValue : Value
{
    public ModuleValue(ModuleInfo module) => Module = module;

    public ModuleInfo Module { get; }

    public override string Describe() => $"the module '{Module.Name}'";
}

/// <summary>A tuple, an array or a list of values (Max's (values, indices), Chunk's pieces, Concat's inputs, int
/// lists). Elements are lazy so that a multi-output call adds only the outputs the method reads.</summary>
internal sealed class ListValue : Value
{
    public ListValue(ImmutableArray<Lazy<Value>> items) => Items = items;

    public ImmutableArray<Lazy<Value>> Items { get; }

    public static ListValue Of(params Value[] items)
    {
        var builder = ImmutableArray.CreateBuilder<Lazy<Value>>(items.Length);
        foreach (var item in items)
        {
            var captured = item;
            builder.Add(new Lazy<Value>(() => captured));
        }
        return new ListValue(builder.MoveToImmutable());
    }

    public override string Describe() => "a tuple or array";
}

internal enum ValueRefKind { Input, Capture, Op }

/// <summary>A graph value before final numbering: captures are discovered while ops are added, so ids are assigned
/// when the spec is built (inputs, then captures, then ops).</summary>
internal readonly struct ValueRef : IEquatable<ValueRef>
{
    public ValueRef(ValueRefKind kind, int index)
    {
        Kind = kind;
        Index = index;
    }

    public ValueRefKind Kind { get; }
    public int Index { get; }

    public bool Equals(ValueRef other) => Kind == other.Kind && Index == other.Index;
    public override bool Equals(object? obj) => obj is ValueRef other && Equals(other);
    public override int GetHashCode() => ((int)Kind * 397) ^ Index;
}
