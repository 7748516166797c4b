using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Diagnostics;
using Kiln.Generator.Graph;
using Kiln.Generator.Models;
using Kiln.Generator.Ops;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Kiln.Generator.Parsing;

/// <summary>Runtime modules: reading their constructor calls, and lowering their Forward calls to ops.</summary>
internal sealed partial class MethodInterpreter
{
    ModuleInfo ReadModule(IObjectCreationOperation creation, string name, string accessExpression)
    {
        if (creation.Type is not INamedTypeSymbol type || !IsRuntimeModule(type))
            throw new ModuleArgumentMissing($"'{creation.Type?.Name}' has no lowering in the module table (Ops/ModuleTable.cs), so a compiled graph cannot call it");

        var byName = new Dictionary<string, Value>();
        var argumentSyntax = new Dictionary<string, SyntaxNode>();
        var byPosition = new Dictionary<int, Value>();
        var children = ImmutableArray.CreateBuilder<ModuleInfo>();
        foreach (var argument in creation.Arguments)
        {
            if (argument.Parameter is not { } parameter) throw new SourceHasErrors();
            if (type.Is(TypeNames.Sequential) && Elements(argument.Value) is { } elements)
            {
                foreach (var element in elements)
                {
                    if (Strip(element) is not IObjectCreationOperation childCreation)
                        throw new ModuleArgumentMissing($"every module of '{name}' must be created with new in its constructor call");
                    var childType = childCreation.Type?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) ?? "object";
                    int index = children.Count;
                    children.Add(ReadModule(childCreation, $"{name}.{index}", $"(({childType}){accessExpression}[{index}])"));
                }
                continue;
            }
            if (parameter.Type.Is(TypeNames.Rng)) continue;
            // An omitted argument whose default is not a constant (a tuple's default) keeps the module's default.
            if (argument.ArgumentKind == ArgumentKind.DefaultValue && ConstantArgument(argument.Value) is null) continue;
            var constant = ConstantArgument(argument.Value)
                ?? (parameter.Type.SpecialType == SpecialType.System_Int32 ? ConstructorSize(argument.Value, name, parameter.Name) : (Value?)null)
                ?? ConstructorSizes(argument.Value, name, parameter)
                ?? throw new ModuleArgumentMissing($"argument '{parameter.Name}' of new {type.Name}(...) is not a compile-time constant");
            byName[ModuleInfo.NormalizeName(parameter.Name)] = constant;
            if (argument.ArgumentKind == ArgumentKind.Explicit) argumentSyntax[ModuleInfo.NormalizeName(parameter.Name)] = argument.Syntax;
            byPosition[parameter.Ordinal] = constant;
        }

