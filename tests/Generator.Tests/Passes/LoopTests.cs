using Kiln.Generator.Graph;
using Kiln.Generator.Passes;
using Kiln.Generator.Schedule;

namespace Kiln.Generator.Tests.Passes;

/// <summary>
/// The loop construct on hand-built specs, checked with the interpreter (the build-time oracle): the reverse loop
/// autodiff builds gives the gradients finite differences of the forward loop give, over a symbolic step count; each
/// body is scheduled once, and the forward saves each carry's history and the activations the reverse body reads.
/// </summary>
public sealed class LoopTests
{
    /// <summary>h_t = tanh(x_t W^T + h_{t−1} U^T + b) over T steps of [N=3, 2], loss = Σ h_T² + Σ_t mean(h_t).</summary>
    static Models.GraphSpec ElmanLoop()
    {
        var s = new SpecBuilder();
        var x = s.Input("x", "T", 3, 2);
        var h0 = s.Input("h0", 3, 4);
        var w = s.Parameter("w", 4, 2);
        var u = s.Parameter("u", 4, 4);
        var bias = s.Parameter("b", 4);
        var h = s.Op("loop_carry", new[] { h0 }, ("loop", "0"));
        var step = s.Op("loop_sequence", new[] { x }, ("loop", "0"), ("dim", "0"));
        var wSlot = s.Op("loop_invariant", new[] { w }, ("loop", "0"));
        var uSlot = s.Op("loop_invariant", new[] { u }, ("loop", "0"));
        var bSlot = s.Op("loop_invariant", new[] { bias }, ("loop", "0"));
        var next = s.Op("tanh", s.Op("add", s.Op("linear", step, wSlot, bSlot), s.Op("linear", h, uSlot)));
        var result = s.Op("loop_result", new[] { next }, ("loop", "0"));
        var final = s.Op("loop_output", new[] { result }, ("loop", "0"), ("output", "0"), ("stacked", "false"));
        var history = s.Op("loop_output", new[] { result }, ("loop", "0"), ("output", "0"), ("stacked", "true"));
        var squares = s.Op("sum", s.Op("mul", final, final));
        var means = s.Op("sum", s.Op("mean", new[] { history }, ("dims", "1,2")));
        return s.Build(s.Op("add", squares, means));
    }

    /// <summary>
    /// h_t = tanh((x_t ⊙ h_{t−1}) W^T + h_{t−1} U^T + b): the product reads the carry, so no step of it can be computed
    /// before the loop. Same inputs, parameters and loss as <see cref="ElmanLoop"/>.
    /// </summary>
    static Models.GraphSpec GatedByTheCarryLoop()
    {
        var s = new SpecBuilder();
        var x = s.Input("x", "T", 3, 4);
        var h0 = s.Input("h0", 3, 4);
        var w = s.Parameter("w", 4, 4);
        var u = s.Parameter("u", 4, 4);
        var bias = s.Parameter("b", 4);
        var h = s.Op("loop_carry", new[] { h0 }, ("loop", "0"));
        var step = s.Op("loop_sequence", new[] { x }, ("loop", "0"), ("dim", "0"));
        var wSlot = s.Op("loop_invariant", new[] { w }, ("loop", "0"));
        var uSlot = s.Op("loop_invariant", new[] { u }, ("loop", "0"));
        var bSlot = s.Op("loop_invariant", new[] { bias }, ("loop", "0"));
        var next = s.Op("tanh", s.Op("add", s.Op("linear", s.Op("mul", step, h), wSlot, bSlot), s.Op("linear", h, uSlot)));
        var result = s.Op("loop_result", new[] { next }, ("loop", "0"));
        var final = s.Op("loop_output", new[] { result }, ("loop", "0"), ("output", "0"), ("stacked", "false"));
        var history = s.Op("loop_output", new[] { result }, ("loop", "0"), ("output", "0"), ("stacked", "true"));
        var squares = s.Op("sum", s.Op("mul", final, final));
        var means = s.Op("sum", s.Op("mean", new[] { history }, ("dims", "1,2")));
        return s.Build(s.Op("add", squares, means));
    }

