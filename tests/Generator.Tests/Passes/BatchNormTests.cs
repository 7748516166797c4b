namespace Kiln.Generator.Tests.Passes;

/// <summary>BatchNorm's two modes, chosen by the Training flag at call time, and its in-place running statistics.</summary>
public sealed class BatchNormTests
{
    const string Model = """
        namespace Kiln.Tests.Generated
        {
            public partial class Norm
            {
                public global::Kiln.Tensor scale, runningMean, runningVar, weight, bias;
                public global::Kiln.Tensor batches = global::Kiln.Tensor.Scalar(3f);
                public bool training = true;
                public Norm(global::Kiln.Tensor scale, global::Kiln.Tensor rm, global::Kiln.Tensor rv, global::Kiln.Tensor w, global::Kiln.Tensor b)
                {
                    this.scale = scale; runningMean = rm; runningVar = rv; weight = w; bias = b;
                }
            }
        }
        """;

    static Models.GraphSpec Spec(bool cumulative = false)
    {
        var s = new SpecBuilder("Norm");
        var x = s.Input("x", "N", 3, 5);
        var target = s.Input("target", "N", 3, 5);
        var scale = s.Parameter("scale", 3, 5);
        var rm = s.Buffer("runningMean", 3);
        var rv = s.Buffer("runningVar", 3);
        var w = s.Parameter("weight", 3);
        var b = s.Parameter("bias", 3);
        var batches = s.Buffer("batches");
        var training = s.Flag("training");
        var y = s.Op("batch_norm", new[] { s.Op("mul", x, scale), rm, rv, w, b, training, batches }, ("momentum", cumulative ? "none" : "0.1"), ("eps", "1E-05"));
        return s.Build(s.Op("mse_loss", y, target));
    }

    static Tensor Leaf(Tensor t)
    {
        var c = t.Clone();
        c.RequiresGrad = true;
        return c;
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void StaticMatchesEagerInBothModes(bool training, bool cumulative)
    {
        var assembly = RoslynHarness.Compile(CompileAndRunTests.CompileToSource(Spec(cumulative)), Model);
        var rng = new Rng(4);
        var x = Tensor.Randn(new[] { 6, 3, 5 }, rng);
        var target = Tensor.Randn(new[] { 6, 3, 5 }, rng);
        var scale = Tensor.Rand(new[] { 3, 5 }, rng);
        var rm = Tensor.Randn(new[] { 3 }, rng);
        var rv = Tensor.Rand(new[] { 3 }, rng);
        var w = Tensor.Randn(new[] { 3 }, rng);
        var b = Tensor.Randn(new[] { 3 }, rng);

        var e = new[] { Leaf(scale), Leaf(w), Leaf(b) };
        var eagerRm = rm.Clone();
        var eagerRv = rv.Clone();
        // The module's bookkeeping: count the batch in training; momentum=None averages over the batches seen.
        float batchesSeen = training ? 4f : 3f;
        float factor = cumulative ? 1f / batchesSeen : 0.1f;
        var eagerLoss = global::Kiln.Ops.MseLoss(global::Kiln.Ops.BatchNorm(global::Kiln.Ops.Mul(x, e[0]), eagerRm, eagerRv, e[1], e[2], training, factor), target);
        eagerLoss.Backward();

        var st = new[] { Leaf(scale), Leaf(w), Leaf(b) };
        var staticRm = rm.Clone();
        var staticRv = rv.Clone();
        var model = Activator.CreateInstance(assembly.GetType("Kiln.Tests.Generated.Norm")!, st[0], staticRm, staticRv, st[1], st[2])!;
        model.GetType().GetField("training")!.SetValue(model, training);
        var graph = model.GetType().GetProperty("LossGraph")!.GetValue(model)!;
        var loss = (Tensor)graph.GetType().GetMethod("ForwardBackward")!.Invoke(graph, new object[] { x, target })!;

        TensorAssert.Close(new[] { eagerLoss.Item() }, new[] { loss.Item() }, "loss");
        for (int i = 0; i < 3; i++) TensorAssert.Close(e[i].Grad!.Data, st[i].Grad!.Data, "grad " + i);
        TensorAssert.Close(eagerRm.Data, staticRm.Data, "running mean");
        TensorAssert.Close(eagerRv.Data, staticRv.Data, "running var");
        Assert.Equal(batchesSeen, ((Tensor)model.GetType().GetField("batches")!.GetValue(model)!).Item());
        if (!training) TensorAssert.Close(rm.Data, staticRm.Data, "running mean untouched in evaluation", 0);
    }
}
