using Kiln.Generator.Graph;
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

    [Fact]
    public void TheReverseLoop_GivesTheGradientsOfFiniteDifferences_OverASymbolicStepCount()
    {
        var method = PassTestSupport.Lower(ElmanLoop());
        var rng = new Random(3);
        var binding = new Dictionary<string, int> { ["T"] = 5 };
        var inputs = new[] { PassTestSupport.Random(rng, 5 * 3 * 2), PassTestSupport.Random(rng, 3 * 4) };
        var captures = new[] { PassTestSupport.Random(rng, 8), PassTestSupport.Random(rng, 16), PassTestSupport.Random(rng, 4) };
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
        // The reverse loop's outputs: the gradients of w, u and b summed over the steps (h0 is data: its adjoint is carried, not read).
        Assert.Equal(new[] { "[4,2]", "[4,4]", "[4]" }, backward[1].Outputs.OrderBy(o => o.Attrs.Int("output")).Select(o => o.Shape.ToString()));
    }
}
