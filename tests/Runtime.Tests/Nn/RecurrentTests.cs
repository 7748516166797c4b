using Kiln.Nn;
using Kiln.Runtime.Tests.Support;

namespace Kiln.Runtime.Tests.Nn;

public class RecurrentTests
{
    static void LoadParams(Module module, NnFixture fixture)
    {
        var state = module.StateDict();
        Assert.Equal(fixture.Params.Keys.OrderBy(k => k), state.Keys.OrderBy(k => k));
        module.LoadStateDict(fixture.Params);
    }

    /// <summary>L = Σ_k Σ output_k · upstream_k, as the fixtures define their gradients.</summary>
    static void BackwardWithUpstream(NnFixture fixture, params (string Name, Tensor Output)[] outputs)
    {
        Tensor? loss = null;
        foreach (var (name, output) in outputs)
        {
            var term = Ops.Sum(Ops.Mul(output, fixture.Upstream[name]));
            loss = loss is null ? term : Ops.Add(loss, term);
        }
        loss!.Backward();
    }

    [Theory]
    [InlineData("rnn_2layer_tanh")]
    [InlineData("rnn_2layer_tanh_h0")]
    public void RnnMatchesPyTorchOutputsAndGradients(string caseName)
    {
        var f = NnFixture.Load(caseName);
        int input = f.Attrs.GetProperty("input_size").GetInt32(), hidden = f.Attrs.GetProperty("hidden_size").GetInt32();
        int layers = f.Attrs.GetProperty("num_layers").GetInt32();
        var rnn = new Rnn(input, hidden, layers, batchFirst: f.Attrs.GetProperty("batch_first").GetBoolean());
        LoadParams(rnn, f);
        var x = f.Inputs["x"];
        x.RequiresGrad = true;
        f.Inputs.TryGetValue("h0", out var h0);
        if (h0 is not null) h0.RequiresGrad = true;

        var (output, hn) = rnn.Forward(x, h0);
        NnFixture.AssertClose(f.Output["output"], output, "output");
        NnFixture.AssertClose(f.Output["h_n"], hn, "h_n");

        BackwardWithUpstream(f, ("output", output), ("h_n", hn));
        NnFixture.AssertClose(f.Grads["x"], x.Grad!, "grad x");
        if (h0 is not null) NnFixture.AssertClose(f.Grads["h0"], h0.Grad!, "grad h0");
        foreach (var (name, p) in rnn.NamedParameters()) NnFixture.AssertClose(f.Grads[name], p.Grad!, "grad " + name);
    }

    [Fact]
    public void LstmCellMatchesPyTorchOutputsAndGradients()
    {
        var f = NnFixture.Load("lstm_cell");
        var cell = new LstmCell(f.Attrs.GetProperty("input_size").GetInt32(), f.Attrs.GetProperty("hidden_size").GetInt32());
        Assert.Equal(new[] { "weight_ih", "weight_hh", "bias_ih", "bias_hh" }, cell.NamedParameters().Select(p => p.Name));
        LoadParams(cell, f);
        var (x, h0, c0) = (f.Inputs["x"], f.Inputs["h0"], f.Inputs["c0"]);
        foreach (var t in new[] { x, h0, c0 }) t.RequiresGrad = true;

        var (h1, c1) = cell.Forward(x, (h0, c0));
        NnFixture.AssertClose(f.Output["h1"], h1, "h1");
        NnFixture.AssertClose(f.Output["c1"], c1, "c1");

        BackwardWithUpstream(f, ("h1", h1), ("c1", c1));
        NnFixture.AssertClose(f.Grads["x"], x.Grad!, "grad x");
        NnFixture.AssertClose(f.Grads["h0"], h0.Grad!, "grad h0");
        NnFixture.AssertClose(f.Grads["c0"], c0.Grad!, "grad c0");
        foreach (var (name, p) in cell.NamedParameters()) NnFixture.AssertClose(f.Grads[name], p.Grad!, "grad " + name);
    }

