using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Diagnostics;
using Kiln.Generator.Helpers;
using Kiln.Generator.Models;
using Kiln.Generator.Ops;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Kiln.Generator.Parsing;

internal sealed partial class MethodInterpreter
{
    readonly Dictionary<ISymbol, Value> modelMembers = new(SymbolEqualityComparer.Default);

    Value Member(ISymbol member, IOperation? instance, IOperation site, Frame frame)
    {
        if (member is IFieldSymbol { ContainingType.IsTupleType: true } tupleField && instance is not null)
            return TupleElement(Evaluate(instance, frame), tupleField, site);

        if (instance is null or IInstanceReferenceOperation && member is IPropertySymbol property && IsModelMember(member) && ComputedGetter(property) is { } getter)
            return InlineGetter(getter, site);

        if (instance is null or IInstanceReferenceOperation)
        {
            if (!IsModelMember(member))
                throw Unsupported(site, "only fields and properties of the model class (and constants) can be read");
            if (!modelMembers.TryGetValue(member, out var value))
            {
                value = ResolveModelMember(member, site);
                modelMembers[member] = value;
            }
            return value;
        }

        var receiver = Evaluate(instance, frame);
        if (receiver is ModuleValue module) return ModuleMember(module.Module, member, site);
        if (receiver is FunctionContextValue context)
            return member.Name == "SavedTensors"
                ? context.Saved
                : throw Unsupported(site, $"only ctx.SaveForBackward and ctx.SavedTensors are compiled; ctx.{member.Name} holds arbitrary objects, which a graph cannot carry from the forward to the backward");
        if (receiver is TensorValue { Shape: { } shape } tensor && member.Name == "Shape")
            return ListValue.Of(Enumerable.Range(0, shape.Length).Select(d => SizeOf(tensor, d, site)).ToArray());
        throw Unsupported(site, receiver is TensorValue
            ? "tensor properties (Shape, Grad, Data, ...) are run-time values; use Ops functions and Tensor methods"
            : $"members of {receiver.Describe()} cannot be read");
    }

    /// <summary>The body of a property getter written in source (=> expr or get { ... }); null for an auto-property.</summary>
    SyntaxNode? ComputedGetter(IPropertySymbol property)
    {
        foreach (var reference in property.GetMethod?.DeclaringSyntaxReferences ?? ImmutableArray<SyntaxReference>.Empty)
        {
            var syntax = reference.GetSyntax(cancellationToken);
            switch (syntax)
            {
                case ArrowExpressionClauseSyntax arrow:
                    return arrow;
                case AccessorDeclarationSyntax accessor when accessor.Body is not null || accessor.ExpressionBody is not null:
                    return accessor;
            }
        }
        return null;
    }

    /// <summary>A computed property (`Linear Head => head;`) is inlined like a method without arguments.</summary>
    Value InlineGetter(SyntaxNode getter, IOperation site)
    {
        if (inlineDepth >= MaxInlineDepth)
            throw Unsupported(site, "property getters nest too deeply to inline");
        var operation = compilation.GetSemanticModel(getter.SyntaxTree).GetOperation(getter, cancellationToken);
        var body = operation switch
        {
            IMethodBodyOperation method => (IOperation?)method.BlockBody ?? method.ExpressionBody,
            IBlockOperation block => block,
            _ => null,
        } ?? throw new SourceHasErrors();
        var savedSite = inlineSite;
        inlineSite ??= site.Syntax.ToInfo();
        inlineDepth++;
        try
        {
            return Run(body, new Frame(), getter);
        }
        finally
        {
            inlineDepth--;
            inlineSite = savedSite;
        }
    }

    static Value TupleElement(Value tuple, IFieldSymbol field, IOperation site)
    {
        var elements = field.ContainingType.TupleElements;
        int index = -1;
        for (int i = 0; i < elements.Length; i++)
            if (SymbolEqualityComparer.Default.Equals(elements[i], field) || elements[i].Name == field.Name
                || SymbolEqualityComparer.Default.Equals(elements[i].CorrespondingTupleField, field.CorrespondingTupleField ?? field))
                index = i;
        if (tuple is not ListValue list || index < 0 || index >= list.Items.Length)
            throw Unsupported(site, "only tuples produced in the method can be read");
        return list.Items[index].Value;
    }

