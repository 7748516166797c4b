using Kiln.Generator.Graph;

namespace Kiln.Generator.Tests.Passes;

/// <summary>Sums of matrix products run as accumulating GEMMs into one buffer (or straight into a Grad).</summary>
public sealed class GemmSumTests
{
    const string Model = """
        namespace Kiln.Tests.Generated
        {
            public partial class Shared
            {
                public global::Kiln.Tensor w;
                public Shared(global::Kiln.Tensor w) { this.w = w; }
            }
        }
        """;

    static Models.GraphSpec Spec()
    {
        var s = new SpecBuilder("Shared");
        var a = s.Input("a", "N", 3);
        var b = s.Input("b", "N", 3);
        var w = s.Parameter("w", 3, 4);
        var y = s.Op("tanh", s.Op("add", s.Op("matmul", a, w), s.Op("matmul", b, w)));
        return s.Build(s.Op("sum", s.Op("square", y)));
    }

    [Fact]
    public void ProductsSharingAWeightAccumulateForwardAndBackward()
    {
        var method = PassTestSupport.Lower(Spec());
        Assert.Equal("2 accumulating GEMMs | fused sum over [N,4] of (tanh, square)", string.Join(" | ", method.Forward.Kernels.Select(Emit.KernelDescriptions.Kind)));
        var fb = method.ForwardBackward!;
        var gradientKernel = fb.Kernels.Single(k => k.Outputs.Contains(Kiln.Generator.Passes.Fusion.StorageRoot(fb.Graph.Gradients[0]!)));
        Assert.Equal("2 accumulating GEMMs", Emit.KernelDescriptions.Kind(gradientKernel));

        var assembly = RoslynHarness.Compile(CompileAndRunTests.CompileToSource(Spec()), Model);
        var rng = new Random(3);
        var a = PassTestSupport.Random(rng, 5 * 3);
        var b = PassTestSupport.Random(rng, 5 * 3);
        var w = PassTestSupport.Random(rng, 12);
        var interpreter = new Interpreter(new Dictionary<string, int> { ["N"] = 5 }, PassTestSupport.Leaves(new[] { a, b }, new[] { w }));

        var tw = Tensor.FromArray(w, 3, 4);
        tw.RequiresGrad = true;
        tw.Grad = Tensor.Full(1f, 3, 4);
        var model = Activator.CreateInstance(assembly.GetType("Kiln.Tests.Generated.Shared")!, tw)!;
        var graph = model.GetType().GetProperty("LossGraph")!.GetValue(model)!;
        var loss = (Tensor)graph.GetType().GetMethod("ForwardBackward")!.Invoke(graph, new object[] { Tensor.FromArray(a, 5, 3), Tensor.FromArray(b, 5, 3) })!;

        TensorAssert.Close(interpreter.Evaluate(fb.Graph.Result), new[] { loss.Item() }, "loss", 1e-5);
        // Accumulated onto the existing Grad (all ones), as Backward() would.
        var expected = interpreter.Evaluate(fb.Graph.Gradients[0]!).Select(v => v + 1f).ToArray();
        TensorAssert.Close(expected, tw.Grad!.Data, "dL/dw", 1e-5);
    }
}
