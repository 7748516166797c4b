using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Models;
using Kiln.Generator.Ops;
using Microsoft.CodeAnalysis;

namespace Kiln.Generator.Parsing;

/// <summary>
/// A runtime module found in a field: its type, PyTorch-style name ("fc1", "net.0"), the C# that reaches it from
/// inside the model class, and the constant arguments it was constructed with (by parameter name and position,
/// defaults included), which give the sizes of its parameters.
/// </summary>
internal sealed class ModuleInfo : IModuleArguments
{
    readonly Dictionary<string, Value> argumentsByName;
    readonly Dictionary<int, Value> argumentsByPosition;

    public ModuleInfo(
        INamedTypeSymbol type,
        string name,
        string accessExpression,
        Dictionary<string, Value> argumentsByName,
        Dictionary<int, Value> argumentsByPosition,
        ImmutableArray<ModuleInfo> children,
        Dictionary<string, SyntaxNode>? argumentSyntax = null,
        SyntaxNode? creation = null)
    {
        this.argumentSyntax = argumentSyntax ?? new Dictionary<string, SyntaxNode>();
        Creation = creation;
        Type = type;
        Name = name;
        AccessExpression = accessExpression;
        this.argumentsByName = argumentsByName;
        this.argumentsByPosition = argumentsByPosition;
        Children = children;
    }

    readonly Dictionary<string, SyntaxNode> argumentSyntax;

    /// <summary>The `new` expression that constructed the module (where an argument that was left out is reported).</summary>
    public SyntaxNode? Creation { get; }

    /// <summary>Where a constructor argument was written (by normalised parameter name), else the construction.</summary>
    public SyntaxNode? ArgumentSyntax(string name) => argumentSyntax.TryGetValue(NormalizeName(name), out var syntax) ? syntax : Creation;

    public INamedTypeSymbol Type { get; }
    public string TypeName => Type.FullName();
    public string Name { get; }
    public string AccessExpression { get; }
    public ImmutableArray<ModuleInfo> Children { get; }

    public static string NormalizeName(string name) => name.Replace("_", string.Empty).ToLowerInvariant();

    /// <summary>A constructor argument by parameter name, else by position (PyTorch's argument order).</summary>
    public Value? Argument(string name, int position)
    {
        if (argumentsByName.TryGetValue(NormalizeName(name), out var byName)) return byName;
        return argumentsByPosition.TryGetValue(position, out var byPosition) ? byPosition : null;
    }

    public int Int(string name, int position, int? fallback = null)
    {
        var argument = Argument(name, position);
        if (argument is NumberValue { IsInteger: true } number) return (int)number.Number;
        if (argument is SizeValue size) throw Structural(name, position, size);
        if (fallback is int value) return value;
        throw new ModuleArgumentMissing($"new {Type.Name}(...) has no constant int argument '{name}'");
    }

    /// <summary>
    /// A size of the module's parameters: a constant, or a symbol when the constructor was given a value known only
    /// when the model is built (new Linear(inputSize, hidden) in a constructor); the graph binds it at its first call.
    /// </summary>
    public DimSpec Size(string name, int position)
    {
        switch (Argument(name, position))
        {
            case NumberValue { IsInteger: true } number:
                return DimSpec.Of((int)number.Number);
            case SizeValue { Size: { Constant: 1, Symbols.Length: 1 } size }:
                return DimSpec.Of(size.Symbols[0]);
            default:
                throw new ModuleArgumentMissing($"new {Type.Name}(...) has no int argument '{name}'");
        }
    }

    public double Number(string name, int position, double fallback) => Argument(name, position) switch
    {
        NumberValue number => number.Number,
        SizeValue size => throw Structural(name, position, size),
        _ => fallback,
    };

    /// <summary>
    /// A constructor value known only at run time where the module's lowering needs a constant: it decides the ops of
    /// the graph (how many layers, a slice, a reshape, an attribute), not only the size of a parameter.
    /// </summary>
    StructuralArgumentNotConstant Structural(string name, int position, SizeValue size) =>
        new(name, position, size.Size.ToString(), Type.Name, StructuralReason(name));

    static string StructuralReason(string name) => NormalizeName(name) switch
    {
        "numlayers" => "it is how many layers the graph has, each its own ops",
        "kernelsize" or "stride" or "padding" or "dilation" => "it sets the window of the op, which the kernels are generated for",
        _ => "the module's ops are generated from it (a slice, a reshape or an attribute), not only a parameter's size",
    };

    public bool Bool(string name, int position, bool fallback) =>
        Argument(name, position) is BoolValue flag ? flag.Flag : fallback;

    public string TypeDisplay => Type.Name;

    public int? OptionalInt(string name, int position) => Argument(name, position) switch
    {
        NumberValue number => (int)number.Number,
        SizeValue size => throw Structural(name, position, size),
        _ => null,
    };

    public bool IsNull(string name, int position) => Argument(name, position) is NullValue;

    public string? Text(string name, int position) => Argument(name, position) is TextValue text ? text.Text : null;

    public string? EnumMember(string name, int position) => Argument(name, position) is EnumValue member ? member.MemberName : null;

    /// <summary>An int or an int list argument (kernel sizes, LayerNorm's normalized shape); the fallback when it is absent or null.</summary>
    public ImmutableArray<int> Ints(string name, int position, params int[] fallback)
    {
        if (fallback.Length > 0 && Argument(name, position) is null or NullValue) return fallback.ToImmutableArray();
        switch (Argument(name, position))
        {
            case SizeValue size:
                throw Structural(name, position, size);
            case ListValue list when list.Items.Select(item => item.Value).OfType<SizeValue>().FirstOrDefault() is { } size:
                throw Structural(name, position, size);
            case NumberValue { IsInteger: true } number:
                return ImmutableArray.Create((int)number.Number);
            case ListValue list when list.Items.All(item => item.Value is NumberValue { IsInteger: true }):
                return list.Items.Select(item => (int)((NumberValue)item.Value).Number).ToImmutableArray();
            default:
                throw new ModuleArgumentMissing($"new {Type.Name}(...) has no constant argument '{name}'");
        }
    }

    public bool Is(string typeName) => TypeName == typeName;
}

/// <summary>
/// A constructor argument that is not a compile-time constant where the module's lowering needs one; reported as
/// KILN0013 at the argument, naming the value and why it must be constant.
/// </summary>
internal sealed class StructuralArgumentNotConstant : Exception
{
    public StructuralArgumentNotConstant(string parameter, int position, string value, string module, string reason)
        : base($"'{parameter}' of new {module}(...)")
    {
        Parameter = parameter;
        Position = position;
        Value = value;
        Module = module;
        Reason = reason;
    }

    public string Parameter { get; }
    public int Position { get; }
    public string Value { get; }
    public string Module { get; }
    public string Reason { get; }
}

/// <summary>The parameters of a runtime module, from the module table (PyTorch's names and layouts; Linear weight is [out, in]).</summary>
internal static class ModuleParameters
{
    public static IEnumerable<ModuleParameter> Of(ModuleInfo module) =>
        Ops.ModuleTable<Value>.TryGet(module.TypeName, out var entry) ? entry.Parameters(module) : Array.Empty<ModuleParameter>();

    public static ModuleParameter? Find(ModuleInfo module, string torchName) =>
        Of(module).FirstOrDefault(parameter => ModuleInfo.NormalizeName(parameter.TorchName) == ModuleInfo.NormalizeName(torchName));
}
