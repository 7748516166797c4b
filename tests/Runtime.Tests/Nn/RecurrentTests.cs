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

    public static TheoryData<string> RnnCases => OpTests.OpFixture.CasesOf("rnn");
    public static TheoryData<string> LstmCellCases => OpTests.OpFixture.CasesOf("lstm_cell");

    [Theory]
    [MemberData(nameof(RnnCases))]
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

    [Theory]
    [MemberData(nameof(LstmCellCases))]
    public void LstmCellMatchesPyTorchOutputsAndGradients(string caseName)
    {
        var f = NnFixture.Load(caseName);
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

    /// <summary>The RNN written out step by step with ops (the definition), for comparison with the fused layers.</summary>
    static (Tensor Output, Tensor HN) ComposedRnn(Rnn rnn, Tensor x, Tensor? h0)
    {
        int timeDim = rnn.BatchFirst ? 1 : 0;
        int steps = x.Size(timeDim), batch = x.Size(1 - timeDim);
        var inputs = Enumerable.Range(0, steps).Select(t => Ops.Select(x, timeDim, t)).ToArray();
        var finals = new Tensor[rnn.NumLayers];
        for (int layer = 0; layer < rnn.NumLayers; layer++)
        {
            var h = h0 is null ? Tensor.Zeros(batch, rnn.HiddenSize) : Ops.Select(h0, 0, layer);
            for (int t = 0; t < steps; t++)
            {
                var z = Ops.Add(Ops.Linear(inputs[t], rnn.WeightIh(layer), rnn.BiasIh(layer)), Ops.Linear(h, rnn.WeightHh(layer), rnn.BiasHh(layer)));
                inputs[t] = h = rnn.Nonlinearity == RnnNonlinearity.Relu ? Ops.Relu(z) : Ops.Tanh(z);
            }
            finals[layer] = h;
        }
        return (Ops.Stack(inputs, timeDim), Ops.Stack(finals, 0));
    }

    [Theory]
    [InlineData(RnnNonlinearity.Tanh, true, false, true)]
    [InlineData(RnnNonlinearity.Relu, true, true, false)]
    [InlineData(RnnNonlinearity.Relu, false, false, true)]
    [InlineData(RnnNonlinearity.Tanh, false, true, false)]
    public void FusedLayersAgreeWithTheStepByStepDefinition(RnnNonlinearity nonlinearity, bool bias, bool batchFirst, bool withH0)
    {
        var rng = new Rng(20);
        var rnn = new Rnn(3, 5, numLayers: 3, batchFirst: batchFirst, nonlinearity: nonlinearity, bias: bias, rng: rng);
        var x = Tensor.Randn(batchFirst ? new[] { 4, 7, 3 } : new[] { 7, 4, 3 }, rng);
        var h0 = withH0 ? Tensor.Randn(new[] { 3, 4, 5 }, rng) : null;
        var upstream = Tensor.Randn(x.Shape[..^1].Append(5).ToArray(), rng);
        var upstreamHn = Tensor.Randn(new[] { 3, 4, 5 }, rng);

        Dictionary<string, float[]> Run(Func<Tensor, Tensor?, (Tensor, Tensor)> forward, out Tensor output, out Tensor hn)
        {
            rnn.ZeroGrad(setToNone: true);
            var xs = x.Clone();
            xs.RequiresGrad = true;
            var hs = h0?.Clone();
            if (hs is not null) hs.RequiresGrad = true;
            (output, hn) = forward(xs, hs);
            Ops.Add(Ops.Sum(Ops.Mul(output, upstream)), Ops.Sum(Ops.Mul(hn, upstreamHn))).Backward();
            var grads = rnn.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Grad!.ToArray());
            grads["x"] = xs.Grad!.ToArray();
            if (hs is not null) grads["h0"] = hs.Grad!.ToArray();
            return grads;
        }

        var fused = Run((a, b) => rnn.Forward(a, b), out var fusedOut, out var fusedHn);
        var composed = Run((a, b) => ComposedRnn(rnn, a, b), out var composedOut, out var composedHn);
        NnFixture.AssertClose(composedOut, fusedOut, "output");
        NnFixture.AssertClose(composedHn, fusedHn, "h_n");
        Assert.Equal(composed.Keys.Order(), fused.Keys.Order());
        foreach (var (name, expected) in composed)
            NnFixture.AssertClose(Tensor.FromArray(expected, expected.Length), Tensor.FromArray(fused[name], fused[name].Length), "grad " + name);
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