        var module = new ModuleInfo(type, name, accessExpression, byName, byPosition, children.ToImmutable(), argumentSyntax, creation.Syntax);
        // Reading the parameter table now reports a missing size at the field, not later at some op, and an argument
        // the module cannot work with at that argument.
        try
        {
            _ = ModuleParameters.Of(module).ToList();
        }
        catch (InvalidModuleArgument invalid)
        {
            throw new ParseFailure(DiagnosticDescriptors.InvalidModuleArgument, module.ArgumentSyntax(invalid.Parameter) ?? creation.Syntax, type.Name, invalid.Message);
        }
        catch (StructuralArgumentNotConstant structural)
        {
            throw StructuralFailure(module, structural);
        }
        return module;
    }

    static ParseFailure StructuralFailure(ModuleInfo module, StructuralArgumentNotConstant structural)
    {
        // The argument where it was written (the constructor call), else the construction itself.
        var at = module.ArgumentSyntax(structural.Parameter)!;
        string value = at is Microsoft.CodeAnalysis.CSharp.Syntax.ArgumentSyntax argument ? argument.Expression.ToString() : structural.Value;
        return new ParseFailure(DiagnosticDescriptors.StructuralValueNotConstant, at, structural.Message, $"it is '{value}'", structural.Reason);
    }

    /// <summary>
    /// An int constructor argument known only when the model is built (new Linear(inputSize, hidden) with constructor
    /// parameters, or fields set from them): a size symbol named after the parameter or field, bound from the captured
    /// parameters' shapes when the graph is first called. Any other expression gets a symbol of its own, named after
    /// the module and the argument. Shape inference equates the symbol with the sizes it meets.
    /// </summary>
    SizeValue ConstructorSize(IOperation argument, string moduleName, string parameterName)
    {
        var size = SymbolicSize(Strip(argument));
        if (size is not { Constant: 1, Symbols.Length: 1 })
            size = Graph.Size.Symbol(SymbolName(moduleName + "_" + parameterName));
        builder.AddSizeSymbol(size.Symbols[0]);
        return new SizeValue(size);
    }

    /// <summary>An int array argument (new[] { features }) with sizes from the constructor: a list of sizes, or null.</summary>
    ListValue? ConstructorSizes(IOperation argument, string moduleName, IParameterSymbol parameter)
    {
        if (parameter.Type is not IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Int32 } || Elements(argument) is not { } elements) return null;
        var items = elements.Select((element, i) =>
            ConstantArgument(element) ?? (Value)ConstructorSize(element, moduleName, $"{parameter.Name}{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}")).ToArray();
        return ListValue.Of(items);
    }

    Graph.Size? SymbolicSize(IOperation? operation) => operation switch
    {
        IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } } reference =>
            Graph.Size.Symbol(SymbolName(reference.Parameter.Name)),
        IFieldReferenceOperation { Field: var field } when IsModelMember(field) && field.Type.SpecialType == SpecialType.System_Int32 =>
            Graph.Size.Symbol(HeldSizeSymbol(field)),
        IPropertyReferenceOperation { Property: var property } when IsModelMember(property) && property.Type.SpecialType == SpecialType.System_Int32 =>
            Graph.Size.Symbol(HeldSizeSymbol(property)),
        IConversionOperation conversion => SymbolicSize(conversion.Operand),
        _ => null,
    };

    /// <summary>
    /// The symbol of an int field or property the constructor sets: the constructor parameter's name when it is set
    /// straight from one (this.numHiddens = hidden is "hidden", as new Linear(inputs, hidden) beside it), else its own.
    /// </summary>
    string HeldSizeSymbol(ISymbol member) =>
        Strip(AssignedValue(member, out _)) is IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.Constructor } } parameter
            ? SymbolName(parameter.Parameter.Name)
            : SymbolName(member.Name);

    /// <summary>A symbol name that is also a C# identifier fragment (the generated code names it dim_&lt;symbol&gt;).</summary>
    static string SymbolName(string name)
    {
        var text = new string(name.Select(c => char.IsLetterOrDigit(c) && c < 128 ? c : '_').ToArray()).Trim('_');
        return text.Length == 0 || char.IsDigit(text[0]) ? "size_" + text : text;
    }

    static IEnumerable<IOperation>? Elements(IOperation operation) => Strip(operation) switch
    {
        IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues,
        ICollectionExpressionOperation collection => collection.Elements,
        _ => null,
    };

    Value? ConstantArgument(IOperation operation)
    {
        if (operation.ConstantValue.HasValue) return Convert(Constant(operation), operation.Type);
        var stripped = Strip(operation);
        if (stripped is null) return null;
        if (stripped.ConstantValue.HasValue) return Constant(stripped);
        IEnumerable<IOperation>? elements = stripped is ITupleOperation tuple ? tuple.Elements : Elements(stripped);
        if (elements is null) return null;
        var items = new List<Value>();
        foreach (var element in elements)
        {
            if (ConstantArgument(element) is not { } item) return null;
            items.Add(item);
        }
        return ListValue.Of(items.ToArray());
    }

    Value ModuleMember(ModuleInfo module, ISymbol member, IOperation site)
    {
        if (member.Name == "Training" && member.MemberType()?.SpecialType == SpecialType.System_Boolean)
            return TrainingFlag(module);
        if (ModuleParameters.Find(module, member.Name) is { } parameter)
            return CaptureParameter(module, parameter.TorchName, site);
        // An int property that repeats a constructor argument (fc.OutFeatures, rnn.NumLayers): the argument's value, a
        // constant, or a size from the model's constructor, read from the property when the graph is called.
        if (member is IPropertySymbol { Type.SpecialType: SpecialType.System_Int32 } && module.Argument(member.Name, -1) is { } argument)
        {
            if (argument is NumberValue) return argument;
            if (argument is SizeValue { Size: { Constant: 1, Symbols.Length: 1 } size })
            {
                string name = $"{module.Name}.{member.Name}";
                builder.AddSizeSource(name, $"{module.AccessExpression}.{member.Name}", size.Symbols[0]);
                return new SizeValue(size) { Origin = $"it reads '{name}', which the model's constructor sets" };
            }
        }
        throw Unsupported(site, $"only the parameters, the Training flag and the int properties that repeat a constructor argument of '{module.Name}' can be read");
    }

    StateValue TrainingFlag(ModuleInfo module) => new(
        builder.Capture($"{module.Name}.training", $"{module.AccessExpression}.Training", CaptureKind.Flag, ImmutableArray<DimSpec>.Empty),
        CaptureKind.Flag);

    TensorValue CaptureParameter(ModuleInfo module, string torchName, IOperation site)
    {
        var parameter = ModuleParameters.Find(module, torchName)
            ?? throw new ParseFailure(DiagnosticDescriptors.UnknownMemberShape, site.Syntax, $"{module.Name}.{torchName}", $"'{module.Type.Name}' has no such parameter");
        string member = MemberAccess(module, parameter.TorchName)
            ?? throw new ParseFailure(DiagnosticDescriptors.UnknownMemberShape, site.Syntax, $"{module.Name}.{torchName}", $"'{module.Type.Name}' has no public member for it");
        var reference = builder.Capture($"{module.Name}.{parameter.TorchName}", $"{module.AccessExpression}.{member}", parameter.Kind, parameter.Shape);
        return new TensorValue(reference, ValueKind.FloatTensor, parameter.Shape);
    }

    /// <summary>
    /// The C# that reads a module parameter, relative to the module: a property ("Weight"), or for Rnn's per-layer
    /// parameters an accessor call ("WeightIh(0)"). Nullable members (a Linear's Bias) get "!": the parameter table
    /// only lists them when the constructor arguments say they exist.
    /// </summary>
    static string? MemberAccess(ModuleInfo module, string torchName)
    {
        if (module.Is(TypeNames.Rnn))
        {
            var match = System.Text.RegularExpressions.Regex.Match(torchName, "^(weight|bias)_(ih|hh)_l([0-9]+)$");
            if (!match.Success) return null;
            string accessor = $"{(match.Groups[1].Value == "weight" ? "Weight" : "Bias")}{(match.Groups[2].Value == "ih" ? "Ih" : "Hh")}";
            var method = module.Type.GetMembers(accessor).OfType<IMethodSymbol>().FirstOrDefault(m => m.Parameters.Length == 1);
            if (method is null) return null;
            return $"{accessor}({match.Groups[3].Value}){(method.ReturnType.NullableAnnotation == NullableAnnotation.Annotated ? "!" : "")}";
        }
        var member = module.Type.FindMember(torchName);
        if (member is null) return null;
        var type = member.MemberType();
        return type?.NullableAnnotation == NullableAnnotation.Annotated ? member.Name + "!" : member.Name;
    }

    bool HasParameter(ModuleInfo module, string torchName) => ModuleParameters.Find(module, torchName) is not null;

    /// <summary>A module's Forward call, lowered by its entry in the module table (Ops/ModuleTable.cs).</summary>
    Value LowerModuleForward(ModuleInfo module, List<BoundArgument> arguments, IInvocationOperation site)
    {
        if (arguments.Count == 0 || !ModuleTable<Value>.TryGet(module.TypeName, out var entry)) throw UnknownCall(site);
        try
        {
            return entry.Lower(new ModuleCall(this, module, RequireTensor(arguments[0], site), arguments, site));
        }
        catch (StructuralArgumentNotConstant structural)
        {
            throw StructuralFailure(module, structural);
        }
    }

    /// <summary>The parser's side of <see cref="IModuleCall{T}"/>: ops become spec ops at the Forward call's location.</summary>
    sealed class ModuleCall : IModuleCall<Value>
    {
        readonly MethodInterpreter interpreter;
        readonly ModuleInfo module;
        readonly List<BoundArgument> arguments;
        readonly IInvocationOperation site;

        public ModuleCall(MethodInterpreter interpreter, ModuleInfo module, TensorValue input, List<BoundArgument> arguments, IInvocationOperation site)
        {
            this.interpreter = interpreter;
            this.module = module;
            this.arguments = arguments;
            this.site = site;
            Input = input;
            State = arguments.Skip(1).SelectMany(argument => argument.Value switch
            {
                TensorValue tensor => new Value[] { tensor },
                ListValue list => list.Items.Select(item => item.Value).OfType<TensorValue>().ToArray<Value>(),
                _ => Array.Empty<Value>(),
            }).ToList();
        }

        public Value Input { get; }
        public IReadOnlyList<Value> State { get; }
        public string TypeDisplay => module.TypeDisplay;
        public int ChildCount => module.Children.Length;

        public string NewLoop() => interpreter.NewLoopName();

        public int Int(string name, int position, int? fallback = null) => module.Int(name, position, fallback);
        public DimSpec Size(string name, int position) => module.Size(name, position);
        public int? OptionalInt(string name, int position) => module.OptionalInt(name, position);
        public double Number(string name, int position, double fallback) => module.Number(name, position, fallback);
        public bool Bool(string name, int position, bool fallback) => module.Bool(name, position, fallback);
        public ImmutableArray<int> Ints(string name, int position, params int[] fallback) => module.Ints(name, position, fallback);
        public bool IsNull(string name, int position) => module.IsNull(name, position);
        public string? Text(string name, int position) => module.Text(name, position);
        public string? EnumMember(string name, int position) => module.EnumMember(name, position);

        public int[]? Dims(Value value) => (value as TensorValue)?.Shape?.Select(d => d.IsSymbolic ? -1 : d.Size).ToArray();

        public bool HasParameter(string torchName) => interpreter.HasParameter(module, torchName);
        public Value Parameter(string torchName) => interpreter.CaptureParameter(module, torchName, site);
        public Value TrainingFlag() => interpreter.TrainingFlag(module);

        public Value? Rng()
        {
            var rng = module.Type.GetMembers().FirstOrDefault(m => m.DeclaredAccessibility == Accessibility.Public && m.MemberType().Is(TypeNames.Rng));
            return rng is null ? null : new StateValue(
                interpreter.builder.Capture($"{module.Name}.rng", $"{module.AccessExpression}.{rng.Name}", CaptureKind.Rng, ImmutableArray<DimSpec>.Empty), CaptureKind.Rng);
        }

        public Value Op(string op, IReadOnlyList<Value> inputs, params (string Name, string Value)[] attrs)
        {
            var tensors = inputs.OfType<TensorValue>().ToList();
            var first = tensors.FirstOrDefault();
            var attrSpecs = attrs.Select(a => new AttrSpec(a.Name, a.Value)).ToImmutableArray();
            var references = inputs.Select(v => v switch
            {
                TensorValue tensor => tensor.Reference,
                StateValue state => state.Reference,
                _ => throw Unsupported($"an input of {op} is {v.Describe()}"),
            }).ToArray();
            // Views keep an IntTensor's kind (labels reshaped); every other op computes floats.
            var kind = op == OpNames.Reshape && first is { Kind: ValueKind.IntTensor } ? ValueKind.IntTensor : ValueKind.FloatTensor;
            var result = interpreter.Emit(op, references, attrSpecs, kind, site, first is null ? null : ShapeHint(op, tensors, attrSpecs, first));
            return WithLeading(result, op, tensors, attrSpecs);
        }

        public Value Results(params Func<Value>[] items) =>
            new ListValue(items.Select(item => new Lazy<Value>(item)).ToImmutableArray());

        public Value ForwardChild(int index, Value input) =>
            interpreter.LowerModuleForward(module.Children[index], new List<BoundArgument> { new("input", null, input, arguments[0].Syntax) }, site);

        public Exception Unsupported(string message, int? argument = null) => argument is int i && i < arguments.Count
            ? new ParseFailure(DiagnosticDescriptors.UnsupportedConstruct, arguments[i].Syntax, MethodInterpreter.Describe(arguments[i].Syntax), message)
            : MethodInterpreter.Unsupported(site, message);
    }
}
