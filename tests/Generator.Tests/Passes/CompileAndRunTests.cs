using System.Reflection;
using Kiln.Generator.Helpers;
using Kiln.Generator.Compiler;
using Kiln.Generator.Models;
using Xunit.Abstractions;

namespace Kiln.Generator.Tests.Passes;

/// <summary>
/// The end-to-end check of the compiler core: hand-built specs are compiled to C#, the C# is compiled with Roslyn
/// against Kiln.Runtime and run, and loss and gradients are compared with the eager tape.
/// </summary>
public sealed class CompileAndRunTests
{
    readonly ITestOutputHelper output;

    public CompileAndRunTests(ITestOutputHelper output) => this.output = output;

    internal static GraphSpec TwoLayerSpec()
    {
        var s = new SpecBuilder("TwoLayer");
        var x = s.Input("x", "N", 1000);
        var y = s.Input("y", "N", 10);
        var w1 = s.Parameter("w1", 1000, 100);
        var w2 = s.Parameter("w2", 100, 10);
        var h = s.Op("relu", s.Op("matmul", x, w1));
        var yPred = s.Op("matmul", h, w2);
        var loss = s.Op("sum", s.Op("square", s.Op("sub", yPred, y)));
        return s.Build(loss);
    }

    const string TwoLayerModel = """
        namespace Kiln.Tests.Generated
        {
            public partial class TwoLayer
            {
                public global::Kiln.Tensor w1;
                public global::Kiln.Tensor w2;
                public TwoLayer(global::Kiln.Tensor w1, global::Kiln.Tensor w2) { this.w1 = w1; this.w2 = w2; }
            }

            public static class TwoLayerDriver
            {
                public static long AllocatedBytes(TwoLayer model, global::Kiln.Tensor x, global::Kiln.Tensor y, int calls)
                {
                    var graph = model.LossGraph;
                    // Enough warm-up calls for tiered compilation to settle: promoting a method can allocate on the calling thread.
                    for (int i = 0; i < 100; i++) { graph.ForwardBackward(x, y); graph.Forward(x, y); }
                    long before = global::System.GC.GetAllocatedBytesForCurrentThread();
                    for (int i = 0; i < calls; i++) { graph.ForwardBackward(x, y); graph.Forward(x, y); }
                    return global::System.GC.GetAllocatedBytesForCurrentThread() - before;
                }
            }
        }
        """;

    internal static GraphSpec MlpSpec()
    {
        var s = new SpecBuilder("Mlp");
        var x = s.Input("x", "N", 784);
        var y = s.Labels("y", "N");
        var w1 = s.Parameter("fc1Weight", 256, 784);
        var b1 = s.Parameter("fc1Bias", 256);
        var w2 = s.Parameter("fc2Weight", 10, 256);
        var b2 = s.Parameter("fc2Bias", 10);
        var h = s.Op("relu", s.Op("linear", x, w1, b1));
        var logits = s.Op("linear", h, w2, b2);
        return s.Build(s.Op("cross_entropy", logits, y));
    }

    const string MlpModel = """
        namespace Kiln.Tests.Generated
        {
            public partial class Mlp
            {
                public global::Kiln.Tensor fc1Weight, fc1Bias, fc2Weight, fc2Bias;
                public Mlp(global::Kiln.Tensor w1, global::Kiln.Tensor b1, global::Kiln.Tensor w2, global::Kiln.Tensor b2)
                {
                    fc1Weight = w1; fc1Bias = b1; fc2Weight = w2; fc2Bias = b2;
                }
            }

            public static class MlpDriver
            {
                public static long AllocatedBytes(Mlp model, global::Kiln.Tensor x, global::Kiln.IntTensor y, int calls)
                {
                    var graph = model.LossGraph;
                    // Enough warm-up calls for tiered compilation to settle: promoting a method can allocate on the calling thread.
                    for (int i = 0; i < 100; i++) { graph.ForwardBackward(x, y); graph.Forward(x, y); }
                    long before = global::System.GC.GetAllocatedBytesForCurrentThread();
                    for (int i = 0; i < calls; i++) { graph.ForwardBackward(x, y); graph.Forward(x, y); }
                    return global::System.GC.GetAllocatedBytesForCurrentThread() - before;
                }
            }
        }
        """;