    /// <summary>
    /// Two carries over T steps of x [T, 3, 4]: a' = tanh(x_t W^T + b + a U^T), then g' = tanh(a' V^T + g U^T) — a 2-layer
    /// Rnn, whose first layer never reads the second — or, when <paramref name="coupled"/>, a' also adds g, so neither
    /// carry runs on its own. Loss = Σ g_T² + Σ_t mean(g_t).
    /// </summary>
    static Models.GraphSpec TwoCarryLoop(bool coupled)
    {
        var s = new SpecBuilder();
        var x = s.Input("x", "T", 3, 4);
        var h0 = s.Input("h0", 3, 4);
        var w = s.Parameter("w", 4, 4);
        var u = s.Parameter("u", 4, 4);
        var bias = s.Parameter("b", 4);
        var v = s.Parameter("v", 4, 4);
        var a = s.Op("loop_carry", new[] { h0 }, ("loop", "0"));
        var g = s.Op("loop_carry", new[] { h0 }, ("loop", "0"));
        var step = s.Op("loop_sequence", new[] { x }, ("loop", "0"), ("dim", "0"));
        var wSlot = s.Op("loop_invariant", new[] { w }, ("loop", "0"));
        var uSlot = s.Op("loop_invariant", new[] { u }, ("loop", "0"));
        var bSlot = s.Op("loop_invariant", new[] { bias }, ("loop", "0"));
        var vSlot = s.Op("loop_invariant", new[] { v }, ("loop", "0"));
        var recurrent = coupled ? s.Op("add", s.Op("linear", a, uSlot), g) : s.Op("linear", a, uSlot);
        var nextA = s.Op("tanh", s.Op("add", s.Op("linear", step, wSlot, bSlot), recurrent));
        var nextG = s.Op("tanh", s.Op("add", s.Op("linear", nextA, vSlot), s.Op("linear", g, uSlot)));
        var result = s.Op("loop_result", new[] { nextA, nextG }, ("loop", "0"));
        var final = s.Op("loop_output", new[] { result }, ("loop", "0"), ("output", "1"), ("stacked", "false"));
        var history = s.Op("loop_output", new[] { result }, ("loop", "0"), ("output", "1"), ("stacked", "true"));
        var squares = s.Op("sum", s.Op("mul", final, final));
        var means = s.Op("sum", s.Op("mean", new[] { history }, ("dims", "1,2")));
        return s.Build(s.Op("add", squares, means));
    }

    [Theory]
    [InlineData(false, 4)]
    [InlineData(false, 1)]
    [InlineData(true, 3)]
    public void ATwoCarryLoop_GivesTheGradientsOfFiniteDifferences_SplitOrNot(bool coupled, int steps) =>
        AssertGradientsMatchFiniteDifferences(TwoCarryLoop(coupled), steps, features: 4, extraWeights: 1);

    [Fact]
    public void AStackedRnn_IsSplitIntoALoopPerLayer_AndEachLayersInputProjection_MovesBeforeItsLoop()
    {
        var method = PassTestSupport.Lower(TwoCarryLoop(coupled: false));
        var (outside, perBody) = Products(method.Forward.Graph);
        // Two loops, one per carry, each with only its recurrent product; both input projections (x W^T and a V^T over
        // all steps) run before them as one [T·3, 4] product each.
        Assert.Equal(2, perBody.Count);
        Assert.All(perBody, products => Assert.Equal(new[] { "[3,4]" }, products.Select(p => p.Shape.ToString())));
        var rows = Size.Symbol("T").Times(Size.Of(3));
        Assert.Equal(2, outside.Count);
        Assert.All(outside, p => Assert.Equal(rows, p.Shape[0]));
        // The second layer reads the first one's history: the first loop's stacked output feeds the second loop's projection.
        var scans = method.Forward.Graph.Nodes().Where(n => n.IsScan).ToList();
        Assert.Contains(outside, p => Graph.Nodes.Reachable(new[] { p }).Any(n => n.IsScan && n.Attrs.Bool("stacked")));
        Assert.Equal(2, scans.Select(n => n.Body).Distinct().Count());
    }

    [Fact]
    public void CarriesThatReadEachOther_StayInOneLoop()
    {
        var method = PassTestSupport.Lower(TwoCarryLoop(coupled: true));
        var (outside, perBody) = Products(method.Forward.Graph);
        var body = Assert.Single(perBody);
        // x W^T still moves before the loop (it reads no carry); a V^T, a U^T and g U^T stay in it.
        Assert.Single(outside);
        Assert.Equal(3, body.Count);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(1)]
    public void TheReverseLoop_GivesTheGradientsOfFiniteDifferences_OverASymbolicStepCount(int steps) =>
        AssertGradientsMatchFiniteDifferences(ElmanLoop(), steps, features: 2);

