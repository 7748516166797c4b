using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Diagnostics;
using Kiln.Generator.Graph;
using Kiln.Generator.Models;
using Kiln.Generator.Ops.Definitions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Kiln.Generator.Parsing;

/// <summary>Runtime modules: reading their constructor calls, and lowering their Forward calls to ops.</summary>
internal sealed partial class MethodInterpreter
{
    ModuleInfo ReadModule(IObjectCreationOperation creation, string name, string accessExpression)
    {
        if (creation.Type is not INamedTypeSymbol type || !IsRuntimeModule(type))
            throw new ModuleArgumentMissing($"'{creation.Type?.Name}' is not one of Kiln.Nn's runtime modules");

        var byName = new Dictionary<string, Value>();
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
                ?? throw new ModuleArgumentMissing($"argument '{parameter.Name}' of new {type.Name}(...) is not a compile-time constant");
            byName[ModuleInfo.NormalizeName(parameter.Name)] = constant;
            byPosition[parameter.Ordinal] = constant;
        }

        var module = new ModuleInfo(type, name, accessExpression, byName, byPosition, children.ToImmutable());
        // Reading the parameter table now reports a missing size at the field, not later at some op.
        _ = ModuleParameters.Of(module).ToList();
        return module;
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
        throw Unsupported(site, $"only the parameters and the Training flag of '{module.Name}' can be read");
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

    Value LowerModuleForward(ModuleInfo module, List<BoundArgument> arguments, IInvocationOperation site)
    {
        if (arguments.Count == 0) throw UnknownCall(site);
        var input = RequireTensor(arguments[0], site);
        TensorValue OnInput(string op, ImmutableArray<AttrSpec> attrs) => Emit(op, new[] { input }, attrs, input.Kind, site, PreservesShape(op) ? input.Shape : null);

        if (OpCallTable.TryActivationModule(module.TypeName, out var activation))
            return OnInput(activation.Op, activation.Attrs.Select(attr => new AttrSpec(attr.Attr, module.Argument(attr.Parameter, attr.Position) switch
            {
                NumberValue number => AttrText.Float(number.Number),
                TextValue text => text.Text,
                _ => attr.Default,
            })).ToImmutableArray());

        switch (module.TypeName)
        {
            case TypeNames.Sequential:
            {
                Value current = input;
                foreach (var child in module.Children)
                    current = LowerModuleForward(child, new List<BoundArgument> { new("input", null, current, arguments[0].Syntax) }, site);
                return current;
            }
            case TypeNames.Linear:
            {
                var weight = CaptureParameter(module, "weight", site);
                var args = new List<TensorValue> { input, weight };
                if (HasParameter(module, "bias")) args.Add(CaptureParameter(module, "bias", site));
                return Emit(LinearAlgebra.Linear, args.ToArray(), ImmutableArray<AttrSpec>.Empty, ValueKind.FloatTensor, site, ShapeHint(LinearAlgebra.Linear, args, ImmutableArray<AttrSpec>.Empty, input));
            }
            case TypeNames.Flatten:
                return OnInput(Layout.Flatten, Attrs(("start_dim", AttrText.Int(module.Int("startDim", 0, 1))), ("end_dim", AttrText.Int(module.Int("endDim", 1, -1)))));
            case TypeNames.Dropout:
            {
                var args = new List<ValueRef> { input.Reference, TrainingFlag(module).Reference };
                var rng = module.Type.GetMembers().FirstOrDefault(m => m.DeclaredAccessibility == Accessibility.Public && m.MemberType().Is(TypeNames.Rng));
                if (rng is not null)
                    args.Add(builder.Capture($"{module.Name}.rng", $"{module.AccessExpression}.{rng.Name}", CaptureKind.Rng, ImmutableArray<DimSpec>.Empty));
                return Emit(Normalization.Dropout, args.ToArray(), Attrs(("p", AttrText.Float(module.Number("p", 0, 0.5)))), ValueKind.FloatTensor, site, input.Shape);
            }
            case TypeNames.Conv1d:
            case TypeNames.Conv2d:
            {
                var args = new List<TensorValue> { input, CaptureParameter(module, "weight", site) };
                if (HasParameter(module, "bias")) args.Add(CaptureParameter(module, "bias", site));
                var attrs = Attrs(("stride", AttrText.Ints(IntsOr(module, "stride", 3, 1))), ("padding", AttrText.Ints(IntsOr(module, "padding", 4, 0))));
                return Emit(module.Is(TypeNames.Conv1d) ? Convolution.Conv1d : Convolution.Conv2d, args.ToArray(), attrs, ValueKind.FloatTensor, site, null);
            }
            case TypeNames.MaxPool1d:
            case TypeNames.MaxPool2d:
            case TypeNames.AvgPool1d:
            case TypeNames.AvgPool2d:
            {
                var kernel = module.Ints("kernelSize", 0);
                var attrs = Attrs(
                    ("kernel", AttrText.Ints(kernel)),
                    ("stride", AttrText.Ints(IntsOr(module, "stride", 1, kernel.ToArray()))),
                    ("padding", AttrText.Ints(IntsOr(module, "padding", 2, 0))));
                return OnInput(AttrText.SnakeCase(module.Type.Name), attrs);
            }
            case TypeNames.BatchNorm1d:
            case TypeNames.BatchNorm2d:
            {
                var args = new[]
                {
                    input.Reference,
                    CaptureParameter(module, "running_mean", site).Reference,
                    CaptureParameter(module, "running_var", site).Reference,
                    CaptureParameter(module, "weight", site).Reference,
                    CaptureParameter(module, "bias", site).Reference,
                    TrainingFlag(module).Reference,
                    CaptureParameter(module, "num_batches_tracked", site).Reference,
                };
                // momentum: null is torch's cumulative average over the batches seen (hence num_batches_tracked).
                string momentum = module.Argument("momentum", 2) is NullValue ? "none" : AttrText.Float(module.Number("momentum", 2, 0.1));
                var attrs = Attrs(("momentum", momentum), ("eps", AttrText.Float(module.Number("eps", 1, 1e-5))));
                return Emit(Normalization.BatchNorm, args, attrs, ValueKind.FloatTensor, site, input.Shape);
            }
            case TypeNames.LayerNorm:
            {
                var args = new[] { input, CaptureParameter(module, "weight", site), CaptureParameter(module, "bias", site) };
                var attrs = Attrs(("normalized_shape", AttrText.Ints(module.Ints("normalizedShape", 0))), ("eps", AttrText.Float(module.Number("eps", 1, 1e-5))));
                return Emit(Normalization.LayerNorm, args, attrs, ValueKind.FloatTensor, site, input.Shape);
            }
            case TypeNames.Embedding:
            {
                var weight = CaptureParameter(module, "weight", site);
                var attrs = module.Argument("paddingIdx", 2) is NumberValue padding
                    ? Attrs(("padding_idx", AttrText.Int(padding.Number)))
                    : ImmutableArray<AttrSpec>.Empty;
                var args = new List<TensorValue> { input, weight };
                return Emit(Embedding.Lookup, args.ToArray(), attrs, ValueKind.FloatTensor, site, ShapeHint(Embedding.Lookup, args, attrs, input));
            }
            case TypeNames.Rnn:
                return LowerRnn(module, input, arguments, site);
            case TypeNames.LstmCell:
                return LowerLstmCell(module, input, arguments, site);
            default:
                throw UnknownCall(site);
        }
    }

