using System.Reflection;
using Kiln.Generator.Graph;
using Kiln.Generator.Models;

namespace Kiln.Generator.Tests.Passes;

/// <summary>
/// The generated kernels (fused loops with broadcasting along inner and outer axes, reductions over inner and outer
/// axes, SIMD bodies with scalar tails, library calls) must compute what the interpreter computes on the same program.
/// </summary>
public sealed class GeneratedKernelOracleTests
{
    static GraphSpec Spec(bool second) => second ? SelectionSpec() : Spec();

    /// <summary>Max with its argmax-routed gradient, masks, permutes, stacks, selects, chunks and vector products.</summary>
    static GraphSpec SelectionSpec()
    {
        var s = new SpecBuilder("Oracle");
        var x = s.Input("x", "N", 3, 13);
        var a = s.Parameter("a", 3, 1);
        var c = s.Parameter("c", 13);
        var w = s.Parameter("w", 13, 5);
        var h = s.Op("mul", s.Op("add", x, a), c);
        var m = s.Op("max", new[] { h }, ("dim", "2"), ("keep_dim", "false"));
        var masked = s.Op("mul", h, s.Op("greater_than", new[] { h }, ("threshold", "0")));
        var p = s.Op("permute", new[] { masked }, ("perm", "2,0,1"));
        var first = s.Op("select", new[] { p }, ("dim", "0"), ("index", "3"));
        var piece = s.Op("chunk", new[] { p }, ("chunks", "3"), ("dim", "0"), ("index", "2"));
        var stacked = s.Op("stack", new[] { first, m }, ("dim", "0"));
        var v = s.Op("matmul", s.Op("mean", new[] { h }, ("dims", "0,1")), w);
        // Slices read in place: a column (innermost stride 13, scalar loop) and a middle-dimension slice (strided rows).
        var column = s.Op("exp", s.Op("narrow", new[] { h }, ("dim", "2"), ("start", "4"), ("length", "1")));
        var rows = s.Op("square", s.Op("narrow", new[] { h }, ("dim", "1"), ("start", "1"), ("length", "2")));
        var slices = s.Op("add", s.Op("sum", column), s.Op("mean", rows));
        var loss = s.Op("add", s.Op("add", s.Op("add", s.Op("sum", s.Op("square", stacked)), s.Op("mean", piece)), s.Op("dot", v, v)), slices);
        return s.Build(loss);
    }

    static GraphSpec Spec()
    {
        var s = new SpecBuilder("Oracle");
        var x = s.Input("x", "N", 3, 13);
        var a = s.Parameter("a", 3, 1);
        var c = s.Parameter("c", 13);
        var w = s.Parameter("w", 13, 5);
        var t = s.Op("exp", s.Op("mul", s.Op("mul", s.Op("add", x, a), c), s.Constant(0.1f)));
        var u = s.Op("sum", new[] { t }, ("dims", "1"), ("keep_dim", "true"));
        var v = s.Op("sub", t, u);
        var r = s.Op("matmul", v, w);
        var ls = s.Op("log_softmax", new[] { r }, ("dim", "1"));
        var swapped = s.Op("transpose", new[] { ls }, ("dim0", "1"), ("dim1", "2"));
        var part = s.Op("narrow", new[] { swapped }, ("dim", "1"), ("start", "1"), ("length", "3"));
        var both = s.Op("concat", new[] { part, s.Op("tanh", part) }, ("dim", "2"));
        var spread = s.Op("sum", new[] { t }, ("dims", "0,2"));
        var loss = s.Op("add", s.Op("add", s.Op("mean", s.Op("square", both)), s.Op("sum", s.Op("sigmoid", r))), s.Op("sum", s.Op("square", spread)));
        return s.Build(loss);
    }

    const string Model = """
        namespace Kiln.Tests.Generated
        {
            public partial class Oracle
            {
                public global::Kiln.Tensor a, c, w;
                public Oracle(global::Kiln.Tensor a, global::Kiln.Tensor c, global::Kiln.Tensor w) { this.a = a; this.c = c; this.w = w; }
            }
        }
        """;

