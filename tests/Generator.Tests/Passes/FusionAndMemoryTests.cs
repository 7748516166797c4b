using Kiln.Generator.Graph;
using Kiln.Generator.Schedule;

namespace Kiln.Generator.Tests.Passes;

public sealed class FusionAndMemoryTests
{
    /// <summary>Places the plan's buffers with the runtime's planner, as the generated code does at its first call.</summary>
    static long ArenaElements(MemoryPlan plan, IReadOnlyDictionary<string, int> binding, out int[] offsets)
    {
        offsets = new int[plan.Buffers.Count];
        return global::Kiln.Compiled.ArenaPlanner.Plan(plan.Sizes(binding),
            plan.Buffers.Select(b => b.FirstUse).ToArray(), plan.Buffers.Select(b => b.LastUse).ToArray(), offsets);
    }

    static string Kinds(KernelProgram p) => string.Join(" | ", p.Kernels.Select(k => Emit.KernelDescriptions.Kind(k)));

    [Fact]
    public void MlpWithCrossEntropyFusesEpiloguesAndTheLoss()
    {
        var m = PassTestSupport.Lower(CompileAndRunTests.MlpSpec());
        Assert.Equal("GEMM + epilogue (add, relu) | GEMM + epilogue (add) | cross_entropy", Kinds(m.Forward));
        Assert.Equal(6, m.Forward.Graph.OpCount);
        var fb = m.ForwardBackward!;
        Assert.Equal(7, fb.Kernels.Count);
        // The first layer's bias gradient is reduced inside the epilogue that applies the relu mask.
        Assert.Equal(
            "GEMM + epilogue (add, relu) | GEMM + epilogue (add) | cross_entropy + cross_entropy_backward (one pass) | sum over [N,10] | " +
            "GEMM Aᵀ | GEMM + epilogue (relu_backward, sum) | GEMM Aᵀ", Kinds(fb));
        // Gradients land in the parameters' Grad directly: no copies, no buffers for them.
        Assert.Equal(4, fb.Memory.Storage.Values.Count(s => s.Kind == StorageKind.Gradient));
    }

    [Fact]
    public void TwoLayerNetFusesReluIntoTheGemmAndTheSquareIntoTheSum()
    {
        var m = PassTestSupport.Lower(CompileAndRunTests.TwoLayerSpec());
        Assert.Equal("GEMM + epilogue (relu) | GEMM | fused sum over [N,10] of (sub, square)", Kinds(m.Forward));
        var fb = m.ForwardBackward!;
        // Σd² and the gradient 2·d come out of the epilogue that computes d = ŷ − y.
        Assert.Equal("GEMM + epilogue (relu) | GEMM + epilogue (sub, square, sum, mul) | GEMM Aᵀ | GEMM + epilogue (relu_backward) | GEMM Aᵀ", Kinds(fb));
        // Nothing computes dL/dx: x is data.
        Assert.DoesNotContain(fb.Graph.Nodes(), n => n.Op == "matmul" && n.Shape.ToString() == "[N,1000]");
    }

    [Fact]
    public void ArenaReusesMemoryByLiveness()
    {
        var binding = new Dictionary<string, int> { ["N"] = 64 };
        var two = PassTestSupport.Lower(CompileAndRunTests.TwoLayerSpec());
        // forward: h [64,100] and y [64,10] are alive together at the second GEMM.
        Assert.Equal(64 * 100 + 64 * 10, ArenaElements(two.Forward.Memory, binding, out _));
        // forward+backward keeps h for dW2 and the relu mask; the [N,10] buffers cannot share with it.
        Assert.Equal(2 * 64 * 100 + 64 * 10, ArenaElements(two.ForwardBackward!.Memory, binding, out _));

        var mlp = PassTestSupport.Lower(CompileAndRunTests.MlpSpec());
        Assert.Equal(64 * 256 + 64 * 10, ArenaElements(mlp.Forward.Memory, binding, out _));
        var fb = mlp.ForwardBackward!.Memory;
        long total = ArenaElements(fb, binding, out var offsets);
        long naive = fb.Buffers.Sum(b => b.Count.Evaluate(binding));
        Assert.True(total < naive, $"planned {total} should reuse memory (no reuse: {naive})");
        // No two buffers alive at the same kernel overlap.
        foreach (var a in fb.Buffers)
            foreach (var b in fb.Buffers.Where(b => b.Index > a.Index))
                if (a.FirstUse <= b.LastUse && b.FirstUse <= a.LastUse)
                    Assert.True(offsets[a.Index] + a.Count.Evaluate(binding) <= offsets[b.Index] || offsets[b.Index] + b.Count.Evaluate(binding) <= offsets[a.Index],
                        $"buffers {a.Index} and {b.Index} overlap while both alive");
    }

