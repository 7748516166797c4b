using Kiln.Generator.Helpers;
using Kiln.Generator.Models;

namespace Kiln.Generator.Compiler;

// Seam placeholder on branch genfe only: the core helper's GraphCompiler (branch gen) replaces this file on merge.
// It generates nothing, so the front end's pipeline and tests build before the compiler exists.
internal static class GraphCompiler
{
    public static CompileResult Compile(GraphSpec spec) => new(spec.HintName, null, EquatableArray<CompileDiagnostic>.Empty);
}