    static ImmutableArray<int> IntsOr(ModuleInfo module, string name, int position, params int[] fallback) =>
        module.Argument(name, position) is null or NullValue ? fallback.ToImmutableArray() : module.Ints(name, position);

    TensorValue Reshape(TensorValue input, string shape, IOperation site) =>
        Emit(OpNames.Reshape, new[] { input }, Attrs(("shape", shape)), input.Kind, site, null);

    TensorValue Add(TensorValue left, TensorValue right, IOperation site) =>
        Emit(OpNames.Add, new[] { left, right }, ImmutableArray<AttrSpec>.Empty, ValueKind.FloatTensor, site, left.Shape);

    TensorValue Linear(TensorValue input, TensorValue weight, TensorValue? bias, IOperation site)
    {
        var args = bias is null ? new[] { input, weight } : new[] { input, weight, bias };
        return Emit(LinearAlgebra.Linear, args, ImmutableArray<AttrSpec>.Empty, ValueKind.FloatTensor, site, ShapeHint(LinearAlgebra.Linear, args.ToList(), ImmutableArray<AttrSpec>.Empty, input));
    }

    TensorValue Elementwise(string op, TensorValue input, IOperation site) =>
        Emit(op, new[] { input }, ImmutableArray<AttrSpec>.Empty, input.Kind, site, input.Shape);

    TensorValue Multiply(TensorValue left, TensorValue right, IOperation site) =>
        Emit(OpNames.Mul, new[] { left, right }, ImmutableArray<AttrSpec>.Empty, ValueKind.FloatTensor, site, left.Shape);

    TensorValue Concat(IReadOnlyList<TensorValue> pieces, int dim, IOperation site) => pieces.Count == 1
        ? pieces[0]
        : Emit(Layout.Concat, pieces.ToArray(), Attrs(("dim", AttrText.Int(dim))), ValueKind.FloatTensor, site, null);