    [Fact]
    public void ElementwiseChainsBecomeOneLoopAndSharedValuesStayMaterialised()
    {
        var s = new SpecBuilder();
        var x = s.Input("x", "N", 16);
        var b = s.Input("b", 16);
        var t = s.Op("tanh", s.Op("exp", s.Op("add", x, b)));
        var chain = s.Op("mul", s.Op("sigmoid", t), t);
        var m = PassTestSupport.Lower(s.Build(chain));
        var kernel = Assert.Single(m.Forward.Kernels);
        Assert.Equal(5, kernel.Body.Count);
        Assert.Equal(2, kernel.Loop!.Axes.Length); // [N] × [16]: b broadcasts along N
        Assert.Equal(new[] { false, true }, kernel.Loop.Varies(m.Forward.Graph.Nodes().First(n => n.Op == OpNames.Input && n.Attrs.Int("index") == 1)));

        var s2 = new SpecBuilder();
        var x2 = s2.Input("x", "N", 16);
        var e = s2.Op("exp", x2);
        var total = s2.Op("add", s2.Op("sum", e), s2.Op("mean", e));
        var m2 = PassTestSupport.Lower(s2.Build(total));
        // exp feeds two reductions: one loop computes it and both reductions (multi-output), then the scalar add.
        Assert.Equal("fused loop with 3 outputs (exp, sum, mean) | elementwise (add)", Kinds(m2.Forward));
    }

    [Fact]
    public void VerifierRejectsABrokenGraph()
    {
        var b = new GraphBuilder();
        var x = b.Input(0, Shape.Of(2, 3), ElementType.Float);
        var y = b.Unary("exp", x);
        var program = new GraphProgram("broken", b.Create("softmax", new[] { y }, Attrs.Of(("dim", "1"))), System.Collections.Immutable.ImmutableArray<Node?>.Empty);
        GraphVerifier.Verify(program, "test");
        var unknown = new GraphProgram("broken", b.Create("linear", new[] { x, b.Input(1, Shape.Of(4, 3), ElementType.Float) }), System.Collections.Immutable.ImmutableArray<Node?>.Empty);
        var error = Assert.Throws<InvalidOperationException>(() => GraphVerifier.Verify(unknown, "test"));
        Assert.Contains("composite op 'linear'", error.Message);
    }

    [Fact]
    public void DeadCodeIsDroppedAndCommonSubexpressionsShareOneNode()
    {
        var s = new SpecBuilder();
        var x = s.Input("x", "N", 4);
        var w = s.Parameter("w", 4);
        var unused = s.Op("exp", s.Op("mul", x, x));
        var first = s.Op("mul", x, w);
        var again = s.Op("mul", x, w);
        var m = PassTestSupport.Lower(s.Build(s.Op("sum", s.Op("add", first, again))));
        Assert.Equal(new[] { 0, 1 }, m.DeadOps); // mul(x, x) and exp: the result does not use them
        Assert.DoesNotContain(m.ForwardBackward!.Graph.Nodes(), n => n.Op == "exp");
        Assert.Single(m.Forward.Graph.Nodes(), n => n.Op == "mul");
        _ = unused;
    }

    [Fact]
    public void NarrowsFeedingOneLoopAreReadInPlace()
    {
        var s = new SpecBuilder();
        var gates = s.Input("gates", "N", 24);
        var input = s.Op("sigmoid", s.Op("narrow", new[] { gates }, ("dim", "1"), ("start", "0"), ("length", "6")));
        var cell = s.Op("tanh", s.Op("narrow", new[] { gates }, ("dim", "1"), ("start", "6"), ("length", "6")));
        var m = PassTestSupport.Lower(s.Build(s.Op("mul", input, cell)));
        var kernel = Assert.Single(m.Forward.Kernels);
        Assert.Equal(2, kernel.StridedViews.Count);
        var narrow = kernel.StridedViews.OrderBy(n => n.Id).Last();
        Assert.Equal("[24,1]", "[" + string.Join(",", kernel.Loop!.Strides[narrow]) + "]");
        Assert.Equal("6", kernel.Loop.Offsets[narrow].ToString());
    }
}