    [Theory]
    [InlineData(4)]
    [InlineData(1)]
    public void ALoopWhoseProductReadsTheCarry_GivesTheGradientsOfFiniteDifferences(int steps) =>
        AssertGradientsMatchFiniteDifferences(GatedByTheCarryLoop(), steps, features: 4);

    /// <summary>
    /// Loss and parameter gradients of forward+backward vs the forward's finite differences, for x: [T, 3, features],
    /// h0: [3, 4], parameters w [4, features], u [4, 4], b [4] and <paramref name="extraWeights"/> more [4, 4].
    /// </summary>
    static void AssertGradientsMatchFiniteDifferences(Models.GraphSpec spec, int steps, int features, int extraWeights = 0)
    {
        var method = PassTestSupport.Lower(spec);
        var rng = new Random(3);
        var binding = new Dictionary<string, int> { ["T"] = steps };
        var inputs = new[] { PassTestSupport.Random(rng, steps * 3 * features), PassTestSupport.Random(rng, 3 * 4) };
        var captures = new[] { PassTestSupport.Random(rng, 4 * features), PassTestSupport.Random(rng, 16), PassTestSupport.Random(rng, 4) }
            .Concat(Enumerable.Range(0, extraWeights).Select(_ => PassTestSupport.Random(rng, 16))).ToArray();
        var program = method.ForwardBackward!.Graph;
        var analytic = new Interpreter(binding, PassTestSupport.Leaves(inputs, captures));
        Assert.Equal(new Interpreter(binding, PassTestSupport.Leaves(inputs, captures)).Evaluate(method.Forward.Graph.Result)[0], analytic.Evaluate(program.Result)[0], 5);
        for (int c = 0; c < captures.Length; c++)
        {
            var gradient = analytic.Evaluate(program.Gradients[c]!);
            for (int i = 0; i < captures[c].Length; i++)
            {
                double Loss(float delta)
                {
                    var moved = captures.Select(a => (float[])a.Clone()).ToArray();
                    moved[c][i] += delta;
                    return new Interpreter(binding, PassTestSupport.Leaves(inputs, moved)).Evaluate(method.Forward.Graph.Result)[0];
                }
                const float h = 1e-2f;
                double numeric = (Loss(h) - Loss(-h)) / (2 * h);
                Assert.True(Math.Abs(numeric - gradient[i]) < 2e-3, $"capture {c}, element {i}: finite differences {numeric}, reverse loop {gradient[i]}");
            }
        }
    }

    [Fact]
    public void EachBodyIsScheduledOnce_AndTheForwardSavesTheCarryHistory_AsOneStackedBuffer()
    {
        var method = PassTestSupport.Lower(ElmanLoop());
        var forward = method.Forward.Kernels.Single(k => k.Kind == KernelKind.Scan);
        Assert.False(forward.Steps!.Body.Reverse);
        var backward = method.ForwardBackward!.Kernels.Where(k => k.Kind == KernelKind.Scan).ToList();
        Assert.Equal(2, backward.Count);
        Assert.True(backward[1].Steps!.Body.Reverse);
        // The forward loop of forward+backward writes the history [T, 3, 4] (the reverse loop's lagged carry), the final
        // state, and the activations the reverse body reads (saved, not recomputed: the reverse body has no forward GEMM).
        var history = backward[0].Outputs.Single(o => o.Attrs.Int("output") == 0 && o.Attrs.Bool("stacked"));
        Assert.True(backward[0].Outputs.Count(o => o.Attrs.Bool("stacked")) > 1);
        Assert.Equal(backward[0].Steps!.Body.Outputs.Length, forward.Steps!.Body.Outputs.Length + backward[0].Outputs.Count(o => o.Attrs.Int("output") > 0));
        Assert.DoesNotContain(backward[1].Steps!.Program.Graph.Nodes(), n => n.Op == "matmul" && !n.Attrs.Bool("transpose_a") && n.Attrs.Bool("transpose_b"));
        Assert.Equal("[T,3,4]", history.Shape.ToString());
        var storage = method.ForwardBackward.Memory.StorageOf(history);
        Assert.Equal(StorageKind.Arena, storage.Kind);
        Assert.Equal("T*12", method.ForwardBackward.Memory.Buffers[storage.Index].Count.ToString());
        // The reverse loop's outputs: the per-step gradient of the hoisted x_t W^T + b and the state before each step,
        // from which w's, u's and b's gradients are computed after the loop, over all steps at once (h0 is data: its
        // adjoint is carried, not read; the weights' gradients are not carried either).
        Assert.Equal(new[] { "[T,3,4]", "[T,3,4]" }, backward[1].Outputs.OrderBy(o => o.Attrs.Int("output")).Select(o => o.Shape.ToString()));
        Assert.Equal(1, backward[1].Steps!.Body.CarryCount);
    }

