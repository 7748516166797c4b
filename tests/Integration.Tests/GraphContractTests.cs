using Kiln.Integration.Tests.Models;
using Kiln.Tests.Shared;

namespace Kiln.Integration.Tests;

/// <summary>The generated graph's contract beyond its numbers: no allocation in steady state, clear shape errors.</summary>
public sealed class GraphContractTests
{
    [Fact]
    public void SteadyStateForwardBackward_AllocatesNothing()
    {
        var model = new MlpClassifier();
        var rng = new Rng(11);
        var x = Tensor.Randn(new[] { 64, 784 }, rng);
        var y = IntTensor.FromArray(Enumerable.Range(0, 64).Select(i => i % 10).ToArray(), 64);
        var graph = model.LossGraph;
        // The warm-up covers the first calls, which plan the arena and create each Grad.
        Assert.Equal(0, SteadyState.AllocatedBytes(() => graph.ForwardBackward(x, y)));
    }

    [Fact]
    public void SteadyStateForward_AllocatesNothing()
    {
        var model = new TwoLayerNet();
        var rng = new Rng(12);
        var x = Tensor.Randn(new[] { 64, 1000 }, rng);
        var y = Tensor.Randn(new[] { 64, 10 }, rng);
        var graph = model.LossGraph;
        Assert.Equal(0, SteadyState.AllocatedBytes(() => graph.Forward(x, y)));
    }