    internal static string CompileToSource(GraphSpec spec)
    {
        var result = GraphCompiler.Compile(spec);
        Assert.True(result.Diagnostics.Count == 0, string.Join("\n", result.Diagnostics.Select(d => d.Id + " @" + d.OpIndex + ": " + string.Join(" | ", d.MessageArgs))));
        Assert.NotNull(result.Source);
        return result.Source!;
    }

    static Tensor Randn(Rng rng, float scale, params int[] shape)
    {
        var t = Tensor.Randn(shape, rng);
        var data = t.Data;
        for (int i = 0; i < data.Length; i++) data[i] *= scale;
        return t;
    }

    static Tensor Leaf(Tensor t)
    {
        var c = t.Clone();
        c.RequiresGrad = true;
        return c;
    }

    static object Graph(object model) => model.GetType().GetProperty("LossGraph")!.GetValue(model)!;

    static Tensor Call(object graph, string method, params object[] args) =>
        (Tensor)graph.GetType().GetMethod(method)!.Invoke(graph, args)!;

    [Fact]
    public void TwoLayerNetMatchesTheEagerTape()
    {
        var source = CompileToSource(TwoLayerSpec());
        var assembly = RoslynHarness.Compile(source, TwoLayerModel);
        var rng = new Rng(7);
        var x = Randn(rng, 1f, 64, 1000);
        var y = Randn(rng, 1f, 64, 10);
        var w1 = Randn(rng, 0.03f, 1000, 100);
        var w2 = Randn(rng, 0.1f, 100, 10);

        var ew1 = Leaf(w1);
        var ew2 = Leaf(w2);
        var eagerLoss = global::Kiln.Ops.Sum(global::Kiln.Ops.Square(global::Kiln.Ops.Sub(global::Kiln.Ops.MatMul(global::Kiln.Ops.Relu(global::Kiln.Ops.MatMul(x, ew1)), ew2), y)));
        eagerLoss.Backward();

        var sw1 = Leaf(w1);
        var sw2 = Leaf(w2);
        var model = Activator.CreateInstance(assembly.GetType("Kiln.Tests.Generated.TwoLayer")!, sw1, sw2)!;
        var graph = Graph(model);
        var forward = Call(graph, "Forward", x, y).Item();
        var loss = Call(graph, "ForwardBackward", x, y).Item();

        TensorAssert.Close(new[] { eagerLoss.Item() }, new[] { forward }, "forward loss");
        TensorAssert.Close(new[] { eagerLoss.Item() }, new[] { loss }, "forward+backward loss");
        TensorAssert.Close(ew1.Grad!.Data, sw1.Grad!.Data, "dL/dw1");
        TensorAssert.Close(ew2.Grad!.Data, sw2.Grad!.Data, "dL/dw2");

        // A second call accumulates into Grad, like a second Backward() on the tape.
        Call(graph, "ForwardBackward", x, y);
        var twice = ew1.Grad!.ToArray().Select(v => 2 * v).ToArray();
        TensorAssert.Close(twice, sw1.Grad!.Data, "dL/dw1 after two calls");

        output.WriteLine((string)graph.GetType().GetProperty("Summary")!.GetValue(graph)!);
    }

