using System.Text.Json;
using Kiln.Integration.Tests.Models;
using static Kiln.Integration.Tests.StaticDynamicParityTests;

namespace Kiln.Integration.Tests;

/// <summary>
/// A compiled graph as one node of the eager tape (the generated <c>Apply</c>): the same graph called many times in
/// one forward, mixed with eager ops before and after, against the fully eager tape; and the SPINN reduce cell against
/// the <c>tree_lstm_reduce</c> PyTorch fixture in both modes.
/// </summary>
public sealed class GraphOnTapeTests
{
    static Tensor Leaf(Rng rng, params int[] shape)
    {
        var t = Tensor.Randn(shape, rng);
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>Eager ops, then a small tree of reduce calls sharing one cell (the same graph five times), then eager ops.</summary>
    static Tensor TreeLoss(TreeLstmReduce cell, Tensor[] leaves, bool hybrid)
    {
        (Tensor H, Tensor C) Reduce(Tensor lh, Tensor lc, Tensor rh, Tensor rc) =>
            hybrid ? cell.ReduceGraph.Apply(lh, lc, rh, rc) : cell.Reduce(lh, lc, rh, rc);
        var states = leaves.Select(l => (H: Ops.Tanh(l * 0.5f), C: l * 0.25f)).ToArray();
        var ab = Reduce(states[0].H, states[0].C, states[1].H, states[1].C);
        var cd = Reduce(states[2].H, states[2].C, states[3].H, states[3].C);
        var abcd = Reduce(ab.H, ab.C, cd.H, cd.C);
        var again = Reduce(abcd.H, abcd.C, ab.H, states[0].C);       // a child used twice: its gradients add up
        var root = Reduce(again.H, again.C, again.H, again.C);        // the same tensors as left and right
        return Ops.Sum(root.H * root.H) + Ops.Mean(root.C) + Ops.Sum(cd.H);
    }

    [Fact]
    public void SharedCell_CalledFiveTimesInOneForward_MatchesTheEagerTape()
    {
        var eagerCell = new TreeLstmReduce();
        var graphCell = new TreeLstmReduce();
        graphCell.LoadStateDict(eagerCell.StateDict());
        var rng = new Rng(5);
        var eagerLeaves = Enumerable.Range(0, 4).Select(_ => Leaf(rng, 3, TreeLstmReduce.Size)).ToArray();
        var graphLeaves = eagerLeaves.Select(l => { var t = l.Detach().Clone(); t.RequiresGrad = true; return t; }).ToArray();

        for (int pass = 0; pass < 2; pass++) // the second pass accumulates onto the first's gradients
        {
            var eagerLoss = TreeLoss(eagerCell, eagerLeaves, hybrid: false);
            var graphLoss = TreeLoss(graphCell, graphLeaves, hybrid: true);
            AssertClose(eagerLoss.Item(), graphLoss.Item(), $"pass {pass}: loss");
            eagerLoss.Backward();
            graphLoss.Backward();
            for (int i = 0; i < eagerLeaves.Length; i++) AssertClose(eagerLeaves[i].Grad!, graphLeaves[i].Grad!, $"pass {pass}: leaf {i}");
            var graphParameters = graphCell.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
            foreach (var (name, parameter) in eagerCell.NamedParameters())
                AssertClose(parameter.Grad!, graphParameters[name].Grad!, $"pass {pass}: gradient of {name}");
        }
    }

    [Fact]
    public void Apply_ResultsAreTheCallersOwn_AndNoGradRecordsNothing()
    {
        var cell = new TreeLstmReduce();
        var rng = new Rng(9);
        var x = Tensor.Randn(new[] { 2, TreeLstmReduce.Size }, rng);
        var first = cell.ReduceGraph.Apply(x, x, x, x);
        var firstH = first.H.ToArray();
        var second = cell.ReduceGraph.Apply(x * 2f, x, x, x);
        Assert.Equal(firstH, first.H.ToArray());             // not overwritten by the second call
        Assert.NotEqual(firstH, second.H.ToArray());
        Assert.True(first.H.RequiresGrad);                    // the cell's parameters require grad
        using (Autograd.NoGrad())
        {
            var quiet = cell.ReduceGraph.Apply(x, x, x, x);
            Assert.False(quiet.H.RequiresGrad);
            Assert.Equal(firstH, quiet.H.ToArray());
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void TutorialDynamicNet_MiddleLayerReused_MatchesTheEagerTape(int middleUses)
    {
        var eager = new DynamicNet();
        var hybrid = new DynamicNet();
        hybrid.LoadStateDict(eager.StateDict());
        var rng = new Rng(11);
        var x = Tensor.Randn(new[] { 4, 6 }, rng);
        var y = IntTensor.FromArray(new[] { 0, 2, 1, 1 }, 4);
        var eagerLoss = Ops.CrossEntropy(eager.Run(x, middleUses, hybrid: false), y);
        var hybridLoss = Ops.CrossEntropy(hybrid.Run(x, middleUses, hybrid: true), y);
        AssertClose(eagerLoss.Item(), hybridLoss.Item(), "loss");
        eagerLoss.Backward();
        hybridLoss.Backward();
        var hybridParameters = hybrid.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (name, parameter) in eager.NamedParameters())
        {
            if (parameter.Grad is null) { Assert.Null(hybridParameters[name].Grad); continue; }
            AssertClose(parameter.Grad, hybridParameters[name].Grad!, $"gradient of {name}");
        }
    }

    // ---- the tree_lstm_reduce fixture ----

    static string FixturePath()
    {
        var configured = Environment.GetEnvironmentVariable("KILN_FIXTURES");
        string root = AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Compiler.sln"))) { root = dir.FullName; break; }
        var folder = string.IsNullOrWhiteSpace(configured) ? Path.Combine(root, "..", "shared", "fixtures", "public")
            : Path.IsPathRooted(configured) ? configured : Path.Combine(root, configured);
        return Path.Combine(folder, "tree_lstm_reduce.json");
    }

    static Tensor Read(JsonElement tensor)
    {
        var shape = tensor.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var data = tensor.GetProperty("data").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        return Tensor.FromArray(data, shape);
    }

    static void AssertFixture(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToArray();
        var a = actual.ToArray();
        float scale = Math.Max(1f, e.Max(Math.Abs));
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= 1e-5f * scale, $"{what}: element {i}: PyTorch {e[i]:R}, Kiln {a[i]:R}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReduceCell_MatchesTheTreeLstmReduceFixture(bool compiled)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(FixturePath()));
        var root = json.RootElement;
        Assert.Equal(TreeLstmReduce.Size, root.GetProperty("attrs").GetProperty("size").GetInt32());
        var inputs = new[] { "left_h", "left_c", "right_h", "right_c" }
            .ToDictionary(n => n, n => { var t = Read(root.GetProperty("inputs").GetProperty(n)); t.RequiresGrad = true; return t; });
        var cell = new TreeLstmReduce();
        var parameters = cell.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        Assert.Equal(new[] { "left.bias", "left.weight", "right.weight" }, parameters.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, parameter) in parameters)
        {
            var value = Read(root.GetProperty("params").GetProperty(name));
            Assert.Equal(value.Shape, parameter.Shape);
            value.Data.CopyTo(parameter.Data);
        }

        var (h, c) = compiled
            ? cell.ReduceGraph.Apply(inputs["left_h"], inputs["left_c"], inputs["right_h"], inputs["right_c"])
            : cell.Reduce(inputs["left_h"], inputs["left_c"], inputs["right_h"], inputs["right_c"]);
        AssertFixture(Read(root.GetProperty("output").GetProperty("h")), h, "h");
        AssertFixture(Read(root.GetProperty("output").GetProperty("c")), c, "c");
        if (compiled)
        {
            var forward = cell.ReduceGraph.Forward(inputs["left_h"], inputs["left_c"], inputs["right_h"], inputs["right_c"]);
            AssertFixture(Read(root.GetProperty("output").GetProperty("h")), forward.H, "Forward's h");
            AssertFixture(Read(root.GetProperty("output").GetProperty("c")), forward.C, "Forward's c");
        }

        var loss = Ops.Sum(h * Read(root.GetProperty("upstream").GetProperty("h"))) + Ops.Sum(c * Read(root.GetProperty("upstream").GetProperty("c")));
        loss.Backward();
        foreach (var (name, input) in inputs) AssertFixture(Read(root.GetProperty("grads").GetProperty(name)), input.Grad!, "grad " + name);
        foreach (var (name, parameter) in parameters) AssertFixture(Read(root.GetProperty("grads").GetProperty(name)), parameter.Grad!, "grad " + name);
    }
}
