using Kiln.Generator.Compiler;
using Kiln.Generator.Graph;
using Kiln.Generator.Schedule;

namespace Kiln.Generator.Tests.Passes;

/// <summary>
/// Which conv2d → relu → max_pool2d chains become one conv2d_relu_max_pool2d (only a 2×2 window at stride 2 without
/// padding, after a ReLU, when the convolution and the ReLU feed nothing else), and what the fused op's programs
/// compute: the argmax in the forward's pass, a scatter, then the convolution's gradient kernels.
/// </summary>
public sealed class ConvReluPoolFusionTests
{
    const string Fused = "conv2d_relu_max_pool2d";

    /// <summary>loss = Σ (pool(act(conv2d(x, w, b))) ⊙ r), with the ReLU optional and, optionally, Σ relu output added.</summary>
    static CompiledMethod Lower((string, string)[] pool, bool relu = true, bool bias = true, bool reluAlsoSummed = false, bool learnedInput = false)
    {
        var s = new SpecBuilder();
        var x = learnedInput ? s.Parameter("x", 3, 2, 8, 8) : s.Input("x", "N", 2, 8, 8);
        var w = s.Parameter("w", 4, 2, 3, 3);
        var b = s.Parameter("b", 4);
        var conv = s.Op("conv2d", bias ? new[] { x, w, b } : new[] { x, w }, ("stride", "1"), ("padding", "1"));
        var act = relu ? s.Op("relu", conv) : conv;
        var pooled = s.Op("max_pool2d", new[] { act }, pool);
        var loss = s.Op("sum", s.Op("mul", pooled, pooled));
        if (reluAlsoSummed) loss = s.Op("add", loss, s.Op("sum", act));
        return PassTestSupport.Lower(s.Build(loss));
    }

    static string[] Ops(KernelProgram p) => p.Graph.Nodes().Select(n => n.Op).ToArray();

    static string Kinds(KernelProgram p) => string.Join(" | ", p.Kernels.Select(k => Emit.KernelDescriptions.Kind(k)));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ConvReluPool2x2_BecomesOneKernel_WithOrWithoutBias(bool bias)
    {
        var m = Lower(new[] { ("kernel", "2") }, bias: bias);
        foreach (var program in new[] { m.Forward, m.ForwardBackward! })
        {
            Assert.Contains(Fused, Ops(program));
            Assert.DoesNotContain("conv2d", Ops(program));
            Assert.DoesNotContain("relu", Ops(program));
            Assert.DoesNotContain("max_pool2d", Ops(program));
        }
        Assert.Equal(Fused, Emit.KernelDescriptions.Kind(m.Forward.Kernels[0]));
        // The backward's argmax comes out of the forward's pass; the scatter feeds the convolution's own gradient kernels.
        var backward = Kinds(m.ForwardBackward!);
        Assert.StartsWith($"{Fused} + {Fused}_argmax (one pass)", backward);
        Assert.Single(m.ForwardBackward!.Kernels, k => k.Outputs.Any(o => o.Op is Fused or Fused + "_argmax"));
        // The weight gradient scatters the pooled gradient itself; x is an input (data), so no input gradient and no scatter.
        Assert.Contains($"{Fused}_backward_weight", Ops(m.ForwardBackward!));
        Assert.DoesNotContain($"{Fused}_backward", Ops(m.ForwardBackward!));
        Assert.DoesNotContain("conv2d_backward_input", Ops(m.ForwardBackward!));
        // Nothing in the backward program is the size of the convolution's output [N,4,8,8].
        Assert.DoesNotContain(m.ForwardBackward!.Graph.Nodes(), n => n.Shape.ToString() == "[N,4,8,8]");
    }

    [Fact]
    public void InputGradient_ScattersThePooledGradientOnce()
    {
        var m = Lower(new[] { ("kernel", "2") }, learnedInput: true);
        var ops = Ops(m.ForwardBackward!);
        // Only the input gradient reads the full-size scatter; the weight gradient still scatters by itself.
        var scatter = m.ForwardBackward!.Graph.Nodes().Single(n => n.Op == Fused + "_backward");
        Assert.Equal("[3,4,8,8]", scatter.Shape.ToString());
        Assert.Contains("conv2d_backward_input", ops);
        Assert.Contains($"{Fused}_backward_weight", ops);
        Assert.DoesNotContain("conv2d_backward_weight", ops);
    }

    [Theory]
    [InlineData("3", "1", "0")] // 3×3 window at stride 1
    [InlineData("2", "1", "0")] // 2×2 window at stride 1 (overlapping)
    [InlineData("2", "2", "1")] // padded
    public void OtherWindows_AreNotFused(string kernel, string stride, string padding)
    {
        var m = Lower(new[] { ("kernel", kernel), ("stride", stride), ("padding", padding) });
        Assert.DoesNotContain(Fused, Ops(m.ForwardBackward!));
        Assert.Contains("max_pool2d", Ops(m.Forward));
        Assert.Contains("relu", Ops(m.Forward));
    }

    [Fact]
    public void PoolWithoutRelu_IsNotFused()
    {
        var m = Lower(new[] { ("kernel", "2") }, relu: false);
        Assert.DoesNotContain(Fused, Ops(m.ForwardBackward!));
        Assert.Contains("max_pool2d", Ops(m.Forward));
    }

    [Fact]
    public void ReluReadElsewhere_IsNotFused()
    {
        // The full-size ReLU output is needed anyway, so the pool reads it as before.
        var m = Lower(new[] { ("kernel", "2") }, reluAlsoSummed: true);
        Assert.DoesNotContain(Fused, Ops(m.ForwardBackward!));
        Assert.Contains("max_pool2d", Ops(m.Forward));
    }

    /// <summary>The fused op's interpreter semantics on a hand-computed case: conv + bias, each window's maximum, then the ReLU.</summary>
    [Fact]
    public void InterpreterSemantics_PoolTheBiasedConvolutionThenApplyTheRelu()
    {
        var s = new SpecBuilder();
        var x = s.Input("x", 1, 1, 2, 4);
        var w = s.Parameter("w", 1, 1, 1, 1);
        var b = s.Parameter("b", 1);
        var pooled = s.Op("max_pool2d", new[] { s.Op("relu", s.Op("conv2d", x, w, b)) }, ("kernel", "2"));
        var m = PassTestSupport.Lower(s.Build(s.Op("sum", pooled)));
        var fused = m.Forward.Graph.Nodes().Single(n => n.Op == Fused);
        // x = [[1, -5, -2, -3], [4, 0, -1, -4]], w = 2, b = -1: windows max(1, -11, 7, -1) = 7 and max(-5, -7, -3, -9) = -3.
        var leaves = PassTestSupport.Leaves(new List<float[]> { new float[] { 1, -5, -2, -3, 4, 0, -1, -4 } }, new List<float[]> { new[] { 2f }, new[] { -1f } });
        var interpreter = new Interpreter(new Dictionary<string, int>(), leaves);
        Assert.Equal(new[] { 7f, 0f }, interpreter.Evaluate(fused));
        var argmax = new Interpreter(new Dictionary<string, int>(), leaves).Evaluate(m.ForwardBackward!.Graph.Nodes().Single(n => n.Op == Fused + "_argmax"));
        Assert.Equal(new[] { 2f, 2f }, argmax);
    }
}
