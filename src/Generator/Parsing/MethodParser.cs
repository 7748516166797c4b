using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Kiln.Generator.Diagnostics;
using Kiln.Generator.Helpers;
using Kiln.Generator.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Kiln.Generator.Parsing;

/// <summary>
/// Step 1's transform: one [Compile] method to a <see cref="ParseResult"/>. The only place (with the interpreter it
/// drives) that sees symbols and syntax; what it returns is equatable and holds neither.
/// </summary>
internal static class MethodParser
{
    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetNode is not MethodDeclarationSyntax syntax)
        {
            var attribute = context.Attributes.FirstOrDefault()?.ApplicationSyntaxReference?.GetSyntax(cancellationToken);
            return Failed(new DiagnosticInfo(DiagnosticDescriptors.NotAnOrdinaryMethod.Id, (attribute ?? context.TargetNode).ToInfo(),
                EquatableArray.ToEquatableArray(new[] { Describe(context.TargetNode) })));
        }
        try
        {
            return ParseMethod(syntax, (IMethodSymbol)context.TargetSymbol, context.SemanticModel, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (ParseFailure failure)
        {
            return Failed(failure.Diagnostic);
        }
        catch (SourceHasErrors)
        {
            return Failed();
        }
        catch (Exception exception)
        {
            return Failed(new DiagnosticInfo(DiagnosticDescriptors.InternalError.Id, syntax.Identifier.ToInfo(),
                EquatableArray.ToEquatableArray(new[] { $"{exception.GetType().Name}: {exception.Message}" })));
        }
    }

    static ParseResult Failed(params DiagnosticInfo[] diagnostics) => new(null, null, diagnostics.ToEquatableArray());

    static string Describe(SyntaxNode target) => target switch
    {
        AccessorDeclarationSyntax => "a property or event accessor",
        OperatorDeclarationSyntax or ConversionOperatorDeclarationSyntax => "an operator",
        LocalFunctionStatementSyntax => "a local function",
        AnonymousFunctionExpressionSyntax => "a lambda",
        _ => "not a method of a class",
    };

    static ParseResult ParseMethod(MethodDeclarationSyntax syntax, IMethodSymbol method, SemanticModel semanticModel, CancellationToken cancellationToken)
    {
        var type = method.ContainingType;

        // A method that does not compile is the C# compiler's to report; diagnostics about its broken pieces (a
        // parameter without a type, a method outside any class) would only add noise next to the real error.
        if (syntax.Parent is not TypeDeclarationSyntax || type.IsImplicitlyDeclared
            || semanticModel.GetDiagnostics(syntax.Span, cancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error))
            throw new SourceHasErrors();

        // The generated property goes into the class, so the class and every class around it must be partial.
        foreach (var declaration in syntax.Ancestors().OfType<TypeDeclarationSyntax>())
            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                throw new ParseFailure(DiagnosticDescriptors.NotPartial, declaration.Identifier.ToInfo(), declaration.Identifier.Text, method.Name);

        // Each [Compile] method gets a property named after it, so overloads would collide: the first one wins.
        var compiledOverloads = type.GetMembers(method.Name).OfType<IMethodSymbol>()
            .Where(m => m.GetAttributes().Any(a => a.AttributeClass.Is(TypeNames.CompileAttribute)))
            .ToList();
        if (compiledOverloads.Count > 1 && !SymbolEqualityComparer.Default.Equals(compiledOverloads[0], method))
            throw new ParseFailure(DiagnosticDescriptors.UnsupportedConstruct, syntax.Identifier.ToInfo(), method.Name,
                $"another [Compile] overload already gets the property '{method.Name}Graph'; give this method its own name");

        // The graph property is public API and keeps its name: a member already holding it is the user's to rename. The
        // generator's private names (the nested class, the backing field) step around the user's members instead.
        var taken = new HashSet<string>(type.GetMembers().Select(m => m.Name).Concat(type.GetTypeMembers().Select(t => t.Name)));
        string property = method.Name + "Graph";
        if (type.GetMembers(property).FirstOrDefault() is { } holder)
            throw new ParseFailure(DiagnosticDescriptors.GeneratedNameTaken, holder.Locations.FirstOrDefault()?.ToInfo() ?? syntax.Identifier.ToInfo(),
                type.Name, property, method.Name);
        string Free(string name)
        {
            string candidate = name;
            for (int suffix = 2; taken.Contains(candidate); suffix++) candidate = name + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return candidate;
        }
        string graphClass = Free(method.Name + "GraphImpl"), backingField = Free("kiln" + method.Name + "Graph");

        if (!method.IsStatic && !type.IsOrDerivesFrom(TypeNames.Module))
            throw new ParseFailure(DiagnosticDescriptors.NotAModule, syntax.Identifier.ToInfo(), type.Name);

        if (method.IsGenericMethod)
            throw new ParseFailure(DiagnosticDescriptors.UnsupportedConstruct, syntax.TypeParameterList!, syntax.TypeParameterList!.ToString(),
                "a [Compile] method cannot be generic: every type must be known to plan the graph");
        if (method.IsAsync || method.ReturnsByRef || method.ReturnsByRefReadonly)
            throw new ParseFailure(DiagnosticDescriptors.UnsupportedConstruct, syntax.Identifier.ToInfo(), method.Name,
                "a [Compile] method must be an ordinary method returning a tensor");

        // A tensor, or a tuple of tensors ((Tensor Loss, Tensor Logits)): Forward and ForwardBackward return the same type.
        // Integer elements after the first carry indices the graph computes ((Tensor Loss, IntTensor Predicted)).
        bool tupleResult = method.ReturnType is INamedTypeSymbol { IsTupleType: true } tuple && tuple.TupleElements.Length >= 2
            && tuple.TupleElements[0].Type.IsFloatTensor() && tuple.TupleElements.Skip(1).All(e => e.Type.IsFloatTensor() || e.Type.IsIntTensor());
        if (!method.ReturnType.IsFloatTensor() && !method.ReturnType.IsIntTensor() && !tupleResult)
            throw new ParseFailure(DiagnosticDescriptors.UnsupportedType, syntax.ReturnType, method.ReturnType.ToDisplayString(), "the return value");

        var builder = new GraphBuilder();
        var frame = new MethodInterpreter.Frame();
        for (int i = 0; i < method.Parameters.Length; i++)
        {
            var parameter = method.Parameters[i];
            var parameterSyntax = syntax.ParameterList.Parameters[i];
            if (parameter.RefKind != RefKind.None || parameter.IsParams)
                throw new ParseFailure(DiagnosticDescriptors.UnsupportedConstruct, parameterSyntax, parameterSyntax.ToString(),
                    "parameters of a [Compile] method are passed by value");
            var kind = parameter.Type.IsFloatTensor() ? ValueKind.FloatTensor
                : parameter.Type.IsIntTensor() ? ValueKind.IntTensor
                : throw new ParseFailure(DiagnosticDescriptors.UnsupportedType, (SyntaxNode?)parameterSyntax.Type ?? parameterSyntax,
                    parameter.Type.ToDisplayString(), $"parameter '{parameter.Name}'");
            var shape = ShapeReader.Read(parameter, cancellationToken)
                ?? throw new ParseFailure(DiagnosticDescriptors.MissingShape, parameterSyntax.Identifier.ToInfo(), parameter.Name);
            frame.Values[parameter] = builder.AddInput(new InputSpec(parameter.Name, kind, shape.ToEquatableArray()));
        }

        if (syntax.Body is null && syntax.ExpressionBody is null)
            throw new ParseFailure(DiagnosticDescriptors.UnsupportedConstruct, syntax.Identifier.ToInfo(), method.Name, "the method has no body to compile");

        var operation = semanticModel.GetOperation(syntax, cancellationToken) as IMethodBodyOperation;
        var body = (IOperation?)operation?.BlockBody ?? operation?.ExpressionBody ?? throw new SourceHasErrors();

        var interpreter = new MethodInterpreter(semanticModel.Compilation, type, method.IsStatic, builder, cancellationToken);
        var result = interpreter.Run(body, frame, syntax);
        var moreResults = new List<ValueRef>();
        if (tupleResult && result is ListValue list && list.Items.All(item => item.Value is TensorValue))
        {
            result = list.Items[0].Value;
            moreResults.AddRange(list.Items.Skip(1).Select(item => ((TensorValue)item.Value).Reference));
        }
        if (result is not TensorValue tensor)
            throw new ParseFailure(DiagnosticDescriptors.UnsupportedConstruct, syntax.Identifier.ToInfo(), method.Name,
                $"the method returns {result.Describe()}, not a tensor (or a tuple of tensors) computed from its inputs and fields");

        string hintName = HintName(type, method);
        var spec = builder.BuildSpec(hintName, TypeSpecOf(syntax, type), method.Name, method.IsStatic, tensor.Reference, moreResults) with
        {
            GraphClass = graphClass,
            BackingField = backingField,
            ReturnType = tupleResult ? method.ReturnType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) : "global::Kiln.Tensor",
        };
        var locations = builder.BuildLocations(hintName, syntax.Identifier.ToInfo());
        return new ParseResult(spec, locations, EquatableArray<DiagnosticInfo>.Empty);
    }

    static readonly SymbolDisplayFormat HintFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);

    /// <summary>"Kiln.Samples.Mlp.Loss.g.cs": unique per method, stable, and legal as a file name.</summary>
    static string HintName(INamedTypeSymbol type, IMethodSymbol method)
    {
        string typeName = type.ToDisplayString(HintFormat).Replace('<', '{').Replace('>', '}').Replace(", ", ",");
        return $"{typeName}.{method.Name}.g.cs";
    }

    static TypeSpec TypeSpecOf(MethodDeclarationSyntax syntax, INamedTypeSymbol type)
    {
        var declarations = syntax.Ancestors().OfType<TypeDeclarationSyntax>().Reverse().Select(Declaration).ToImmutableArray();
        string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } containing ? containing.ToDisplayString() : null;
        return new TypeSpec(ns, declarations.ToEquatableArray(), type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
    }

    /// <summary>"public partial class Mlp" as written, so the generated partial repeats the user's declaration.</summary>
    static string Declaration(TypeDeclarationSyntax declaration)
    {
        string keyword = declaration is RecordDeclarationSyntax record && !record.ClassOrStructKeyword.IsKind(SyntaxKind.None)
            ? $"{record.Keyword.Text} {record.ClassOrStructKeyword.Text}"
            : declaration.Keyword.Text;
        string modifiers = string.Join(" ", declaration.Modifiers.Select(m => m.Text));
        string head = modifiers.Length == 0 ? keyword : $"{modifiers} {keyword}";
        return $"{head} {declaration.Identifier.Text}{declaration.TypeParameterList}";
    }
}