    [Fact]
    public void RnnParameterNamesAndShapesFollowPyTorch()
    {
        var rnn = new Rnn(3, 4, numLayers: 2);
        Assert.Equal(new[]
        {
            ("weight_ih_l0", "3x4"), ("weight_hh_l0", "4x4"), ("bias_ih_l0", "4"), ("bias_hh_l0", "4"),
            ("weight_ih_l1", "4x4"), ("weight_hh_l1", "4x4"), ("bias_ih_l1", "4"), ("bias_hh_l1", "4"),
        }.Select(e => e.Item1), rnn.NamedParameters().Select(p => p.Name));
        Assert.Equal(new[] { 4, 3 }, rnn.WeightIh(0).Shape);
        Assert.Equal(new[] { 4, 4 }, rnn.WeightIh(1).Shape);
        Assert.Equal(new[] { "weight_ih_l0", "weight_hh_l0" }, new Rnn(3, 4, bias: false).NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void RecurrentDefaultInitIsUniformWithinOneOverSqrtHidden()
    {
        var rnn = new Rnn(30, 64, numLayers: 2, rng: new Rng(1));
        var cell = new LstmCell(30, 64, rng: new Rng(2));
        float bound = 1f / 8f;
        foreach (var p in rnn.Parameters().Concat(cell.Parameters()))
        {
            var values = p.ToArray();
            Assert.All(values, v => Assert.InRange(v, -bound, bound));
            if (values.Length >= 1000) Assert.True(values.Max() > 0.99f * bound && values.Min() < -0.99f * bound);
        }
    }

    [Fact]
    public void RnnTimeMajorBatchFirstAndUnbatchedAgree()
    {
        var rng = new Rng(3);
        var timeMajor = new Rnn(3, 4, numLayers: 2, rng: new Rng(4));
        var batchFirst = new Rnn(3, 4, numLayers: 2, batchFirst: true, rng: new Rng(4));
        var x = Tensor.Randn(new[] { 5, 2, 3 }, rng); // [L, B, in]
        var (outT, hnT) = timeMajor.Forward(x);
        var (outB, hnB) = batchFirst.Forward(Ops.Transpose(x, 0, 1));
        Assert.Equal(new[] { 5, 2, 4 }, outT.Shape);
        Assert.Equal(new[] { 2, 2, 4 }, hnT.Shape);
        Assert.Equal(Ops.Transpose(outT, 0, 1).ToArray(), outB.ToArray());
        Assert.Equal(hnT.ToArray(), hnB.ToArray());
        // The last layer's final state is the last step of the output.
        Assert.Equal(Ops.Select(outT, 0, 4).ToArray(), Ops.Select(hnT, 0, 1).ToArray());

        var (outU, hnU) = timeMajor.Forward(Ops.Select(x, 1, 1));
        Assert.Equal(new[] { 5, 4 }, outU.Shape);
        Assert.Equal(new[] { 2, 4 }, hnU.Shape);
        Assert.Equal(Ops.Select(outT, 1, 1).ToArray(), outU.ToArray());
    }

    [Fact]
    public void RnnReluUsesTheRectifier()
    {
        var rnn = new Rnn(2, 3, nonlinearity: RnnNonlinearity.Relu, rng: new Rng(5));
        var (output, _) = rnn.Forward(Tensor.Randn(new[] { 4, 6, 2 }, new Rng(6)));
        Assert.All(output.ToArray(), v => Assert.True(v >= 0f));
        Assert.Contains(output.ToArray(), v => v > 1f || v == 0f);
    }

    [Fact]
    public void RnnRejectsWrongShapesClearly()
    {
        var rnn = new Rnn(3, 4, numLayers: 2);
        Assert.Contains("has 5 features, expected inputSize 3", Assert.Throws<ArgumentException>(() => rnn.Forward(Tensor.Zeros(2, 2, 5))).Message);
        Assert.Contains("h0 [1,2,4] does not match the expected [2,2,4]",
            Assert.Throws<ArgumentException>(() => rnn.Forward(Tensor.Zeros(6, 2, 3), Tensor.Zeros(1, 2, 4))).Message);
        Assert.Contains("LstmCell: input must be [B, 3]", Assert.Throws<ArgumentException>(() => new LstmCell(3, 2).Forward(Tensor.Zeros(2, 4))).Message);
    }

    [Fact]
    public void RnnGradientsMatchFiniteDifferences()
    {
        var rnn = new Rnn(2, 3, numLayers: 2, batchFirst: true, rng: new Rng(7));
        var parameters = rnn.Parameters().ToArray();
        var x = Tensor.Randn(new[] { 2, 3, 2 }, new Rng(8));
        var h0 = Tensor.Randn(new[] { 2, 2, 3 }, new Rng(9));
        GradCheck.Check(inputs =>
        {
            var (output, hn) = rnn.Forward(inputs[0], inputs[1]);
            return new[] { output, hn };
        }, new[] { x, h0 }.Concat(parameters).ToArray());
    }

    [Fact]
    public void LstmCellGradientsMatchFiniteDifferences()
    {
        var cell = new LstmCell(3, 2, rng: new Rng(10));
        var rng = new Rng(11);
        var inputs = new[] { Tensor.Randn(new[] { 2, 3 }, rng), Tensor.Randn(new[] { 2, 2 }, rng), Tensor.Randn(new[] { 2, 2 }, rng) };
        GradCheck.Check(xs =>
        {
            var (h, c) = cell.Forward(xs[0], (xs[1], xs[2]));
            return new[] { h, c };
        }, inputs.Concat(cell.Parameters()).ToArray());
    }

    [Fact]
    public void LstmCellStartsFromZerosAndAcceptsUnbatchedInput()
    {
        var cell = new LstmCell(3, 2, rng: new Rng(12));
        var x = Tensor.Randn(new[] { 1, 3 }, new Rng(13));
        var (h, c) = cell.Forward(x);
        var (hz, cz) = cell.Forward(x, (Tensor.Zeros(1, 2), Tensor.Zeros(1, 2)));
        Assert.Equal(hz.ToArray(), h.ToArray());
        Assert.Equal(cz.ToArray(), c.ToArray());
        var (hu, cu) = cell.Forward(Ops.Select(x, 0, 0));
        Assert.Equal(new[] { 2 }, hu.Shape);
        Assert.Equal(h.ToArray(), hu.ToArray());
        Assert.Equal(c.ToArray(), cu.ToArray());
    }
}