    /// <summary>
    /// Rows longer than a vector and no multiple of its width (37 = 2·16 + 5 = 4·8 + 5): each row ends with a vector
    /// overlapping the one before it, in the GEMM's epilogue (bias broadcast along rows, written in place over the
    /// GEMM's output) and in the flattened loops; the backward's accumulating loops keep their scalar tails.
    /// </summary>
    static GraphSpec WideRowsSpec()
    {
        var s = new SpecBuilder("Oracle");
        var x = s.Input("x", "N", 37);
        var a = s.Parameter("a", 37, 37);
        var c = s.Parameter("c", 37);
        var w = s.Parameter("w", 37, 3);
        var h = s.Op("tanh", s.Op("add", s.Op("matmul", x, a), c));
        var g = s.Op("sigmoid", s.Op("mul", h, x));
        // Only the second GEMM's output is reduced, so the first GEMM's epilogue stores maps only (a reduction fused
        // into it would keep the scalar tail).
        var r = s.Op("matmul", g, w);
        var loss = s.Op("sum", s.Op("square", r));
        return s.Build(loss);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(5, false)]
    [InlineData(5, true)]
    public void GeneratedCodeMatchesTheInterpreter(int n, bool selection) =>
        CheckAgainstInterpreter(Spec(selection), new[] { n, 3, 13 }, new[] { new[] { 3, 1 }, new[] { 13 }, new[] { 13, 5 } });

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void RowsEndingInAnOverlappingVectorMatchTheInterpreter(int n)
    {
        var source = CompileAndRunTests.CompileToSource(WideRowsSpec());
        Assert.Contains("if (overlapLast)", source);
        CheckAgainstInterpreter(WideRowsSpec(), new[] { n, 37 }, new[] { new[] { 37, 37 }, new[] { 37 }, new[] { 37, 3 } });
    }

    static void CheckAgainstInterpreter(GraphSpec spec, int[] xShape, int[][] captureShapes)
    {
        var method = PassTestSupport.Lower(spec);
        var assembly = RoslynHarness.Compile(CompileAndRunTests.CompileToSource(spec), Model);

        var rng = new Random(9);
        var x = PassTestSupport.Random(rng, xShape.Aggregate(1, (p, d) => p * d));
        var captures = captureShapes.Select(shape => PassTestSupport.Random(rng, shape.Aggregate(1, (p, d) => p * d))).ToList();
        var binding = new Dictionary<string, int> { ["N"] = xShape[0] };
        var interpreter = new Interpreter(binding, PassTestSupport.Leaves(new[] { x }, captures));
        float expectedLoss = interpreter.Evaluate(method.ForwardBackward!.Graph.Result)[0];

        var tensors = captures.Select((data, i) => Tensor.FromArray(data, captureShapes[i])).ToArray();
        foreach (var parameter in tensors) parameter.RequiresGrad = true;
        var model = Activator.CreateInstance(assembly.GetType("Kiln.Tests.Generated.Oracle")!, tensors[0], tensors[1], tensors[2])!;
        var graph = model.GetType().GetProperty("LossGraph")!.GetValue(model)!;
        var input = Tensor.FromArray(x, xShape);
        var forward = (Tensor)graph.GetType().GetMethod("Forward")!.Invoke(graph, new object[] { input })!;
        var loss = (Tensor)graph.GetType().GetMethod("ForwardBackward")!.Invoke(graph, new object[] { input })!;

        TensorAssert.Close(new[] { expectedLoss }, new[] { forward.Item() }, "forward", 1e-5);
        TensorAssert.Close(new[] { expectedLoss }, new[] { loss.Item() }, "forward+backward", 1e-5);
        for (int i = 0; i < tensors.Length; i++)
            TensorAssert.Close(interpreter.Evaluate(method.ForwardBackward.Graph.Gradients[i]!), tensors[i].Grad!.Data, "grad " + i, 1e-5);
    }
}
