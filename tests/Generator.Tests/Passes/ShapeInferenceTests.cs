using Kiln.Generator.Compiler;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Tests.Passes;

public sealed class ShapeInferenceTests
{
    static (string Id, int Op, string Message) SingleDiagnostic(Models.GraphSpec spec)
    {
        var result = GraphCompiler.Compile(spec);
        Assert.Null(result.Source);
        var d = Assert.Single(result.Diagnostics);
        return (d.Id, d.OpIndex, string.Join(" | ", d.MessageArgs));
    }

    [Fact]
    public void MatMulContradictionIsKiln0101AtTheOpInTheRuntimeWording()
    {
        var s = new SpecBuilder();
        var x = s.Input("x", "N", 784);
        var w = s.Parameter("w", 100, 10);
        var h = s.Op("relu", x);
        var y = s.Op("matmul", h, w);
        var (id, op, message) = SingleDiagnostic(s.Build(s.Op("sum", y)));
        Assert.Equal("KILN0101", id);
        Assert.Equal(1, op);
        Assert.Equal("MatMul: [N,784] x [100,10]: inner dimensions 784 and 100 differ", message);
    }

    [Fact]
    public void BroadcastAndLinearContradictionsNameTheOpAndBothShapes()
    {
        var s = new SpecBuilder();
        var x = s.Input("x", "N", 3);
        var b = s.Input("b", 4);
        var (id, op, message) = SingleDiagnostic(s.Build(s.Op("add", x, b)));
        Assert.Equal(("KILN0101", 0), (id, op));
        Assert.Equal("Add: [N,3] and [4] cannot be broadcast: dimension 1 is 3 vs 4", message);

        var l = new SpecBuilder();
        var input = l.Input("x", "N", 784);
        var weight = l.Parameter("fc.weight", 256, 700);
        (id, op, message) = SingleDiagnostic(l.Build(l.Op("linear", input, weight)));
        Assert.Equal(("KILN0101", 0), (id, op));
        Assert.Equal("Linear: [N,784] x [256,700]ᵀ: input features 784 and weight's in-features 700 differ", message);
    }

    [Fact]
    public void ChunkOfASymbolicDimensionIsUnsupportedNotAContradiction()
    {
        var s = new SpecBuilder();
        var x = s.Input("x", "N", 5);
        var piece = s.Op("chunk", new[] { x }, ("chunks", "2"), ("dim", "0"), ("index", "1"));
        var (id, op, message) = SingleDiagnostic(s.Build(s.Op("sum", piece)));
        Assert.Equal(("KILN0001", 0), (id, op));
        Assert.StartsWith("Chunk | Chunk splits dimension 0 of [N,5], whose size is only known at call time", message, StringComparison.Ordinal);
    }

    [Fact]
    public void SymbolicShapesFlowThroughShapeOps()
    {
        var s = new SpecBuilder();
        var x = s.Input("x", "N", 28, 28);
        var flat = s.Op("flatten", new[] { x }, ("start_dim", "1"));
        var whole = s.Op("reshape", new[] { x }, ("shape", "-1"));
        var t = s.Op("transpose", new[] { x }, ("dim0", "0"), ("dim1", "2"));
        var rows = s.Op("sum", new[] { flat }, ("dims", "1"), ("keep_dim", "true"));
        var cat = s.Op("concat", new[] { t, t }, ("dim", "1"));
        var narrow = s.Op("narrow", new[] { cat }, ("dim", "1"), ("start", "3"), ("length", "50"));
        var m = PassTestSupport.Lower(s.Build(s.Op("mean", narrow)));
        var b = m.Context.Builder;
        Shape ShapeOf(string op) => m.Forward.Graph.Nodes().Concat(Nodes.Reachable(new[] { m.Forward.Graph.Result })).First(n => n.Op == op).Shape;
        Assert.Equal("[28,56,N]", ShapeOf("concat").ToString());
        Assert.Equal("[28,50,N]", ShapeOf("narrow").ToString());
        Assert.Equal("[]", m.Forward.Graph.Result.Shape.ToString());

        // Shapes the forward graph does not reach are still inferred; check them on the builder directly.
        var xNode = b.Input(0, new Shape(new[] { Size.Symbol("N"), Size.Of(28), Size.Of(28) }), ElementType.Float);
        Assert.Equal("[N,784]", b.Apply("flatten", new[] { xNode }, Attrs.Of(("start_dim", "1"))).Shape.ToString());
        Assert.Equal("[N*784]", b.Apply("reshape", new[] { xNode }, Attrs.Of(("shape", "-1"))).Shape.ToString());
        Assert.Equal("[N,1,28]", b.Apply("sum", new[] { xNode }, Attrs.Of(("dims", "1"), ("keep_dim", "true"))).Shape.ToString());
        Assert.Equal("[N,28]", b.Apply("mean", new[] { xNode }, Attrs.Of(("dim", "-1"))).Shape.ToString());
        var error = Assert.Throws<ShapeError>(() => b.Apply("reshape", new[] { xNode }, Attrs.Of(("shape", "-1,5"))));
        Assert.Equal("Reshape: [N,28,28] -> [-1,5]: N*784 elements do not divide into the given sizes", error.Message);
        _ = whole;
        _ = rows;
    }

    [Fact]
    public void UnknownOpIsKiln0001AndBadSpecIsKiln9999WithoutThrowing()
    {
        var s = new SpecBuilder();
        var x = s.Input("x", "N", 3);
        var (id, op, message) = SingleDiagnostic(s.Build(s.Op("frobnicate", x)));
        Assert.Equal(("KILN0001", 0), (id, op));
        Assert.Contains("frobnicate", message);

        var clean = new SpecBuilder();
        var input = clean.Input("x", "N", 3);
        var spec = clean.Build(clean.Op("exp", input)) with { Result = 42 };
        (id, _, _) = SingleDiagnostic(spec);
        Assert.Equal("KILN9999", id);
    }

    [Fact]
    public void OpWithoutGradientRuleOnAParameterPathIsKiln0102()
    {
        var s = new SpecBuilder();
        var x = s.Input("x", "N", 3);
        var w = s.Parameter("w", 3);
        var y = s.Op("mul", x, w);
        var odd = s.Op("softmax_backward", new[] { y, y }, ("dim", "1"));
        var (id, op, message) = SingleDiagnostic(s.Build(s.Op("sum", odd)));
        Assert.Equal(("KILN0102", 1), (id, op));
        Assert.Equal("SoftmaxBackward | w", message);
    }

    [Fact]
    public void NonScalarResultGetsForwardOnly()
    {
        var s = new SpecBuilder();
        var x = s.Input("x", "N", 3);
        var w = s.Parameter("w", 3, 2);
        var m = PassTestSupport.Lower(s.Build(s.Op("matmul", x, w)));
        Assert.Null(m.ForwardBackward);
        var source = CompileAndRunTests.CompileToSource(s.Build(s.Op("matmul", x, w)));
        Assert.DoesNotContain("ForwardBackward(", source);
    }
}
