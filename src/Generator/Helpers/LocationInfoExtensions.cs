using Kiln.Generator.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Kiln.Generator.Helpers;

internal static class LocationInfoExtensions
{
    public static LocationInfo ToInfo(this SyntaxNode node) => ToInfo(node.GetLocation());

    public static LocationInfo ToInfo(this SyntaxToken token) => ToInfo(token.GetLocation());

    public static LocationInfo ToInfo(this Location location)
    {
        var span = location.GetLineSpan();
        return new LocationInfo(
            span.Path ?? string.Empty,
            location.SourceSpan.Start,
            location.SourceSpan.Length,
            span.StartLinePosition.Line,
            span.StartLinePosition.Character,
            span.EndLinePosition.Line,
            span.EndLinePosition.Character);
    }

    public static Location ToLocation(this LocationInfo info) => Location.Create(
        info.FilePath,
        new TextSpan(info.Start, info.Length),
        new LinePositionSpan(new LinePosition(info.StartLine, info.StartCharacter), new LinePosition(info.EndLine, info.EndCharacter)));
}
