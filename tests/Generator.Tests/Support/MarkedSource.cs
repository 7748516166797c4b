using Microsoft.CodeAnalysis.Text;

namespace Kiln.Generator.Tests.Support;

/// <summary>
/// A source with one span marked as <c>[|...|]</c> (the convention of Roslyn's own analyzer tests): the text without
/// the markers, and the marked span, which a diagnostic must cover exactly.
/// </summary>
internal sealed record MarkedSource(string Text, TextSpan Span, LinePositionSpan LineSpan)
{
    public static MarkedSource Parse(string marked)
    {
        int start = marked.IndexOf("[|", StringComparison.Ordinal);
        int end = marked.IndexOf("|]", StringComparison.Ordinal);
        if (start < 0 || end < start) throw new ArgumentException("The source needs one [|...|] marker.", nameof(marked));
        string text = marked.Remove(end, 2).Remove(start, 2);
        var span = new TextSpan(start, end - start - 2);
        var lines = SourceText.From(text).Lines;
        return new MarkedSource(text, span, lines.GetLinePositionSpan(span));
    }
}
