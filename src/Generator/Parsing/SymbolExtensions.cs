using Microsoft.CodeAnalysis;

namespace Kiln.Generator.Parsing;

internal static class SymbolExtensions
{
    static readonly SymbolDisplayFormat MetadataNameFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.None);

    /// <summary>The type's full name as in <see cref="TypeNames"/>, e.g. "Kiln.Nn.Linear".</summary>
    public static string FullName(this ITypeSymbol type) => type.ToDisplayString(MetadataNameFormat);

    public static bool Is(this ITypeSymbol? type, string fullName) => type is not null && type.FullName() == fullName;

    /// <summary>True when the type is <paramref name="fullName"/> or derives from it.</summary>
    public static bool IsOrDerivesFrom(this ITypeSymbol? type, string fullName)
    {
        for (var current = type; current is not null; current = current.BaseType)
            if (current.Is(fullName)) return true;
        return false;
    }

    public static bool IsFloatTensor(this ITypeSymbol? type) => type.IsOrDerivesFrom(TypeNames.Tensor);

    public static bool IsIntTensor(this ITypeSymbol? type) => type.Is(TypeNames.IntTensor);

    public static bool IsNumeric(this ITypeSymbol? type) => type?.SpecialType is
        SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Single or SpecialType.System_Double;

    public static bool IsIntegral(this ITypeSymbol? type) => type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64;

    /// <summary>Strips Nullable&lt;T&gt; so an optional int parameter reads as int.</summary>
    public static ITypeSymbol? Underlying(this ITypeSymbol? type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
            ? nullable.TypeArguments[0]
            : type;

    /// <summary>A member named <paramref name="name"/> (ignoring case and underscores) on the type or its bases.</summary>
    public static ISymbol? FindMember(this ITypeSymbol type, string name)
    {
        // Generated code reads the member from outside the module, so a public property beats a private backing field.
        string wanted = Normalize(name);
        ISymbol? fallback = null;
        for (var current = type; current is not null; current = current.BaseType)
            foreach (var member in current.GetMembers())
            {
                if (member is not (IFieldSymbol or IPropertySymbol) || member.IsImplicitlyDeclared || Normalize(member.Name) != wanted) continue;
                if (member.DeclaredAccessibility == Accessibility.Public) return member;
                fallback ??= member;
            }
        return fallback;
    }

    static string Normalize(string name) => name.Replace("_", string.Empty).ToLowerInvariant();

    public static ITypeSymbol? MemberType(this ISymbol member) => member switch
    {
        IFieldSymbol field => field.Type,
        IPropertySymbol property => property.Type,
        _ => null,
    };
}
