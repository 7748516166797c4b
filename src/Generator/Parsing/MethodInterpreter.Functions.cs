using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Diagnostics;
using Kiln.Generator.Helpers;
using Kiln.Generator.Models;
using Kiln.Generator.Ops.Definitions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Kiln.Generator.Parsing;

/// <summary>
/// Custom autograd Functions (torch.autograd.Function; the tutorial's MyReLU): <c>new MyReLU().Apply(x)</c> compiles
/// its Forward inline, as the tape runs it (not differentiated), and its Backward, interpreted into ops of its own,
/// becomes the gradient rule of one <see cref="CustomFunction.Op"/> node standing for the Function's output.
/// </summary>
internal sealed partial class MethodInterpreter
{
    /// <summary>The Function whose Forward or Backward this interpreter runs (null in the model's methods).</summary>
    string? functionBody;

    FunctionValue FunctionOf(IObjectCreationOperation creation)
    {
        if (creation.Type is not INamedTypeSymbol type || type.IsAbstract) throw new SourceHasErrors();
        if (creation.Arguments.Any(a => a.ArgumentKind == ArgumentKind.Explicit) || creation.Initializer is not null)
            throw Unsupported(creation, $"a compiled {type.Name} must be created without arguments: its Forward and Backward may use only their inputs, ctx and constants");
        return new FunctionValue(type);
    }

    Value SaveForBackward(IInvocationOperation invocation, Frame frame)
    {
        if (Evaluate(invocation.Instance!, frame) is not FunctionContextValue context)
            throw Unsupported(invocation, "SaveForBackward is compiled on the ctx of a Function's Forward only");
        var saved = invocation.Arguments.Length == 1 ? Evaluate(invocation.Arguments[0].Value, frame) : null;
        if (saved is not ListValue list || list.Items.Any(item => item.Value is not TensorValue { Kind: ValueKind.FloatTensor }))
            throw Unsupported(invocation, "ctx.SaveForBackward takes the tensors the backward reads");
        context.Saved = list;
        return NullValue.Instance;
    }

