using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Diagnostics;
using Kiln.Generator.Helpers;
using Kiln.Generator.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Kiln.Generator.Parsing;

/// <summary>An argument after binding: its parameter's name and type (named and default arguments resolved).</summary>
internal sealed record BoundArgument(string Name, ITypeSymbol? Type, Value Value, SyntaxNode Syntax);

internal sealed partial class MethodInterpreter
{
    /// <summary>Ops whose outputs keep their first input's shape, for the parser's light shape tracking.</summary>
    static bool PreservesShape(string op) => Ops.OpRegistry.TryGet(op, out var def) && def.PreservesShape;

    Value Invoke(IInvocationOperation invocation, Frame frame)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType;

        if (type.Is(TypeNames.Ops))
            return LowerOpsCall(method.Name, BindArguments(invocation, frame), method.ReturnType, invocation);

        if (!method.IsStatic && type.IsFloatTensor() && invocation.Instance is not null)
            return LowerTensorMethod(method, Evaluate(invocation.Instance, frame), BindArguments(invocation, frame), invocation);

        // IntTensor has one view of its own (labels reshaped to [N]); it shares the reshape op with Tensor.
        if (!method.IsStatic && type.IsIntTensor() && method.Name == "Reshape" && invocation.Instance is not null
            && Evaluate(invocation.Instance, frame) is TensorValue { Kind: ValueKind.IntTensor } labels)
        {
            var arguments = BindArguments(invocation, frame);
            arguments.Insert(0, new BoundArgument("x", type, labels, invocation.Instance.Syntax));
            return LowerGenericOp("Reshape", arguments, method.ReturnType, invocation);
        }

        if (!method.IsStatic && method.Name == "Apply" && type.Is(TypeNames.Function) && invocation.Instance is not null)
            return ApplyFunction(invocation, frame);

        if (!method.IsStatic && method.Name == "SaveForBackward" && type.Is(TypeNames.FunctionContext) && invocation.Instance is not null)
            return SaveForBackward(invocation, frame);

        if (IsModelMethod(method) && invocation.Instance is null or IInstanceReferenceOperation)
            return Inline(method, invocation, frame);

        if (!method.IsStatic && method.Name == "Forward" && type.IsOrDerivesFrom(TypeNames.Module) && invocation.Instance is not null
            && Evaluate(invocation.Instance, frame) is ModuleValue module)
            return LowerModuleForward(module.Module, BindArguments(invocation, frame), invocation);

