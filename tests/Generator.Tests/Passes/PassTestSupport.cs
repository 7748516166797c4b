using Kiln.Generator.Compiler;
using Kiln.Generator.Graph;
using Kiln.Generator.Models;
using Kiln.Generator.Passes;

namespace Kiln.Generator.Tests.Passes;

internal static class PassTestSupport
{
    /// <summary>Runs every pass but emission; fails the test on diagnostics.</summary>
    public static CompiledMethod Lower(GraphSpec spec)
    {
        var context = new CompileContext(spec, Kiln.Generator.Emit.Backends.For(CompileOptions.Default.Backend));
        var method = GraphCompiler.Lower(context);
        Assert.True(!context.HasErrors, string.Join("\n", context.Diagnostics.Select(d => d.Id + ": " + string.Join(" | ", d.MessageArgs))));
        return method!;
    }

    /// <summary>Values for inputs and captures by index, for the interpreter.</summary>
    public static Func<Node, float[]> Leaves(IReadOnlyList<float[]> inputs, IReadOnlyList<float[]> captures) => n =>
        n.Op == OpNames.Input ? inputs[n.Attrs.Int("index")] : captures[n.Attrs.Int("index")];

    public static float[] Random(Random rng, int count, float low = -1f, float high = 1f) =>
        Enumerable.Range(0, count).Select(_ => low + (float)rng.NextDouble() * (high - low)).ToArray();
}