    Value ApplyFunction(IInvocationOperation invocation, Frame frame)
    {
        if (Evaluate(invocation.Instance!, frame) is not FunctionValue function)
            throw Unsupported(invocation.Instance!, "only a Function created with new (in place, in a local or in a field) can be applied in a compiled graph");
        var type = function.Type;
        var inputs = invocation.Arguments.Length == 1 ? Evaluate(invocation.Arguments[0].Value, frame) : null;
        if (inputs is not ListValue { Items.Length: > 0 } inputList || inputList.Items.Any(item => item.Value is not TensorValue { Kind: ValueKind.FloatTensor }))
            throw Unsupported(invocation, $"{type.Name}.Apply takes one or more float tensors");
        var inputTensors = inputList.Items.Select(item => (TensorValue)item.Value).ToList();

        var (forward, forwardSyntax) = Override(type, "Forward", invocation);
        var (backward, backwardSyntax) = Override(type, "Backward", invocation);

        // Forward: inline into this graph, its ops reported at the Apply call.
        var context = new FunctionContextValue();
        var forwardFrame = new Frame();
        forwardFrame.Values[forward.Parameters[0]] = context;
        forwardFrame.Values[forward.Parameters[1]] = inputList;
        var output = FunctionInterpreter(type, builder, invocation).Run(BodyOf(forwardSyntax), forwardFrame, forwardSyntax) as TensorValue;
        if (output is not { Kind: ValueKind.FloatTensor })
            throw new ParseFailure(DiagnosticDescriptors.UnsupportedConstruct, forwardSyntax.Identifier.ToInfo(), $"{type.Name}.Forward",
                "it must return a float tensor computed from its inputs");
        var saved = context.Saved.Items.Select(item => (TensorValue)item.Value).ToList();

        // Backward: its own small graph over the upstream gradient (value 0) and the saved tensors (1..k).
        var backwardBuilder = new GraphBuilder();
        var gradient = backwardBuilder.AddInput(new InputSpec(backward.Parameters[1].Name, ValueKind.FloatTensor, ShapeOrEmpty(output)));
        var savedInBackward = saved.Select((t, j) => (Value)backwardBuilder.AddInput(new InputSpec("saved" + j, ValueKind.FloatTensor, ShapeOrEmpty(t)))).ToArray();
        var backwardFrame = new Frame();
        backwardFrame.Values[backward.Parameters[0]] = new FunctionContextValue { Saved = ListValue.Of(savedInBackward) };
        backwardFrame.Values[backward.Parameters[1]] = gradient;
        var gradients = FunctionInterpreter(type, backwardBuilder, invocation).Run(BodyOf(backwardSyntax), backwardFrame, backwardSyntax);
        if (gradients is not ListValue gradientList || gradientList.Items.Length != inputTensors.Count
            || gradientList.Items.Any(item => item.Value is not (TensorValue { Kind: ValueKind.FloatTensor } or NullValue)))
            throw new ParseFailure(DiagnosticDescriptors.UnsupportedConstruct, backwardSyntax.Identifier.ToInfo(), $"{type.Name}.Backward",
                $"it must return one gradient per input of Apply ({inputTensors.Count}), each a tensor or null: new Tensor?[] {{ ... }}");

        var gradientIds = gradientList.Items.Select(item => item.Value is TensorValue t ? backwardBuilder.IdOf(t.Reference) : -1).ToList();
        var backwardSpec = backwardBuilder.BuildSpec("", new TypeSpec(null, EquatableArray<string>.Empty, ""), "Backward", false, gradient.Reference);
        var attrs = ImmutableArray.Create(
            new AttrSpec(CustomFunction.NameAttr, type.Name),
            new AttrSpec(CustomFunction.InputsAttr, AttrText.Int(inputTensors.Count)),
            new AttrSpec(CustomFunction.BackwardAttr, CustomFunction.Encode(backwardSpec.Ops.Select(op => (op.Op, (IReadOnlyList<int>)op.Args.AsImmutableArray(), op.Attrs.Select(a => (a.Name, a.Value)).ToList())))),
            new AttrSpec(CustomFunction.GradientsAttr, string.Join(",", gradientIds.Select(id => AttrText.Int(id)))));
        var references = new[] { output.Reference }.Concat(inputTensors.Select(t => t.Reference)).Concat(saved.Select(t => t.Reference)).ToArray();
        return Emit(CustomFunction.Op, references, attrs, ValueKind.FloatTensor, invocation, output.Shape);
    }

    static EquatableArray<DimSpec> ShapeOrEmpty(TensorValue tensor) => (tensor.Shape ?? ImmutableArray<DimSpec>.Empty).ToEquatableArray();

    /// <summary>An interpreter for a Function's Forward or Backward: the Function is its "model" (for its constants and
    /// helper methods), it adds ops to <paramref name="target"/> and reports them at the Apply call.</summary>
    MethodInterpreter FunctionInterpreter(INamedTypeSymbol type, GraphBuilder target, IOperation site) =>
        new(compilation, type, isStaticMethod: false, target, cancellationToken)
        {
            functionBody = type.Name,
            inlineSite = inlineSite ?? site.Syntax.ToInfo(),
            inlineDepth = inlineDepth + 1,
        };

    /// <summary>The Function's override of Forward or Backward, written in source with a body.</summary>
    (IMethodSymbol Method, MethodDeclarationSyntax Syntax) Override(INamedTypeSymbol type, string name, IOperation site)
    {
        for (var t = type; t is not null && !t.Is(TypeNames.Function); t = t.BaseType)
            foreach (var method in t.GetMembers(name).OfType<IMethodSymbol>().Where(m => m.IsOverride && m.Parameters.Length == 2))
            {
                var syntax = method.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<MethodDeclarationSyntax>()
                    .FirstOrDefault(d => d.Body is not null || d.ExpressionBody is not null);
                if (syntax is not null) return (method, syntax);
            }
        throw new ParseFailure(DiagnosticDescriptors.UnknownCall, site.Syntax, $"{type.Name}.{name} (its source is not in this compilation)");
    }
}