    /// <summary>The matrix products of a program outside its loops' bodies, and those inside each body.</summary>
    static (List<Node> Outside, List<List<Node>> PerBody) Products(GraphProgram program)
    {
        var nodes = program.Nodes();
        var bodies = nodes.Where(n => n.IsScan).Select(n => n.Body!).Distinct()
            .Select(body => body.Nodes().Where(n => n.Op == "matmul").ToList()).ToList();
        return (nodes.Where(n => n.Op == "matmul").ToList(), bodies);
    }

    [Fact]
    public void TheInputProjection_IsOneProductOverAllSteps_BeforeTheLoop_AndSoAreItsGradients()
    {
        var method = PassTestSupport.Lower(ElmanLoop());
        var steps = Size.Symbol("T").Times(Size.Of(3));

        // Forward: x W^T for all T steps is one [T·3, 2] x [4, 2]^T product; the body keeps only h U^T.
        var (outside, perBody) = Products(method.Forward.Graph);
        var projection = Assert.Single(outside);
        Assert.Equal(new Shape(new[] { steps, Size.Of(4) }), projection.Shape);
        Assert.True(projection.Attrs.Bool("transpose_b"));
        var inTheLoop = Assert.Single(Assert.Single(perBody));
        Assert.Equal("[3,4]", inTheLoop.Inputs[0].Shape.ToString());
        Assert.Equal("[4,4]", inTheLoop.Inputs[1].Shape.ToString());

        // Backward: w's gradient over all steps is one [T·3, 4]^T x [T·3, 2] product after the reverse loop, and so is
        // u's (ScanSumHoisting: the reverse loop writes dz_t and h_{t−1} stacked instead of accumulating dz_t^T h_{t−1}).
        // The forward body keeps h U^T, the reverse body only h's gradient dz_t U.
        var (outsideBackward, bodiesBackward) = Products(method.ForwardBackward!.Graph);
        foreach (var shape in new[] { "[4,2]", "[4,4]" })
        {
            var weightGradient = Assert.Single(outsideBackward, n => n.Shape.ToString() == shape);
            Assert.True(weightGradient.Attrs.Bool("transpose_a"));
            Assert.Equal(steps, weightGradient.Inputs[0].Shape[0]);
        }
        Assert.All(bodiesBackward, products => Assert.Equal("[3,4]", Assert.Single(products).Shape.ToString()));
        Assert.Equal(2, bodiesBackward.Count);
        // b's gradient: one sum over the steps and the batch.
        Assert.Contains(method.ForwardBackward.Graph.Nodes(), n => n.Op == "sum" && n.Shape.ToString() == "[4]" && n.Attrs.Text("dims") == "0,1"
            && n.Inputs[0].Shape.ToString() == "[T,3,4]");
    }

    [Fact]
    public void AProductThatReadsTheCarry_StaysInTheLoop_AndTheLoopIsUnchanged()
    {
        var method = PassTestSupport.Lower(GatedByTheCarryLoop());
        var (outside, perBody) = Products(method.Forward.Graph);
        Assert.Empty(outside);
        Assert.Equal(2, Assert.Single(perBody).Count);
        // The loop passes leave the program as they find it: the same loop body, the same scan nodes.
        var b = method.Context.Builder;
        var again = ScanSumHoisting.Run(b, ScanInputHoisting.Run(b, LoopFission.Run(b, method.Forward.Graph)));
        Assert.Equal(method.Forward.Graph.Nodes(), again.Nodes());
    }
}