    [Fact]
    public void WrongInputShape_ThrowsWithTheParameterNameAndBothShapes()
    {
        var model = new MlpClassifier();
        var x = Tensor.Zeros(8, 783);
        var y = IntTensor.FromArray(new int[8], 8);

        var error = Assert.ThrowsAny<ArgumentException>(() => model.LossGraph.ForwardBackward(x, y));

        Assert.Equal("x", error.ParamName);
        Assert.Contains("[8,783]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[N,784]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DisagreeingSymbolicDimensions_ThrowWithTheParameterNameAndBothShapes()
    {
        var model = new MlpClassifier();
        var x = Tensor.Zeros(8, 784);
        var y = IntTensor.FromArray(new int[5], 5);

        var error = Assert.ThrowsAny<ArgumentException>(() => model.LossGraph.Forward(x, y));

        Assert.Equal("y", error.ParamName);
        Assert.Contains("[5]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[N]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_CountsOpsKernelsAndArenaBytesPerBinding()
    {
        var model = new MlpClassifier();
        var graph = model.LossGraph;
        var before = graph.Summary;
        Assert.StartsWith("Kiln.Integration.Tests.Models.MlpClassifier.Loss -> LossGraph\n", before, StringComparison.Ordinal);
        // Forward: matmul, add, relu, matmul, add, cross_entropy; each Linear's bias and activation ride on its GEMM.
        Assert.Contains("forward: 6 graph ops in 3 kernels, 2 arena buffers\n", before, StringComparison.Ordinal);
        // Backward adds cross_entropy_backward (fused into the loss pass), two bias sums, three GEMMs and relu_backward.
        Assert.Contains("forward+backward: 13 graph ops in 7 kernels, 4 arena buffers\n", before, StringComparison.Ordinal);
        Assert.Contains("  Kernel 0/3: GEMM + epilogue (add, relu) -> %8 [N,256]\n", before, StringComparison.Ordinal);
        Assert.Contains("  Kernel 2/7: cross_entropy + cross_entropy_backward (one pass) -> %11 [], %13 [N,10]\n", before, StringComparison.Ordinal);
        // The third program is the VJP behind Apply (recomputed forward, then the backward seeded by an upstream gradient).
        Assert.Contains("vjp: ", before, StringComparison.Ordinal);
        Assert.Equal(3 + 7 + 8, before.Split('\n').Count(l => l.StartsWith("  Kernel ", StringComparison.Ordinal)));
        Assert.Contains("arena (forward): planned at the first call", before, StringComparison.Ordinal);

        var rng = new Rng(31);
        foreach (int n in new[] { 64, 8 })
        {
            var x = Tensor.Randn(new[] { n, 784 }, rng);
            var y = IntTensor.FromArray(Enumerable.Range(0, n).Select(i => i % 10).ToArray(), n);
            graph.Forward(x, y);
            graph.ForwardBackward(x, y);
        }
        var after = graph.Summary;
        // Forward at N=64: the hidden activations [N,256] and the logits [N,10] are live together in kernel 1.
        Assert.Contains("arena (forward, N=64): 68,096 bytes\n", after, StringComparison.Ordinal);
        Assert.Equal((64 * 256 + 64 * 10) * sizeof(float), graph.ArenaBytes("forward", 64));
        // Forward+backward at N=64: in kernel 5 the kept activations, the logits' gradient and the hidden gradient
        // ([N,256] + [N,10] + [N,256]) are live together; the logits buffer shares room with the hidden gradient.
        Assert.Contains("arena (forward+backward, N=64): 133,632 bytes\n", after, StringComparison.Ordinal);
        Assert.Equal((64 * 256 + 64 * 10 + 64 * 256) * sizeof(float), graph.ArenaBytes("forward+backward", 64));
        // Every binding seen is listed, smallest first.
        int n8 = after.IndexOf("arena (forward+backward, N=8): 16,704 bytes\n", StringComparison.Ordinal);
        Assert.True(n8 >= 0 && n8 < after.IndexOf("arena (forward+backward, N=64)", StringComparison.Ordinal), after);
        Assert.DoesNotContain("arena (forward): planned at the first call", after, StringComparison.Ordinal);
        Assert.DoesNotContain("arena (forward+backward): planned at the first call", after, StringComparison.Ordinal);
        Assert.Contains("arena (vjp): planned at the first call", after, StringComparison.Ordinal); // Apply never called
    }

    [Fact]
    public void ToDot_IsOneDigraphWithOneClusterPerKernel()
    {
        var dot = new MlpClassifier().LossGraph.ToDot();
        Assert.StartsWith("digraph \"Kiln.Integration.Tests.Models.MlpClassifier.Loss\" {\n", dot, StringComparison.Ordinal);
        var (clusterOf, _) = CheckDot(dot, kernels: 7);

        // The forward+backward program's 13 ops, each in exactly one cluster.
        Assert.Equal(13, clusterOf.Count);
        Assert.Equal(new[] { "n6", "n7", "n8" }, clusterOf.Where(c => c.Value == 0).Select(c => c.Key).OrderBy(k => k));
        Assert.Contains("label=\"kernel 0: GEMM + epilogue (add, relu)\"", dot, StringComparison.Ordinal);
        foreach (var name in new[] { "x", "y", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" })
            Assert.Contains($"[shape=ellipse, label=\"{name}\\n", dot, StringComparison.Ordinal);
        foreach (var name in new[] { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" })
            Assert.Contains($"label=\"grad {name}\"]", dot, StringComparison.Ordinal);
        Assert.Contains("result [shape=doublecircle", dot, StringComparison.Ordinal);
    }

    [Fact]
    public void ToDot_OfEverySeedModel_HasAClusterPerKernelAndOnlyDeclaredEndpoints()
    {
        var graphs = new (string Name, Kiln.Compiled.CompiledGraph Graph)[]
        {
            ("LinearRegression", new LinearRegression().LossGraph), ("TwoLayerNet", new TwoLayerNet().LossGraph),
            ("TwoLayerNetRaw", new TwoLayerNetRaw().LossGraph), ("SoftmaxRegression", new SoftmaxRegression().LossGraph),
            ("RnnClassifier", new RnnClassifier().LossGraph), ("Cnn", new Cnn().LossGraph), ("NormDropoutNet", new NormDropoutNet().LossGraph),
            ("SymbolicBatchNet", new SymbolicBatchNet().LossGraph), ("LstmTagger", new LstmTagger().LossGraph),
            ("BatchNormNet", new BatchNormNet().LossGraph), ("OpsZoo", new OpsZoo().LossGraph), ("ActivationNet", new ActivationNet().LossGraph),
            ("RectifierNet", new RectifierNet().LossGraph),
        };
        foreach (var (name, graph) in graphs)
        {
            var line = graph.Summary.Split('\n').Single(l => l.StartsWith("forward+backward: ", StringComparison.Ordinal));
            int kernels = int.Parse(line.Split(" in ")[1].Split(' ')[0]);
            var (clusterOf, _) = CheckDot(graph.ToDot(), kernels);
            Assert.True(clusterOf.Count >= kernels, $"{name}: {clusterOf.Count} clustered ops for {kernels} kernels");
        }
    }

    /// <summary>
    /// Checks what Graphviz needs and what the Summary promises: balanced braces, statements ending in ';', one cluster
    /// per kernel numbered in order, every node declared once, every edge between declared nodes. Returns each
    /// clustered node's kernel and the edges.
    /// </summary>
    static (Dictionary<string, int> ClusterOf, List<(string From, string To)> Edges) CheckDot(string dot, int kernels)
    {
        var lines = dot.TrimEnd('\n').Split('\n');
        Assert.StartsWith("digraph \"", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("\" {", lines[0], StringComparison.Ordinal);
        Assert.Equal("}", lines[^1]);
        int depth = 0;
        foreach (var line in lines)
        {
            depth += line.Count(c => c == '{') - line.Count(c => c == '}');
            Assert.True(depth >= 0, $"unbalanced braces at '{line}'");
            var statement = line.Trim();
            Assert.True(statement.EndsWith(';') || statement.EndsWith('{') || statement == "}", $"not a DOT statement: '{line}'");
            Assert.Equal(0, statement.Replace("\\\"", "", StringComparison.Ordinal).Count(c => c == '"') % 2);
        }
        Assert.Equal(0, depth);

        var clusters = lines.Where(l => l.Trim().StartsWith("subgraph cluster_k", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        Assert.Equal(Enumerable.Range(0, kernels).Select(k => $"subgraph cluster_k{k} {{"), clusters);

        var declared = new Dictionary<string, int>();
        var clusterOf = new Dictionary<string, int>();
        var edges = new List<(string, string)>();
        int cluster = -1;
        foreach (var line in lines.Skip(1))
        {
            var statement = line.Trim();
            if (statement.StartsWith("subgraph cluster_k", StringComparison.Ordinal)) { cluster = int.Parse(statement["subgraph cluster_k".Length..^2]); continue; }
            if (statement == "}") { cluster = -1; continue; }
            if (statement.Contains(" -> ", StringComparison.Ordinal))
            {
                var ends = statement.TrimEnd(';').Split(" -> ");
                Assert.Equal(2, ends.Length);
                edges.Add((ends[0], ends[1]));
                continue;
            }
            // Node statements: an identifier, then attributes (cluster labels are attributes of the subgraph).
            int bracket = statement.IndexOf(" [", StringComparison.Ordinal);
            if (bracket < 0 || statement.StartsWith("label=", StringComparison.Ordinal) || statement.StartsWith("node ", StringComparison.Ordinal)) continue;
            var id = statement[..bracket];
            declared[id] = declared.GetValueOrDefault(id) + 1;
            if (cluster >= 0) clusterOf[id] = cluster;
        }
        Assert.All(declared, d => Assert.True(d.Value == 1, $"{d.Key} is declared {d.Value} times"));
        Assert.Equal(kernels, clusterOf.Values.Distinct().Count());
        Assert.NotEmpty(edges);
        foreach (var (from, to) in edges)
            Assert.True(declared.ContainsKey(from) && declared.ContainsKey(to), $"edge {from} -> {to} names an undeclared node");
        return (clusterOf, edges);
    }
}