    [Fact]
    public void MlpWithCrossEntropyMatchesTheEagerTape()
    {
        var source = CompileToSource(MlpSpec());
        var assembly = RoslynHarness.Compile(source, MlpModel);
        var rng = new Rng(11);
        var x = Randn(rng, 1f, 64, 784);
        var labels = IntTensor.FromArray(Enumerable.Range(0, 64).Select(i => rng.NextInt(0, 10)).ToArray(), 64);
        var w1 = Randn(rng, 0.05f, 256, 784);
        var b1 = Randn(rng, 0.1f, 256);
        var w2 = Randn(rng, 0.1f, 10, 256);
        var b2 = Randn(rng, 0.1f, 10);

        var e = new[] { Leaf(w1), Leaf(b1), Leaf(w2), Leaf(b2) };
        var eagerLoss = global::Kiln.Ops.CrossEntropy(global::Kiln.Ops.Linear(global::Kiln.Ops.Relu(global::Kiln.Ops.Linear(x, e[0], e[1])), e[2], e[3]), labels);
        eagerLoss.Backward();

        var s = new[] { Leaf(w1), Leaf(b1), Leaf(w2), Leaf(b2) };
        var model = Activator.CreateInstance(assembly.GetType("Kiln.Tests.Generated.Mlp")!, s[0], s[1], s[2], s[3])!;
        var graph = Graph(model);
        var forward = Call(graph, "Forward", x, labels).Item();
        var loss = Call(graph, "ForwardBackward", x, labels).Item();

        TensorAssert.Close(new[] { eagerLoss.Item() }, new[] { forward }, "forward loss");
        TensorAssert.Close(new[] { eagerLoss.Item() }, new[] { loss }, "forward+backward loss");
        string[] names = { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" };
        for (int i = 0; i < 4; i++) TensorAssert.Close(e[i].Grad!.Data, s[i].Grad!.Data, "grad " + names[i]);

        output.WriteLine((string)graph.GetType().GetProperty("Summary")!.GetValue(graph)!);
    }

    [Fact]
    public void SteadyStateCallsAllocateNothing()
    {
        var twoLayer = RoslynHarness.Compile(CompileToSource(TwoLayerSpec()), TwoLayerModel);
        var rng = new Rng(3);
        var model = Activator.CreateInstance(twoLayer.GetType("Kiln.Tests.Generated.TwoLayer")!, Leaf(Randn(rng, 0.03f, 1000, 100)), Leaf(Randn(rng, 0.1f, 100, 10)))!;
        var bytes = (long)twoLayer.GetType("Kiln.Tests.Generated.TwoLayerDriver")!.GetMethod("AllocatedBytes")!
            .Invoke(null, new object[] { model, Randn(rng, 1f, 64, 1000), Randn(rng, 1f, 64, 10), 5 })!;
        output.WriteLine($"two-layer net: {bytes} bytes allocated over 5 Forward + 5 ForwardBackward calls");
        Assert.Equal(0, bytes);

        var mlp = RoslynHarness.Compile(CompileToSource(MlpSpec()), MlpModel);
        var mlpModel = Activator.CreateInstance(mlp.GetType("Kiln.Tests.Generated.Mlp")!,
            Leaf(Randn(rng, 0.05f, 256, 784)), Leaf(Randn(rng, 0.1f, 256)), Leaf(Randn(rng, 0.1f, 10, 256)), Leaf(Randn(rng, 0.1f, 10)))!;
        var labels = IntTensor.FromArray(Enumerable.Range(0, 64).Select(i => i % 10).ToArray(), 64);
        bytes = (long)mlp.GetType("Kiln.Tests.Generated.MlpDriver")!.GetMethod("AllocatedBytes")!
            .Invoke(null, new object[] { mlpModel, Randn(rng, 1f, 64, 784), labels, 5 })!;
        output.WriteLine($"MLP: {bytes} bytes allocated over 5 Forward + 5 ForwardBackward calls");
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void WrongShapesThrowNamingTheParameterAndBothShapes()
    {
        var assembly = RoslynHarness.Compile(CompileToSource(TwoLayerSpec()), TwoLayerModel);
        var rng = new Rng(1);
        var model = Activator.CreateInstance(assembly.GetType("Kiln.Tests.Generated.TwoLayer")!, Randn(rng, 1f, 1000, 100), Randn(rng, 1f, 100, 10))!;
        var graph = Graph(model);
        var error = Assert.Throws<TargetInvocationException>(() => Call(graph, "Forward", Randn(rng, 1f, 64, 999), Randn(rng, 1f, 64, 10))).InnerException!;
        Assert.IsType<ArgumentException>(error);
        Assert.StartsWith("Kiln.Tests.Generated.TwoLayer.Loss: parameter 'x' has shape [64,999], but [Shape] declares [N,1000]", error.Message);

        error = Assert.Throws<TargetInvocationException>(() => Call(graph, "Forward", Randn(rng, 1f, 64, 1000), Randn(rng, 1f, 32, 10))).InnerException!;
        Assert.StartsWith("Kiln.Tests.Generated.TwoLayer.Loss: parameter 'y' has shape [32,10], but [Shape] declares [N,10] with N = 64 from 'x'", error.Message);

        // A new N is a new binding: planned once, then cached beside the first.
        Call(graph, "Forward", Randn(rng, 1f, 64, 1000), Randn(rng, 1f, 64, 10));
        Call(graph, "Forward", Randn(rng, 1f, 7, 1000), Randn(rng, 1f, 7, 10));
        var summary = (string)graph.GetType().GetProperty("Summary")!.GetValue(graph)!;
        Assert.Contains("arena (forward, N=64): 28,160 bytes", summary);
        Assert.Contains("arena (forward, N=7): 3,080 bytes", summary);
    }

    [Fact]
    public void StaticMethodsAndDotWork()
    {
        var s = new SpecBuilder("Regression", "Fit") { IsStatic = true };
        var x = s.Input("x", "N", 3);
        var y = s.Input("y", "N", 1);
        var w = s.Parameter("Weight", 1, 3);
        var spec = s.Build(s.Op("mse_loss", s.Op("linear", x, w), y));
        spec = spec with { Captures = spec.Captures.Select(c => c with { AccessExpression = "Regression." + c.Name }).ToEquatableArray() };
        const string model = """
            namespace Kiln.Tests.Generated
            {
                public static partial class Regression
                {
                    public static global::Kiln.Tensor Weight = global::Kiln.Tensor.FromArray(new float[] { 1f, 2f, 3f }, 1, 3);
                }
            }
            """;
        var source = CompileToSource(spec with { ContainingType = spec.ContainingType with { Declarations = new[] { "public static partial class Regression" }.ToEquatableArray() } });
        var assembly = RoslynHarness.Compile(source, model);
        var type = assembly.GetType("Kiln.Tests.Generated.Regression")!;
        var graph = type.GetProperty("FitGraph")!.GetValue(null)!;
        // A field captured as a parameter gets a gradient only when it requires one, as on the tape.
        ((Tensor)type.GetField("Weight")!.GetValue(null)!).RequiresGrad = true;
        var input = Tensor.FromArray(new float[] { 1, 0, 0, 0, 1, 1 }, 2, 3);
        var target = Tensor.FromArray(new float[] { 0, 0 }, 2, 1);
        var loss = (Tensor)graph.GetType().GetMethod("ForwardBackward")!.Invoke(graph, new object[] { input, target })!;
        Assert.Equal((1f * 1f + 5f * 5f) / 2f, loss.Item(), 5);
        var weight = (Tensor)type.GetField("Weight")!.GetValue(null)!;
        Assert.Equal(new[] { 1f, 5f, 5f }, weight.Grad!.ToArray());

        var dot = (string)graph.GetType().GetMethod("ToDot")!.Invoke(graph, null)!;
        Assert.StartsWith("digraph \"Kiln.Tests.Generated.Regression.Fit\" {", dot);
        Assert.Contains("subgraph cluster_k0", dot);
        Assert.Contains("grad Weight", dot);
    }
}