    bool IsModelMember(ISymbol member)
    {
        for (var type = modelType; type is not null; type = type.BaseType)
            if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, member.ContainingType.OriginalDefinition)) return true;
        return false;
    }

    string AccessOf(ISymbol member)
    {
        string name = SyntaxFacts.GetKeywordKind(member.Name) != SyntaxKind.None ? "@" + member.Name : member.Name;
        // A nullable field the graph reads is initialised (its shape came from the initializer), so "!" is safe.
        if (member.MemberType()?.NullableAnnotation == NullableAnnotation.Annotated && member.MemberType()?.IsReferenceType == true) name += "!";
        return member.IsStatic ? $"{modelType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)}.{name}" : $"this.{name}";
    }

    Value ResolveModelMember(ISymbol member, IOperation site)
    {
        var type = member.MemberType();
        if (type is null) throw Unsupported(site, "only fields and properties can be read");
        if (!member.IsStatic && isStaticMethod) throw new SourceHasErrors();

        // Inside a custom Function's Forward or Backward only build-time constants of the Function can be read: the
        // graph reads state through the model, and a Function instance is not part of the model.
        if (functionBody is not null && !(type.IsNumeric() || type.SpecialType == SpecialType.System_Boolean))
            throw Unsupported(site, $"{functionBody}'s Forward and Backward may read their inputs, ctx and constants only; '{member.Name}' is state of the Function, which the compiled graph cannot reach");

        if (type.IsOrDerivesFrom(TypeNames.Function))
        {
            var assigned = Strip(AssignedValue(member, out _));
            return assigned is IObjectCreationOperation creation
                ? FunctionOf(creation)
                : throw new ParseFailure(DiagnosticDescriptors.UnknownMemberShape, site.Syntax, member.Name, "a Function field must be created with new in its initializer or a constructor");
        }

        if (member.Name == "Training" && type.SpecialType == SpecialType.System_Boolean && member.ContainingType.Is(TypeNames.Module))
            return new StateValue(builder.Capture("training", AccessOf(member), CaptureKind.Flag, ImmutableArray<DimSpec>.Empty), CaptureKind.Flag);

        if (type.IsFloatTensor())
        {
            var shape = ShapeReader.Read(member, cancellationToken) ?? InitializerShape(member)
                ?? throw new ParseFailure(DiagnosticDescriptors.UnknownMemberShape, site.Syntax, member.Name,
                    "it has no [Shape] attribute and no initializer with constant sizes");
            var kind = type.IsOrDerivesFrom(TypeNames.Parameter) ? CaptureKind.Parameter : CaptureKind.Buffer;
            return new TensorValue(builder.Capture(AttrText.SnakeCase(member.Name), AccessOf(member), kind, shape), ValueKind.FloatTensor, shape);
        }

        if (type.Is(TypeNames.Rng))
            return new StateValue(builder.Capture(member.Name, AccessOf(member), CaptureKind.Rng, ImmutableArray<DimSpec>.Empty), CaptureKind.Rng);

        if (type.IsOrDerivesFrom(TypeNames.Module))
        {
            if (!IsRuntimeModule(type))
                throw new ParseFailure(DiagnosticDescriptors.UnsupportedType, site.Syntax, type.ToDisplayString(),
                    $"the module field '{member.Name}' (the compiler has no lowering for this module type; the modules it compiles are listed in Ops/ModuleTable.cs)");
            var assigned = AssignedValue(member, out string? why);
            if (Strip(assigned) is not IObjectCreationOperation creation)
                throw new ParseFailure(DiagnosticDescriptors.UnknownMemberShape, site.Syntax, member.Name,
                    why ?? "it is not created with new and constant arguments in its initializer or a constructor");
            try
            {
                return new ModuleValue(ReadModule(creation, AttrText.SnakeCase(member.Name), AccessOf(member)));
            }
            catch (ModuleArgumentMissing missing)
            {
                throw new ParseFailure(DiagnosticDescriptors.UnknownMemberShape, site.Syntax, member.Name, missing.Message);
            }

        }

        if (type.IsNumeric() || type.SpecialType == SpecialType.System_Boolean)
        {
            // A readonly field with a constant initializer that no constructor assigns is as good as a const.
            bool readOnly = member is IFieldSymbol { IsReadOnly: true } || member is IPropertySymbol { SetMethod: null };
            var assigned = AssignedValue(member, out _);
            if (readOnly && assigned is { ConstantValue.HasValue: true } && !IsAssignedInConstructor(member))
                return Convert(Constant(assigned), type);
            // A readonly int set once by the constructor (this.hidden = hidden): a size known when the model is built,
            // a symbol of the graph read from the field at each call. Only sizes may use it; structure may not.
            if (readOnly && assigned is not null && type.SpecialType == SpecialType.System_Int32 && functionBody is null)
            {
                string symbol = HeldSizeSymbol(member);
                builder.AddSizeSource(member.Name, AccessOf(member), symbol);
                return new SizeValue(Graph.Size.Symbol(symbol)) { Origin = $"it reads '{member.Name}', set by the constructor to '{Describe(assigned.Syntax)}'" };
            }
            throw new ParseFailure(DiagnosticDescriptors.UnknownMemberShape, site.Syntax, member.Name,
                "its value is not a compile-time constant (make it const, or readonly with a constant initializer)");
        }

        throw new ParseFailure(DiagnosticDescriptors.UnsupportedType, site.Syntax, type.ToDisplayString(), $"the member '{member.Name}'");
    }

    static bool IsRuntimeModule(ITypeSymbol type) => Ops.ModuleTable<Value>.IsKnown(type.FullName());

    static IOperation? Strip(IOperation? operation)
    {
        while (operation is IConversionOperation conversion) operation = conversion.Operand;
        return operation;
    }

    /// <summary>The one value a member is given: its initializer, or its single assignment in a constructor.</summary>
    IOperation? AssignedValue(ISymbol member, out string? why)
    {
        why = null;
        foreach (var reference in member.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax(cancellationToken);
            var initializer = syntax switch
            {
                VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                PropertyDeclarationSyntax property => property.Initializer?.Value,
                _ => null,
            };
            if (initializer is not null)
                return WithoutErrors(compilation.GetSemanticModel(initializer.SyntaxTree).GetOperation(initializer, cancellationToken));
        }

        var assignments = ConstructorAssignments(member).ToList();
        if (assignments.Count > 1) why = "it is assigned more than once in the constructors";
        return assignments.Count == 1 ? assignments[0] : null;
    }

    /// <summary>An initializer that does not compile is the C# compiler's to report, not a KILN0007.</summary>
    static IOperation? WithoutErrors(IOperation? operation)
    {
        if (operation is null) return null;
        if (operation.Syntax.ContainsDiagnostics || operation is IInvalidOperation || operation.Descendants().Any(d => d is IInvalidOperation))
            throw new SourceHasErrors();
        return operation;
    }

    bool IsAssignedInConstructor(ISymbol member) => ConstructorAssignments(member).Any();

    IEnumerable<IOperation> ConstructorAssignments(ISymbol member)
    {
        var constructors = member.IsStatic ? member.ContainingType.StaticConstructors : member.ContainingType.InstanceConstructors;
        foreach (var constructor in constructors)
            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(cancellationToken);
                if (syntax is not ConstructorDeclarationSyntax) continue;
                var body = compilation.GetSemanticModel(syntax.SyntaxTree).GetOperation(syntax, cancellationToken);
                if (body is null) continue;
                foreach (var assignment in body.Descendants().OfType<ISimpleAssignmentOperation>())
                {
                    var target = assignment.Target switch
                    {
                        IFieldReferenceOperation field => (ISymbol)field.Field,
                        IPropertyReferenceOperation property => property.Property,
                        _ => null,
                    };
                    if (SymbolEqualityComparer.Default.Equals(target, member)) yield return WithoutErrors(assignment.Value)!;
                }
            }
    }

    /// <summary>The shape of a tensor initializer with constant sizes: Parameter.Randn(1000, 100), Tensor.Zeros(10),
    /// new Parameter(Tensor.Randn(784, 10) * 0.01f), ...; null when it cannot be read without running code.</summary>
    ImmutableArray<DimSpec>? InitializerShape(ISymbol member) => ShapeOfTensorExpression(AssignedValue(member, out _), depth: 0);

    ImmutableArray<DimSpec>? ShapeOfTensorExpression(IOperation? operation, int depth)
    {
        operation = Strip(operation);
        if (operation is null || depth > 8) return null;
        switch (operation)
        {
            case IInvocationOperation { TargetMethod.IsStatic: true } factory when factory.TargetMethod.ContainingType.IsFloatTensor():
            {
                var shapeArgument = factory.Arguments.FirstOrDefault(a => a.Parameter?.Name == "shape");
                return shapeArgument is null ? null : ConstantInts(shapeArgument.Value);
            }
            case IInvocationOperation { TargetMethod.IsStatic: false, Instance: { } receiver } method
                when method.TargetMethod.ReturnType.IsFloatTensor() && (method.TargetMethod.Name.EndsWith("InPlace") || method.TargetMethod.Name is "Clone" or "Detach"):
                return ShapeOfTensorExpression(receiver, depth + 1);
            case IObjectCreationOperation creation when creation.Type.IsFloatTensor():
                foreach (var argument in creation.Arguments)
                    if (argument.Parameter?.Type.IsFloatTensor() == true)
                        return ShapeOfTensorExpression(argument.Value, depth + 1);
                return null;
            case IBinaryOperation binary:
            {
                var left = binary.LeftOperand.ConstantValue.HasValue ? null : ShapeOfTensorExpression(binary.LeftOperand, depth + 1);
                var right = binary.RightOperand.ConstantValue.HasValue ? null : ShapeOfTensorExpression(binary.RightOperand, depth + 1);
                if (binary.LeftOperand.ConstantValue.HasValue) return right;
                if (binary.RightOperand.ConstantValue.HasValue) return left;
                return left is { } l && right is { } r && l.SequenceEqual(r) ? l : null;
            }
            default:
                return null;
        }
    }

    static ImmutableArray<DimSpec>? ConstantInts(IOperation operation)
    {
        operation = Strip(operation)!;
        IEnumerable<IOperation>? elements = operation switch
        {
            IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues,
            ICollectionExpressionOperation collection => collection.Elements,
            _ => null,
        };
        if (elements is null) return null;
        var shape = ImmutableArray.CreateBuilder<DimSpec>();
        foreach (var element in elements)
        {
            if (element.ConstantValue.Value is not int size || size <= 0) return null;
            shape.Add(DimSpec.Of(size));
        }
        return shape.ToImmutable();
    }
}
