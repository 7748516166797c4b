namespace Kiln.Generator.Tests.Passes;

public sealed class EmbeddingTests
{
    const string Model = """
        namespace Kiln.Tests.Generated
        {
            public partial class Bag
            {
                public global::Kiln.Tensor table, readout;
                public Bag(global::Kiln.Tensor table, global::Kiln.Tensor readout) { this.table = table; this.readout = readout; }
            }
        }
        """;

    [Fact]
    public void EmbeddingLookupsAndScatteredGradientsMatchTheEagerTape()
    {
        var s = new SpecBuilder("Bag");
        var indices = s.Labels("indices", "N", 3);
        var labels = s.Labels("labels", "N");
        var table = s.Parameter("table", 7, 4);
        var readout = s.Parameter("readout", 2, 4);
        var rows = s.Op("embedding", new[] { indices, table }, ("padding_idx", "0"));
        var pooled = s.Op("mean", new[] { rows }, ("dim", "1"));
        var logits = s.Op("linear", pooled, readout);
        var assembly = RoslynHarness.Compile(CompileAndRunTests.CompileToSource(s.Build(s.Op("cross_entropy", logits, labels))), Model);

        var rng = new Rng(8);
        var ids = IntTensor.FromArray(new[] { 1, 2, 2, 0, 6, 1, 3, 3, 3, 5, 0, 0 }, 4, 3);
        var ys = IntTensor.FromArray(new[] { 0, 1, 1, 0 }, 4);
        var t = Tensor.Randn(new[] { 7, 4 }, rng);
        var r = Tensor.Randn(new[] { 2, 4 }, rng);

        var et = t.Clone(); et.RequiresGrad = true;
        var er = r.Clone(); er.RequiresGrad = true;
        var eager = global::Kiln.Ops.CrossEntropy(global::Kiln.Ops.Linear(global::Kiln.Ops.Mean(global::Kiln.Ops.Embedding(ids, et, 0), 1), er), ys);
        eager.Backward();

        var st = t.Clone(); st.RequiresGrad = true;
        var sr = r.Clone(); sr.RequiresGrad = true;
        var model = Activator.CreateInstance(assembly.GetType("Kiln.Tests.Generated.Bag")!, st, sr)!;
        var graph = model.GetType().GetProperty("LossGraph")!.GetValue(model)!;
        var loss = (Tensor)graph.GetType().GetMethod("ForwardBackward")!.Invoke(graph, new object[] { ids, ys })!;

        TensorAssert.Close(new[] { eager.Item() }, new[] { loss.Item() }, "loss");
        TensorAssert.Close(et.Grad!.Data, st.Grad!.Data, "table gradient");
        TensorAssert.Close(er.Grad!.Data, sr.Grad!.Data, "readout gradient");
        Assert.All(st.Grad!.ToArray().Take(4), v => Assert.Equal(0f, v));
    }
}