    /// <summary>
    /// An Elman Rnn (tanh) over a sequence of fixed length, unrolled: per layer and step
    /// h = tanh(x_t W_ih^T + b_ih + h W_hh^T + b_hh), PyTorch's formula (the b terms absent with bias: false);
    /// returns (output, h_n) lazily.
    /// </summary>
    Value LowerRnn(ModuleInfo module, TensorValue input, List<BoundArgument> arguments, IInvocationOperation site)
    {
        int inputSize = module.Int("inputSize", 0), hidden = module.Int("hiddenSize", 1), layers = module.Int("numLayers", 2, 1);
        bool batchFirst = module.Bool("batchFirst", 3, false);
        int timeDim = batchFirst ? 1 : 0;
        if (input.Shape is not { Length: 3 } shape || shape[timeDim].IsSymbolic)
            throw new ParseFailure(DiagnosticDescriptors.UnsupportedConstruct, arguments[0].Syntax, Describe(arguments[0].Syntax),
                $"an Rnn is unrolled over a sequence of fixed length: its input must have a known 3-D shape with a constant sequence dimension {timeDim} (give it a [Shape])");
        int steps = shape[timeDim].Size;
        string activation = module.Argument("nonlinearity", 4) is EnumValue { MemberName: "Relu" } ? Activations.Relu : MathOps.Tanh;
        bool bias = module.Bool("bias", 5, true);
        var initial = arguments.Count > 1 ? arguments[1].Value as TensorValue : null;

        var sequence = new List<TensorValue>(steps);
        for (int t = 0; t < steps; t++)
        {
            var slice = Emit(Layout.Narrow, new[] { input }, Attrs(("dim", AttrText.Int(timeDim)), ("start", AttrText.Int(t)), ("length", "1")), input.Kind, site, null);
            sequence.Add(Reshape(slice, $"-1,{inputSize}", site));
        }

        var finalStates = new List<TensorValue>(layers);
        for (int layer = 0; layer < layers; layer++)
        {
            var weightIh = CaptureParameter(module, $"weight_ih_l{layer}", site);
            var weightHh = CaptureParameter(module, $"weight_hh_l{layer}", site);
            var biasIh = bias ? CaptureParameter(module, $"bias_ih_l{layer}", site) : null;
            var biasHh = bias ? CaptureParameter(module, $"bias_hh_l{layer}", site) : null;
            TensorValue? state = initial is null
                ? null
                : Reshape(Emit(Layout.Narrow, new[] { initial }, Attrs(("dim", "0"), ("start", AttrText.Int(layer)), ("length", "1")), initial.Kind, site, null), $"-1,{hidden}", site);
            var outputs = new List<TensorValue>(steps);
            foreach (var step in sequence)
            {
                var preactivation = Linear(step, weightIh, biasIh, site);
                // With no initial state h_{-1} = 0, so h W_hh^T vanishes and only its bias (if any) remains.
                if (state is not null) preactivation = Add(preactivation, Linear(state, weightHh, biasHh, site), site);
                else if (biasHh is not null) preactivation = Add(preactivation, biasHh, site);
                state = Elementwise(activation, preactivation, site);
                outputs.Add(state);
            }
            sequence = outputs;
            finalStates.Add(state!);
        }

        var lastLayer = sequence;
        string perStep = batchFirst ? $"-1,1,{hidden}" : $"1,-1,{hidden}";
        return new ListValue(ImmutableArray.Create(
            new Lazy<Value>(() => Concat(lastLayer.Select(h => Reshape(h, perStep, site)).ToList(), timeDim, site)),
            new Lazy<Value>(() => Concat(finalStates.Select(h => Reshape(h, $"1,-1,{hidden}", site)).ToList(), 0, site))));
    }

    /// <summary>One LSTM step in PyTorch's gate order (i, f, g, o); returns (h', c').</summary>
    Value LowerLstmCell(ModuleInfo module, TensorValue input, List<BoundArgument> arguments, IInvocationOperation site)
    {
        var state = arguments.Skip(1).SelectMany(argument => argument.Value switch
        {
            TensorValue tensor => new[] { tensor },
            ListValue list => list.Items.Select(item => item.Value).OfType<TensorValue>().ToArray(),
            _ => Array.Empty<TensorValue>(),
        }).ToList();
        if (state.Count is not (0 or 2))
            throw Unsupported(site, "LstmCell.Forward takes the input and optionally both h and c");
        var hidden = state.Count == 2 ? state[0] : null;
        var cell = state.Count == 2 ? state[1] : null;

        bool bias = HasParameter(module, "bias_ih");
        var gates = Linear(input, CaptureParameter(module, "weight_ih", site), bias ? CaptureParameter(module, "bias_ih", site) : null, site);
        if (hidden is not null)
            gates = Add(gates, Linear(hidden, CaptureParameter(module, "weight_hh", site), bias ? CaptureParameter(module, "bias_hh", site) : null, site), site);
        else if (bias)
            gates = Add(gates, CaptureParameter(module, "bias_hh", site), site);

        int hiddenSize = module.Int("hiddenSize", 1);
        TensorValue Gate(int index, string activation) => Elementwise(activation,
            Emit(Layout.Narrow, new[] { gates }, Attrs(("dim", "1"), ("start", AttrText.Int(index * hiddenSize)), ("length", AttrText.Int(hiddenSize))), ValueKind.FloatTensor, site, null), site);

        var inputGate = Gate(0, MathOps.Sigmoid);
        var candidate = Gate(2, MathOps.Tanh);
        var outputGate = Gate(3, MathOps.Sigmoid);
        var newCell = Multiply(inputGate, candidate, site);
        // With no cell state c = 0, so the forget gate has nothing to scale and is not built.
        if (cell is not null) newCell = Add(Multiply(Gate(1, MathOps.Sigmoid), cell, site), newCell, site);
        var newHidden = Multiply(outputGate, Elementwise(MathOps.Tanh, newCell, site), site);
        return ListValue.Of(newHidden, newCell);
    }
}
