using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Kiln.Generator.Diagnostics;
using Kiln.Generator.Helpers;
using Kiln.Generator.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Kiln.Generator.Parsing;

/// <summary>Reads [Shape(...)] from a parameter, field or property: ints become sizes, strings symbols.</summary>
internal static class ShapeReader
{
    /// <summary>The declared shape, or null when the symbol has no [Shape]. Throws KILN0008 for a bad dimension.</summary>
    public static ImmutableArray<DimSpec>? Read(ISymbol symbol, CancellationToken cancellationToken)
    {
        var attribute = symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass.Is(TypeNames.ShapeAttribute));
        if (attribute is null) return null;

        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        var argumentSyntax = syntax?.ArgumentList?.Arguments;
        var fallbackLocation = syntax is not null ? syntax.ToInfo() : symbol.Locations.FirstOrDefault()?.ToInfo();

        ParseFailure Invalid(int index, string text)
        {
            // The params form maps argument i to dimension i; an explicit object[] does not, so report the attribute.
            bool paramsForm = argumentSyntax is { } arguments && arguments.Count == DimensionCount(attribute) && index < arguments.Count;
            var location = paramsForm ? argumentSyntax!.Value[index].ToInfo() : fallbackLocation!;
            return new ParseFailure(DiagnosticDescriptors.InvalidShape, location, text);
        }

        // [Shape(null)] passes a null array (its Values are default, not empty).
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind != TypedConstantKind.Array
            || attribute.ConstructorArguments[0].IsNull)
            throw new ParseFailure(DiagnosticDescriptors.InvalidShape, fallbackLocation!, syntax?.ToString() ?? "[Shape]");

        var dimensions = attribute.ConstructorArguments[0].Values;
        var shape = ImmutableArray.CreateBuilder<DimSpec>(dimensions.Length);
        for (int i = 0; i < dimensions.Length; i++)
        {
            var dimension = dimensions[i];
            string text = argumentSyntax is { } arguments && i < arguments.Count ? arguments[i].ToString() : dimension.ToCSharpString();
            switch (dimension.Value)
            {
                case int size when size > 0:
                    shape.Add(DimSpec.Of(size));
                    break;
                case string name when IsSymbolName(name):
                    shape.Add(DimSpec.Of(name));
                    break;
                default:
                    throw Invalid(i, text);
            }
        }
        return shape.MoveToImmutable();
    }

    static int DimensionCount(AttributeData attribute) =>
        attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Kind == TypedConstantKind.Array && !attribute.ConstructorArguments[0].IsNull
            ? attribute.ConstructorArguments[0].Values.Length
            : -1;

    /// <summary>A symbol becomes a C# identifier in the generated binding code, so it must be one.</summary>
    static bool IsSymbolName(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_');
}