        throw UnknownCall(invocation);
    }

    static ParseFailure UnknownCall(IInvocationOperation invocation) =>
        new(DiagnosticDescriptors.UnknownCall, invocation.Syntax, $"{invocation.TargetMethod.ContainingType.Name}.{invocation.TargetMethod.Name}");

    /// <summary>A method of the model class (or a source base class of it), which can be inlined.</summary>
    bool IsModelMethod(IMethodSymbol method)
    {
        for (var type = modelType; type is not null; type = type.BaseType)
        {
            if (type.Is(TypeNames.Module)) return false;
            if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, method.ContainingType.OriginalDefinition)) return true;
        }
        return false;
    }

    /// <summary>Evaluates arguments in source order (so ops appear in the order the user wrote them), then orders them
    /// by parameter, defaults included.</summary>
    List<BoundArgument> BindArguments(IInvocationOperation invocation, Frame frame) => invocation.Arguments
        .Select(argument => (Ordinal: argument.Parameter?.Ordinal ?? int.MaxValue,
            Bound: new BoundArgument(argument.Parameter?.Name ?? "argument", argument.Parameter?.Type, Evaluate(argument.Value, frame), argument.Syntax)))
        .ToList()
        .OrderBy(pair => pair.Ordinal)
        .Select(pair => pair.Bound)
        .ToList();

    Value LowerTensorMethod(IMethodSymbol method, Value receiver, List<BoundArgument> arguments, IInvocationOperation invocation)
    {
        if (receiver is not TensorValue tensor)
            throw Unsupported(invocation.Instance!, $"the receiver is {receiver.Describe()}");
        if (method.Name == "T" && arguments.Count == 0)
            return Emit(OpCallTable.MatrixTranspose, new[] { tensor }, Attrs(("dim0", "0"), ("dim1", "1")), tensor.Kind, invocation, null);

        if (method.Name == "Size" && arguments.Count == 1 && arguments[0].Value is NumberValue { IsInteger: true } dim)
            return SizeOf(tensor, (int)dim.Number, invocation);
        string opsName = OpCallTable.OpsFunctionOf(method.Name);
        var ops = compilation.GetTypeByMetadataName(TypeNames.Ops);
        if (ops is null || !ops.GetMembers(opsName).OfType<IMethodSymbol>().Any(m => m.IsStatic && m.DeclaredAccessibility == Accessibility.Public))
            throw UnknownCall(invocation);

        arguments.Insert(0, new BoundArgument("x", method.ContainingType, tensor, invocation.Instance!.Syntax));
        return LowerOpsCall(opsName, arguments, method.ReturnType, invocation);
    }

    Value LowerOpsCall(string name, List<BoundArgument> arguments, ITypeSymbol returnType, IInvocationOperation site)
    {
        switch (name)
        {
            case "Add" or "Sub" or "Mul" or "Div" when arguments.Count == 2:
            {
                var kind = name switch
                {
                    "Add" => BinaryOperatorKind.Add,
                    "Sub" => BinaryOperatorKind.Subtract,
                    "Mul" => BinaryOperatorKind.Multiply,
                    _ => BinaryOperatorKind.Divide,
                };
                return Arithmetic(kind, arguments[0].Value, arguments[1].Value, site, isChecked: false);
            }
            case "Max" when returnType is INamedTypeSymbol { IsTupleType: true }:
            {
                var input = RequireTensor(arguments[0], site);
                var attrs = Attrs(("dim", IntAttr(arguments[1], site)), ("keep_dim", BoolAttr(arguments.ElementAtOrDefault(2), site, false)));
                return new ListValue(ImmutableArray.Create(
                    new Lazy<Value>(() => Emit(OpCallTable.OpOf(name), new[] { input }, attrs, ValueKind.FloatTensor, site, null)),
                    new Lazy<Value>(() => Emit(Ops.Definitions.Reductions.ArgMax, new[] { input }, attrs, ValueKind.IntTensor, site, null))));
            }
            case "ArgMax":
            {
                var input = RequireTensor(arguments[0], site);
                var attrs = Attrs(("dim", IntAttr(arguments[1], site)), ("keep_dim", BoolAttr(arguments.ElementAtOrDefault(2), site, false)));
                return Emit(Ops.Definitions.Reductions.ArgMax, new[] { input }, attrs, ValueKind.IntTensor, site, null);
            }
            case "Chunk":
            {
                var input = RequireTensor(arguments[0], site);
                int chunks = (int)RequireNumber(arguments[1], site);
                if (chunks <= 0) throw Unsupported(site, "Chunk needs a positive number of chunks");
                string dim = arguments.Count > 2 ? IntAttr(arguments[2], site) : "0";
                int count = ChunkCount(input, chunks, int.Parse(dim, System.Globalization.CultureInfo.InvariantCulture), site);
                var pieces = ImmutableArray.CreateBuilder<Lazy<Value>>(count);
                for (int index = 0; index < count; index++)
                {
                    var attrs = Attrs(("chunks", AttrText.Int(chunks)), ("dim", dim), ("index", AttrText.Int(index)));
                    pieces.Add(new Lazy<Value>(() => Emit(OpCallTable.OpOf(name), new[] { input }, attrs, input.Kind, site, null)));
                }
                return new ListValue(pieces.MoveToImmutable());
            }
            default:
                return LowerGenericOp(name, arguments, returnType, site);
        }
    }

    /// <summary>
    /// How many pieces Chunk makes, with PyTorch's split: pieces of ceil(size / chunks), the last one shorter, and
    /// fewer pieces when they run out (when the parser can see the size); along a symbolic dimension it is unsupported
    /// (KILN0001). With a shape the parser cannot see, one piece per chunk (the compiler checks each).
    /// </summary>
    int ChunkCount(TensorValue input, int chunks, int dim, IOperation site)
    {
        if (input.Shape is not { } shape) return chunks;
        int axis = dim < 0 ? dim + shape.Length : dim;
        if (axis < 0 || axis >= shape.Length) return chunks;
        if (shape[axis].IsSymbolic)
            throw Unsupported(site, Ops.Definitions.Layout.SymbolicChunk(axis, "[" + string.Join(",", shape.Select(d => d.ToString())) + "]", chunks));
        int size = shape[axis].Size;
        int pieceSize = (size + chunks - 1) / chunks;
        return (size + pieceSize - 1) / pieceSize;
    }

    /// <summary>
    /// The rule for every other Ops function: tensors (and tensor lists) become op arguments in parameter order, other
    /// arguments become attrs named after the parameter in snake case, and must be compile-time constants.
    /// </summary>
    Value LowerGenericOp(string name, List<BoundArgument> arguments, ITypeSymbol returnType, IInvocationOperation site)
    {
        var kind = returnType.IsIntTensor() ? ValueKind.IntTensor
            : returnType.IsFloatTensor() ? ValueKind.FloatTensor
            : throw UnknownCall(site);
        string op = OpCallTable.OpOf(name);
        if (arguments.Any(a => a.Value is LoopIndexValue)) return LowerLoopStep(name, arguments, site);

        var args = new List<ValueRef>();
        var attrs = ImmutableArray.CreateBuilder<AttrSpec>();
        TensorValue? first = null;
        var tensorArgs = new List<TensorValue>();
        foreach (var argument in arguments)
        {
            switch (argument.Value)
            {
                case TensorValue tensor:
                    args.Add(tensor.Reference);
                    tensorArgs.Add(tensor);
                    first ??= tensor;
                    break;
                case StateValue state:
                    args.Add(state.Reference);
                    break;
                case NullValue:
                    break;
                case ListValue list when list.Items.Length > 0 && list.Items.All(item => item.Value is TensorValue):
                    foreach (var item in list.Items)
                    {
                        var tensor = (TensorValue)item.Value;
                        args.Add(tensor.Reference);
                        tensorArgs.Add(tensor);
                        first ??= tensor;
                    }
                    break;
                default:
                    attrs.Add(new AttrSpec(OpCallTable.AttrName(name, argument.Name), ConstantAttr(argument, site)));
                    break;
            }
        }

        var attrArray = attrs.ToImmutable();
        return WithLeading(Emit(op, args.ToArray(), attrArray, kind, site, ShapeHint(op, tensorArgs, attrArray, first)), op, tensorArgs, attrArray);
    }

    string ConstantAttr(BoundArgument argument, IOperation site)
    {
        // A size the model holds may shape a tensor (Reshape's sizes), not set any other attribute of an op.
        var held = argument.Value as SizeValue ?? (argument.Value as ListValue)?.Items.Select(item => item.Value).OfType<SizeValue>().FirstOrDefault(size => size.Origin is not null);
        if (held is { Origin: { } origin } && argument.Name != "shape")
            throw new ParseFailure(DiagnosticDescriptors.StructuralValueNotConstant, argument.Syntax, $"Argument '{argument.Name}'", origin,
                "it is an attribute of the op, which its kernel is generated for; only sizes of tensors (Reshape's) may come from the constructor");
        switch (argument.Value)
        {
            case NumberValue number:
                bool integral = argument.Type.Underlying() is { } type ? type.IsIntegral() : number.IsInteger;
                return integral ? AttrText.Int(number.Number) : AttrText.Float(number.Number);
            case BoolValue flag:
                return AttrText.Bool(flag.Flag);
            case EnumValue member:
                return member.MemberName.ToLowerInvariant();
            case TextValue text:
                return text.Text;
            case ListValue list when list.Items.All(item => item.Value is NumberValue { IsInteger: true }):
                return AttrText.Ints(list.Items.Select(item => (int)((NumberValue)item.Value).Number));
            case ListValue list when list.Items.All(item => item.Value is NumberValue { IsInteger: true } or SizeValue):
                // Sizes with symbols (Reshape(x.Size(0), -1)): the shape rule reads "N" as the symbol N.
                return string.Join(",", list.Items.Select(item => item.Value is SizeValue size ? size.Size.ToString() : AttrText.Int(((NumberValue)item.Value).Number)));
            case SizeValue size:
                return size.Size.ToString();
            default:
                throw new ParseFailure(DiagnosticDescriptors.UnsupportedConstruct, argument.Syntax, MethodInterpreter.Describe(argument.Syntax),
                    $"argument '{argument.Name}' is {argument.Value.Describe()}; arguments other than tensors must be compile-time constants");
        }
    }

    static ImmutableArray<DimSpec>? ShapeHint(string op, List<TensorValue> tensors, ImmutableArray<AttrSpec> attrs, TensorValue? first)
    {
        if (first is null) return null;
        if (PreservesShape(op)) return first.Shape;
        if (op == Ops.Definitions.LinearAlgebra.Linear && first.Shape is { Length: > 0 } input && tensors.Count > 1 && tensors[1].Shape is { Length: 2 } weight)
            return input.SetItem(input.Length - 1, weight[0]);
        if (op == Ops.Definitions.Embedding.Lookup && first.Shape is { } indices && tensors.Count > 1 && tensors[1].Shape is { Length: 2 } table)
            return indices.Add(table[1]);
        return null;
    }

    /// <summary>
    /// A dimension of a tensor whose shape the parser can see: a number when constant, the symbol's
    /// <see cref="SizeValue"/> when declared symbolic ([Shape("N", ...)]).
    /// </summary>
    Value SizeOf(TensorValue tensor, int dim, IOperation site)
    {
        if (tensor.Shape is not { } shape)
        {
            if (dim == 0 && tensor.Leading is { } leading) return leading.IsSymbolic ? new SizeValue(Graph.Size.Symbol(leading.Symbol!).Times(Graph.Size.Of(leading.Factor))) : NumberValue.Int(leading.Size);
            throw Unsupported(site, "the size of this tensor is not known before shape inference; take the size of an input (its [Shape]) or dimension 0 after layers that keep it");
        }
        int axis = dim < 0 ? dim + shape.Length : dim;
        if (axis < 0 || axis >= shape.Length) throw Unsupported(site, $"dimension {dim} is out of range for a tensor of rank {shape.Length}");
        return shape[axis].IsSymbolic ? new SizeValue(Graph.Size.Symbol(shape[axis].Symbol!).Times(Graph.Size.Of(shape[axis].Factor))) : NumberValue.Int(shape[axis].Size);
    }

    TensorValue RequireTensor(BoundArgument argument, IOperation site) => argument.Value as TensorValue
        ?? throw new ParseFailure(DiagnosticDescriptors.UnsupportedConstruct, argument.Syntax, Describe(argument.Syntax), $"argument '{argument.Name}' must be a tensor");

    double RequireNumber(BoundArgument argument, IOperation site) => argument.Value is NumberValue number
        ? number.Number
        : throw new ParseFailure(DiagnosticDescriptors.UnsupportedConstruct, argument.Syntax, Describe(argument.Syntax), $"argument '{argument.Name}' must be a compile-time constant");

    string IntAttr(BoundArgument argument, IOperation site) => AttrText.Int(RequireNumber(argument, site));

    string BoolAttr(BoundArgument? argument, IOperation site, bool fallback) => argument is null
        ? AttrText.Bool(fallback)
        : argument.Value is BoolValue flag
            ? AttrText.Bool(flag.Flag)
            : throw new ParseFailure(DiagnosticDescriptors.UnsupportedConstruct, argument.Syntax, Describe(argument.Syntax), $"argument '{argument.Name}' must be a compile-time bool");

    static ImmutableArray<AttrSpec> Attrs(params (string Name, string Value)[] attrs) =>
        attrs.Select(attr => new AttrSpec(attr.Name, attr.Value)).ToImmutableArray();

    Value Inline(IMethodSymbol method, IInvocationOperation invocation, Frame frame)
    {
        if (inlineDepth >= MaxInlineDepth)
            throw Unsupported(invocation, "calls nest too deeply to inline (recursion cannot be unrolled)");
        if (method.IsGenericMethod)
            throw Unsupported(invocation, "generic methods cannot be inlined");
        var declaration = method.DeclaringSyntaxReferences
            .Select(reference => reference.GetSyntax(cancellationToken))
            .OfType<MethodDeclarationSyntax>()
            .FirstOrDefault(syntax => syntax.Body is not null || syntax.ExpressionBody is not null);
        if (declaration is null) throw UnknownCall(invocation);

        var callee = new Frame();
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is null) throw new SourceHasErrors();
            if (argument.Parameter.RefKind != RefKind.None) throw Unsupported(argument, "ref and out arguments cannot be inlined");
            callee.Values[argument.Parameter] = Evaluate(argument.Value, frame);
        }

        var body = BodyOf(declaration);
        var savedSite = inlineSite;
        inlineSite ??= invocation.Syntax.ToInfo();
        inlineDepth++;
        try
        {
            return Run(body, callee, declaration);
        }
        finally
        {
            inlineDepth--;
            inlineSite = savedSite;
        }
    }

    /// <summary>The body of a method in any file of the compilation (an inlined callee may live in another file).</summary>
    IOperation BodyOf(MethodDeclarationSyntax declaration)
    {
        var model = compilation.GetSemanticModel(declaration.SyntaxTree);
        var body = model.GetOperation(declaration, cancellationToken) as IMethodBodyOperation;
        return (IOperation?)body?.BlockBody ?? body?.ExpressionBody ?? throw new SourceHasErrors();
    }
}
