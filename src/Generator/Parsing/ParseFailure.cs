using System;
using Kiln.Generator.Helpers;
using Kiln.Generator.Models;
using Microsoft.CodeAnalysis;

namespace Kiln.Generator.Parsing;

/// <summary>
/// Thrown inside the parser when the method leaves the compilable subset; caught once per method and turned into
/// its diagnostic. An exception keeps every recursive evaluation free of error plumbing; it never escapes the parser.
/// </summary>
internal sealed class ParseFailure : Exception
{
    public ParseFailure(DiagnosticDescriptor descriptor, LocationInfo location, params string[] messageArgs)
        : base(descriptor.Id)
    {
        Diagnostic = new DiagnosticInfo(descriptor.Id, location, messageArgs.ToEquatableArray());
    }

    public ParseFailure(DiagnosticDescriptor descriptor, SyntaxNode node, params string[] messageArgs)
        : this(descriptor, node.ToInfo(), messageArgs)
    {
    }

    public DiagnosticInfo Diagnostic { get; }
}
