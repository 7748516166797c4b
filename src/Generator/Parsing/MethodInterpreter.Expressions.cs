using System;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Diagnostics;
using Kiln.Generator.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Kiln.Generator.Parsing;

internal sealed partial class MethodInterpreter
{
    /// <summary>Deeper expressions (thousands of chained operators) would overflow the compiler's stack, which no
    /// catch can turn into a diagnostic; the limit keeps the whole build alive.</summary>
    const int MaxExpressionDepth = 1000;

    int expressionDepth;

    Value Evaluate(IOperation operation, Frame frame)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (operation.ConstantValue.HasValue) return Constant(operation);
        if (expressionDepth >= MaxExpressionDepth)
            throw Unsupported(operation, $"the expression nests more than {MaxExpressionDepth} levels deep; split it into locals");
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        expressionDepth++;
        try
        {
            return EvaluateOperation(operation, frame);
        }
        finally
        {
            expressionDepth--;
        }
    }

    Value EvaluateOperation(IOperation operation, Frame frame)
    {
        switch (operation)
        {
            case IConversionOperation conversion:
                return Convert(Evaluate(conversion.Operand, frame), conversion.Type, conversion.IsChecked, conversion);

            case ILocalReferenceOperation local:
                return frame.Values.TryGetValue(local.Local, out var localValue)
                    ? localValue
                    : throw Unsupported(operation, $"local '{local.Local.Name}' is read before it is assigned");

            case IParameterReferenceOperation parameter:
                return frame.Values.TryGetValue(parameter.Parameter, out var parameterValue)
                    ? parameterValue
                    : throw Unsupported(operation, $"parameter '{parameter.Parameter.Name}' has no value");

            case IInstanceReferenceOperation:
                return ThisValue.Instance;

            case IFieldReferenceOperation field:
                return Member(field.Field, field.Instance, operation, frame);

            case IPropertyReferenceOperation property when property.Arguments.Length == 0:
                return Member(property.Property, property.Instance, operation, frame);

            // A list's indexer (a Function's ctx.SavedTensors[0]) reads a build-time list as an array element does.
            case IPropertyReferenceOperation { Property.IsIndexer: true, Arguments.Length: 1, Instance: { } list } indexer:
                return Index(Evaluate(list, frame), Evaluate(indexer.Arguments[0].Value, frame), operation);

            case IBinaryOperation binary:
                return Binary(binary, frame);

            case IUnaryOperation unary:
                return Unary(unary, frame);

            case IInvocationOperation invocation:
                return Invoke(invocation, frame);

            case ITupleOperation tuple:
                return ListValue.Of(tuple.Elements.Select(element => Evaluate(element, frame)).ToArray());

            case IConditionalOperation conditional when conditional.WhenFalse is not null:
            {
                var (condition, mode) = EvaluateConditionOrMode(conditional.Condition, "?:", frame);
                if (mode is null) return Evaluate(condition ? conditional.WhenTrue : conditional.WhenFalse, frame);
                // Training ? a : b: both are computed and the flag selects one at call time.
                var whenTrue = Evaluate(conditional.WhenTrue, frame);
                var whenFalse = Evaluate(conditional.WhenFalse, frame);
                return mode.Negated ? SelectOnMode(mode, whenFalse, whenTrue, operation) : SelectOnMode(mode, whenTrue, whenFalse, operation);
            }

            case IArrayCreationOperation { Initializer: { } initializer }:
                return ListValue.Of(initializer.ElementValues.Select(element => Evaluate(element, frame)).ToArray());

            case ICollectionExpressionOperation collection when collection.Elements.All(e => e is not ISpreadOperation):
                return ListValue.Of(collection.Elements.Select(element => Evaluate(element, frame)).ToArray());

            case IArrayElementReferenceOperation element when element.Indices.Length == 1:
                return Index(Evaluate(element.ArrayReference, frame), Evaluate(element.Indices[0], frame), operation);

            case ISimpleAssignmentOperation assignment:
                return Assign(assignment.Target, Evaluate(assignment.Value, frame), frame);

            case ICompoundAssignmentOperation compound:
            {
                // x op= y is x = (T)(x op y), the cast checked in a checked context.
                var result = Arithmetic(compound.OperatorKind, Evaluate(compound.Target, frame), Evaluate(compound.Value, frame), operation, compound.IsChecked);
                return Assign(compound.Target, Convert(result, compound.Target.Type, compound.IsChecked, operation), frame);
            }

            case IIncrementOrDecrementOperation increment:
                return Increment(increment, frame);

            case IDeconstructionAssignmentOperation deconstruction:
            {
                var value = Evaluate(deconstruction.Value, frame);
                Deconstruct(deconstruction.Target, value, frame);
                return value;
            }

            case IDefaultValueOperation:
                return NullValue.Instance;

            case IInvalidOperation:
                throw new SourceHasErrors();

            case IObjectCreationOperation creation when creation.Type.IsOrDerivesFrom(TypeNames.Function):
                return FunctionOf(creation);

            case IObjectCreationOperation:
                throw Unsupported(operation, "objects cannot be created inside the graph; hold modules and parameters in fields");

            case IAnonymousFunctionOperation:
                throw Unsupported(operation, "lambdas cannot be compiled into a graph");

            default:
                throw Unsupported(operation, "only tensor arithmetic, numeric constants, Ops calls, Tensor methods, module Forward calls and locals are allowed");
        }
    }

    Value Constant(IOperation operation)
    {
        object? constant = operation.ConstantValue.Value;
        if (operation.Type is { TypeKind: TypeKind.Enum } enumType)
        {
            var member = enumType.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, constant));
            return member is not null ? new EnumValue(member.Name) : throw Unsupported(operation, "the enum value has no named member");
        }
        if (CSharpArithmetic.FromConstant(constant) is { } number) return number;
        return constant switch
        {
            null => NullValue.Instance,
            bool flag => BoolValue.Of(flag),
            string text => new TextValue(text),
            _ => throw Unsupported(operation, "only numeric, bool and string constants can appear in a graph"),
        };
    }

    /// <summary>A value converted to a C# type: numbers exactly as C# converts them (see <see cref="CSharpArithmetic"/>).</summary>
    static Value Convert(Value value, ITypeSymbol? target, bool isChecked, IOperation site)
    {
        if (value is not NumberValue number) return value;
        try
        {
            return CSharpArithmetic.Convert(number, target, isChecked) ?? value;
        }
        catch (CSharpArithmetic.Refusal refusal)
        {
            throw Unsupported(site, refusal.Message);
        }
    }

    /// <summary>As <see cref="Convert(Value, ITypeSymbol?, bool, IOperation)"/> in an unchecked context (implicit conversions never overflow).</summary>
    static Value Convert(Value value, ITypeSymbol? target) => value is NumberValue number && CSharpArithmetic.Convert(number, target, isChecked: false) is { } converted ? converted : value;

    Value Binary(IBinaryOperation binary, Frame frame)
    {
        var left = Evaluate(binary.LeftOperand, frame);

        // && and || short-circuit at build time too: `UseExtra && Heavy()` must not evaluate Heavy when UseExtra is false.
        if (binary.OperatorKind is BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr && left is BoolValue leftFlag)
        {
            bool shortCircuit = binary.OperatorKind == BinaryOperatorKind.ConditionalAnd ? !leftFlag.Flag : leftFlag.Flag;
            if (shortCircuit) return leftFlag;
            return Evaluate(binary.RightOperand, frame) is BoolValue rightFlag
                ? rightFlag
                : throw Unsupported(binary, "logical operators apply to compile-time bools only");
        }

        var right = Evaluate(binary.RightOperand, frame);
        return Arithmetic(binary.OperatorKind, left, right, binary, binary.IsChecked);
    }

    static bool IsComparison(BinaryOperatorKind kind) => kind is BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals
        or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual;

    Value Arithmetic(BinaryOperatorKind kind, Value left, Value right, IOperation site, bool isChecked)
    {
        if (kind == BinaryOperatorKind.Multiply && (left, right) is (SizeValue or NumberValue { IsInteger: true }, SizeValue or NumberValue { IsInteger: true })
            && (left is SizeValue || right is SizeValue))
        {
            // Sizes are products of symbols: N * 784 is one, so it stays a size; sums and quotients are not.
            Graph.Size AsSize(Value v) => v is SizeValue s ? s.Size : Graph.Size.Of((long)((NumberValue)v).Number);
            return new SizeValue(AsSize(left).Times(AsSize(right)));
        }
        if ((left as SizeValue ?? right as SizeValue) is { Origin: { } origin } && IsComparison(kind))
            // Comparing a size the model holds decides control flow (a loop bound, an if), which is fixed in the graph.
            throw new ParseFailure(DiagnosticDescriptors.StructuralValueNotConstant, site.Syntax, $"The comparison '{Describe(site.Syntax)}'", origin,
                "it decides the graph's structure (how many times a loop's ops are generated, which branch is compiled), which is fixed when the graph is generated; only sizes of tensors may come from the constructor");
        if (left is SizeValue || right is SizeValue)
            throw Unsupported(site, "a call-time size may only be multiplied (sizes are products of symbols) and passed to Reshape");
        if (left is NumberValue a && right is NumberValue b)
        {
            try
            {
                return CSharpArithmetic.Binary(kind, a, b, isChecked);
            }
            catch (CSharpArithmetic.Refusal refusal)
            {
                throw Unsupported(site, refusal.Message);
            }
        }
        if (left is BoolValue p && right is BoolValue q)
        {
            return kind switch
            {
                BinaryOperatorKind.And or BinaryOperatorKind.ConditionalAnd => BoolValue.Of(p.Flag && q.Flag),
                BinaryOperatorKind.Or or BinaryOperatorKind.ConditionalOr => BoolValue.Of(p.Flag || q.Flag),
                BinaryOperatorKind.ExclusiveOr or BinaryOperatorKind.NotEquals => BoolValue.Of(p.Flag != q.Flag),
                BinaryOperatorKind.Equals => BoolValue.Of(p.Flag == q.Flag),
                _ => throw Unsupported(site, "this operator does not apply to bools"),
            };
        }

        string? op = kind switch
        {
            BinaryOperatorKind.Add => "add",
            BinaryOperatorKind.Subtract => "sub",
            BinaryOperatorKind.Multiply => "mul",
            BinaryOperatorKind.Divide => "div",
            _ => null,
        };
        if (op is not null && (left is TensorValue || right is TensorValue) && IsArithmeticOperand(left) && IsArithmeticOperand(right))
        {
            var leftTensor = AsFloatTensor(left, site);
            var rightTensor = AsFloatTensor(right, site);
            return Emit(op, new[] { leftTensor, rightTensor }, ImmutableArray<AttrSpec>.Empty, ValueKind.FloatTensor, site,
                BroadcastHint(leftTensor, rightTensor));
        }
        throw Unsupported(site, "tensors support + - * / with tensors and numeric constants; comparisons and other operators need the dynamic tape");
    }

    static bool IsArithmeticOperand(Value value) => value is NumberValue or TensorValue { Kind: ValueKind.FloatTensor };

    /// <summary>A scalar operand becomes a "constant" op, so the graph has one binary op per arithmetic operator.</summary>
    TensorValue AsFloatTensor(Value value, IOperation site) => value switch
    {
        TensorValue { Kind: ValueKind.FloatTensor } tensor => tensor,
        NumberValue number => ConstantTensor(number.Number, site),
        _ => throw Unsupported(site, $"{value.Describe()} cannot be used in tensor arithmetic"),
    };

    TensorValue ConstantTensor(double number, IOperation site) =>
        Emit("constant", Array.Empty<TensorValue>(), ImmutableArray.Create(new AttrSpec("value", AttrText.Float(number))), ValueKind.FloatTensor, site,
            ImmutableArray<DimSpec>.Empty);

    static ImmutableArray<DimSpec>? BroadcastHint(TensorValue left, TensorValue right)
    {
        if (left.Shape is { } a && right.Shape is { } b)
        {
            if (b.Length == 0 || a.SequenceEqual(b)) return a;
            if (a.Length == 0) return b;
        }
        return null;
    }

    Value Unary(IUnaryOperation unary, Frame frame)
    {
        var operand = Evaluate(unary.Operand, frame);
        switch (unary.OperatorKind, operand)
        {
            case (UnaryOperatorKind.Plus, NumberValue or TensorValue):
                return operand;
            case (UnaryOperatorKind.Minus, NumberValue number):
                try
                {
                    return CSharpArithmetic.Negate(number, unary.IsChecked);
                }
                catch (CSharpArithmetic.Refusal refusal)
                {
                    throw Unsupported(unary, refusal.Message);
                }
            case (UnaryOperatorKind.Minus, TensorValue { Kind: ValueKind.FloatTensor } tensor):
                return Emit("neg", new[] { tensor }, ImmutableArray<AttrSpec>.Empty, ValueKind.FloatTensor, unary, tensor.Shape);
            case (UnaryOperatorKind.Not, StateValue { Kind: CaptureKind.Flag } mode):
                return new StateValue(mode.Reference, mode.Kind) { Negated = !mode.Negated };
            case (UnaryOperatorKind.Not, BoolValue flag):
                return BoolValue.Of(!flag.Flag);
            default:
                throw Unsupported(unary, $"this operator does not apply to {operand.Describe()}");
        }
    }

    Value Index(Value collection, Value index, IOperation site)
    {
        if (collection is not ListValue list) throw Unsupported(site, "only arrays produced in the method (Chunk, array literals) can be indexed");
        if (index is not NumberValue { IsInteger: true } number) throw Unsupported(site, "the index must be a compile-time constant");
        int position = (int)number.Number;
        if (position < 0 || position >= list.Items.Length)
            throw Unsupported(site, $"index {position} is outside the {list.Items.Length} elements");
        return list.Items[position].Value;
    }

    Value Assign(IOperation target, Value value, Frame frame)
    {
        switch (target)
        {
            case ILocalReferenceOperation local:
                frame.Values[local.Local] = value;
                return value;
            case IParameterReferenceOperation parameter:
                frame.Values[parameter.Parameter] = value;
                return value;
            default:
                throw Unsupported(target, "a compiled graph only assigns locals; it must not change fields or other state");
        }
    }

    Value Increment(IIncrementOrDecrementOperation increment, Frame frame)
    {
        var old = Evaluate(increment.Target, frame);
        if (old is not NumberValue number) throw Unsupported(increment, "only compile-time numbers can be incremented");
        var kind = increment.Kind == OperationKind.Increment ? BinaryOperatorKind.Add : BinaryOperatorKind.Subtract;
        // ++ and −− compute in the target's type (a byte wraps at 255), checked in a checked context.
        var updated = Convert(Arithmetic(kind, number, NumberValue.Int(1), increment, increment.IsChecked), increment.Target.Type, increment.IsChecked, increment);
        Assign(increment.Target, updated, frame);
        return increment.IsPostfix ? old : updated;
    }

    void Deconstruct(IOperation target, Value value, Frame frame)
    {
        switch (target)
        {
            case IDeclarationExpressionOperation declaration:
                Deconstruct(declaration.Expression, value, frame);
                return;
            case ITupleOperation tuple:
                if (value is not ListValue list || list.Items.Length != tuple.Elements.Length)
                    throw Unsupported(target, "only tuples of known length (Max, Chunk, Rnn, LstmCell, tuple literals) can be deconstructed");
                for (int i = 0; i < tuple.Elements.Length; i++)
                {
                    var element = tuple.Elements[i];
                    // A discard never forces its lazy element, so an unread output adds no op.
                    if (element is IDiscardOperation) continue;
                    if (element is ILocalReferenceOperation { Local: var local }) CheckLocalType(local, element.Syntax);
                    Deconstruct(element, list.Items[i].Value, frame);
                }
                return;
            case IDiscardOperation:
                return;
            default:
                Assign(target, value, frame);
                return;
        }
    }

    TensorValue Emit(string op, TensorValue[] args, ImmutableArray<AttrSpec> attrs, ValueKind kind, IOperation site, ImmutableArray<DimSpec>? shape) =>
        WithLeading(Emit(op, args.Select(a => a.Reference).ToArray(), attrs, kind, site, shape), op, args, attrs);

    /// <summary>Ops whose result keeps its first input's leading dimension (so x.Size(0) after them is still the batch).</summary>
    static readonly System.Collections.Generic.HashSet<string> KeepLeading = new()
    {
        Ops.Definitions.Convolution.Conv1d, Ops.Definitions.Convolution.Conv2d, Ops.Definitions.Convolution.MaxPool1d, Ops.Definitions.Convolution.MaxPool2d,
        Ops.Definitions.Convolution.AvgPool1d, Ops.Definitions.Convolution.AvgPool2d, Ops.Definitions.LinearAlgebra.Linear, Ops.Definitions.Embedding.Lookup,
    };

    static TensorValue WithLeading(TensorValue result, string op, System.Collections.Generic.IReadOnlyList<TensorValue> tensors, ImmutableArray<AttrSpec> attrs)
    {
        if (result.Shape is { Length: > 0 } || tensors.Count == 0) return result;
        var first = tensors[0];
        var leading = first.Shape is { Length: > 0 } shape ? shape[0] : first.Leading;
        bool flattenKeeps = op == Ops.Definitions.Layout.Flatten && attrs.FirstOrDefault(a => a.Name == "start_dim") is { } start && start.Value != "0";
        bool keeps = KeepLeading.Contains(op) || flattenKeeps || (Ops.OpRegistry.TryGet(op, out var def) && def.PreservesShape);
        return leading is not null && keeps ? new TensorValue(result.Reference, result.Kind, result.Shape) { Leading = leading } : result;
    }

    TensorValue Emit(string op, ValueRef[] args, ImmutableArray<AttrSpec> attrs, ValueKind kind, IOperation site, ImmutableArray<DimSpec>? shape)
    {
        if (builder.OpCount >= MaxOps)
            throw Unsupported(site, $"the unrolled graph would have more than {MaxOps} ops");
        var reference = builder.AddOp(op, LoopArguments(op, args, site), attrs, SiteOf(site));
        return new TensorValue(reference, kind, shape);
    }
}
