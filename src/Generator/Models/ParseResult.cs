using Kiln.Generator.Helpers;

namespace Kiln.Generator.Models;

/// <summary>
/// What the parser makes of one [Compile] method: the spec for the compiler (null when the method is outside the
/// subset), the spans the compiler's diagnostics map to, and the parser's own diagnostics.
/// </summary>
internal sealed record ParseResult(GraphSpec? Spec, MethodLocations? Locations, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>The compiler's diagnostics for one method, without the source, so reporting does not hold generated text.</summary>
internal sealed record MethodDiagnostics(string HintName, EquatableArray<CompileDiagnostic> Diagnostics);
