using Kiln.Generator.Compiler;
using Kiln.Generator.Helpers;
using Kiln.Generator.Models;
using Kiln.Generator.Passes;

namespace Kiln.Generator.Tests.Passes;

/// <summary>
/// Symbol–constant unification of module sizes from constructors (<see cref="SymbolUnification"/>): a size symbol is
/// equated with what it meets; the symbols of [Shape] never are; what still contradicts is KILN0101.
/// </summary>
public sealed class SymbolUnificationTests
{
    static GraphSpec Solve(GraphSpec spec, params string[] sizeSymbols) =>
        SymbolUnification.Solve(spec with { SizeSymbols = sizeSymbols.ToEquatableArray() }, Emit.Backends.For(BackendKind.CSharp), default);

    static string Shape(CaptureSpec capture) => string.Join(",", capture.Shape.Select(d => d.ToString()));

    [Fact]
    public void ASizeMeetingAConstant_BecomesTheConstant_AndOneMeetingNothingStaysASymbol()
    {
        // new Linear(inputSize, hidden) applied to x [N, 784]: inputSize is 784, hidden is bound at the first call.
        var s = new SpecBuilder();
        var x = s.Input("x", "N", 784);
        var w = s.Parameter("fc.weight", "hidden", "inputSize");
        var b = s.Parameter("fc.bias", "hidden");
        var solved = Solve(s.Build(s.Op("sum", s.Op("linear", x, w, b))), "inputSize", "hidden");
        Assert.Equal("hidden,784", Shape(solved.Captures[0]));
        Assert.Equal("hidden", Shape(solved.Captures[1]));
        Assert.Equal(new[] { "hidden" }, solved.SizeSymbols.AsImmutableArray());
        Assert.Null(GraphCompiler.Compile(solved).Diagnostics.FirstOrDefault());
    }

    [Fact]
    public void TwoSizesThatMeet_BecomeOneSymbol_WhicheverOrderTheOperandsHave()
    {
        // fc1 = Linear(4, h1), fc2 = Linear(h2, 3): h2 meets h1 at fc2's input features.
        foreach (bool swapped in new[] { false, true })
        {
            var s = new SpecBuilder();
            var x = s.Input("x", "N", 4);
            var w1 = s.Parameter("fc1.weight", swapped ? "h2" : "h1", 4);
            var w2 = s.Parameter("fc2.weight", 3, swapped ? "h1" : "h2");
            var solved = Solve(s.Build(s.Op("sum", s.Op("linear", s.Op("linear", x, w1), w2))), "h1", "h2");
            Assert.Equal("h1,4", Shape(solved.Captures[0]));
            Assert.Equal("3,h1", Shape(solved.Captures[1]));
        }
    }

    [Fact]
    public void SymbolsOfShapeAttributes_AreNeverEquated_SoTheirContradictionIsStillReported()
    {
        var s = new SpecBuilder();
        var x = s.Input("x", "N", 3);
        var y = s.Input("y", "M", 3);
        var spec = s.Build(s.Op("sum", s.Op("add", x, y)));
        Assert.Equal(spec, Solve(spec) with { SizeSymbols = spec.SizeSymbols });
        var result = GraphCompiler.Compile(spec with { SizeSymbols = new[] { "unused" }.ToEquatableArray() });
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("KILN0101", diagnostic.Id);
        Assert.Contains("[N,3] and [M,3] cannot be broadcast", diagnostic.MessageArgs[0]);
    }

    [Fact]
    public void ASizeEquatedWithAConstant_ThatContradictsAnotherConstant_IsKiln0101()
    {
        // Linear(k, 5) on x [N, 4], then its output added to [N, 6]: k is 4, and 5 vs 6 is a genuine contradiction.
        var s = new SpecBuilder();
        var x = s.Input("x", "N", 4);
        var other = s.Input("other", "N", 6);
        var w = s.Parameter("fc.weight", 5, "k");
        var result = GraphCompiler.Compile(s.Build(s.Op("sum", s.Op("add", s.Op("linear", x, w), other))) with
        {
            SizeSymbols = new[] { "k" }.ToEquatableArray(),
        });
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(("KILN0101", 1), (diagnostic.Id, diagnostic.OpIndex));
        Assert.Contains("[N,5] and [N,6] cannot be broadcast", diagnostic.MessageArgs[0]);
    }

    [Fact]
    public void AReshapeThatKeepsItsTrailingSize_EquatesIt_AndTheAttributeIsRewritten()
    {
        var s = new SpecBuilder();
        var x = s.Input("x", "N", 5);
        var flat = s.Op("reshape", new[] { x }, ("shape", "-1,inputs"));
        var solved = Solve(s.Build(s.Op("sum", flat)), "inputs");
        Assert.Equal("-1,5", solved.Ops[0].Attrs.Single(a => a.Name == "shape").Value);
        Assert.Empty(solved.SizeSymbols.AsImmutableArray());
    }
}
