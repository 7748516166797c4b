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
        if (Argument(name, position) is NumberValue { IsInteger: true } number) return (int)number.Number;
        if (fallback is int value) return value;
        throw new ModuleArgumentMissing($"new {Type.Name}(...) has no constant int argument '{name}'");
    }

    public double Number(string name, int position, double fallback) =>
        Argument(name, position) is NumberValue number ? number.Number : fallback;

    public bool Bool(string name, int position, bool fallback) =>
        Argument(name, position) is BoolValue flag ? flag.Flag : fallback;

    public string TypeDisplay => Type.Name;

    public int? OptionalInt(string name, int position) => Argument(name, position) is NumberValue number ? (int)number.Number : null;

    public bool IsNull(string name, int position) => Argument(name, position) is NullValue;

    public string? Text(string name, int position) => Argument(name, position) is TextValue text ? text.Text : null;

    public string? EnumMember(string name, int position) => Argument(name, position) is EnumValue member ? member.MemberName : null;

    /// <summary>An int or an int list argument (kernel sizes, LayerNorm's normalized shape); the fallback when it is absent or null.</summary>
    public ImmutableArray<int> Ints(string name, int position, params int[] fallback)
    {
        if (fallback.Length > 0 && Argument(name, position) is null or NullValue) return fallback.ToImmutableArray();
        switch (Argument(name, position))
        {
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

/// <summary>The parameters of a runtime module, from the module table (PyTorch's names and layouts; Linear weight is [out, in]).</summary>
internal static class ModuleParameters
{
    public static IEnumerable<ModuleParameter> Of(ModuleInfo module) =>
        Ops.ModuleTable<Value>.TryGet(module.TypeName, out var entry) ? entry.Parameters(module) : Array.Empty<ModuleParameter>();

    public static ModuleParameter? Find(ModuleInfo module, string torchName) =>
        Of(module).FirstOrDefault(parameter => ModuleInfo.NormalizeName(parameter.TorchName) == ModuleInfo.NormalizeName(torchName));
}
