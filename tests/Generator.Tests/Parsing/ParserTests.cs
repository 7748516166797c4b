using Kiln.Generator.Models;
using Kiln.Generator.Tests.Support;

namespace Kiln.Generator.Tests.Parsing;

/// <summary>What the parser lowers each construct of the subset to (the GraphSpec the compiler core receives).</summary>
public sealed class ParserTests
{
    static GraphSpec Parse(params string[] sources)
    {
        var run = GeneratorDriverHarness.Run(GeneratorDriverHarness.CreateCompilation(sources.Select(s => GeneratorDriverHarness.Usings + s).ToArray()));
        Assert.Empty(run.Input.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
        var parsed = run.Generator.TrackedSteps[TrackingNames.Parse].SelectMany(s => s.Outputs).Select(o => o.Value).OfType<ParseResult>().Single();
        Assert.True(parsed.Diagnostics.Count == 0, string.Join("; ", parsed.Diagnostics.Select(d => $"{d.Id} {string.Join(" | ", d.MessageArgs)}")));
        return parsed.Spec!;
    }

    /// <summary>The ops as "name(args){attrs}", ids as in the spec.</summary>
    static string[] Ops(GraphSpec spec) => spec.Ops.Select(op =>
        $"{op.Op}({string.Join(",", op.Args)})" + (op.Attrs.Count == 0 ? "" : "{" + string.Join(",", op.Attrs.Select(a => $"{a.Name}={a.Value}")) + "}")).ToArray();

    static string Model(string members) => $$"""
        public partial class Model : Module
        {
        {{members}}
        }
        """;

    [Fact]
    public void MaxDeconstructedWithADiscard_AddsOnlyTheValuesOp()
    {
        var spec = Parse(Model("""
            [Compile]
            public Tensor Loss([Shape("N", 4)] Tensor x)
            {
                var (values, _) = x.Max(1);
                return values.Sum();
            }
            """));
        Assert.Equal(new[] { "max(0){dim=1,keep_dim=false}", "sum(1)" }, Ops(spec));
    }

    [Fact]
    public void TupleElementAccess_ReadsTheNamedOutput()
    {
        var spec = Parse(Model("""
            [Compile]
            public Tensor Peak([Shape("N", 4)] Tensor x) => Max(x, dim: 1, keepDim: true).Values;
            """));
        Assert.Equal(new[] { "max(0){dim=1,keep_dim=true}" }, Ops(spec));
        Assert.Equal(1, spec.Result);
    }

    [Fact]
    public void ChunkPieces_BecomeOneOpPerPieceRead()
    {
        var spec = Parse(Model("""
            [Compile]
            public Tensor Loss([Shape("N", 6)] Tensor x)
            {
                var parts = x.Chunk(3, 1);
                return (parts[0] * parts[2]).Sum();
            }
            """));
        // The parser records the pieces read; the compiler's chunk rule turns each into a narrow.
        Assert.Equal(new[] { "chunk(0){chunks=3,dim=1,index=0}", "chunk(0){chunks=3,dim=1,index=2}", "mul(1,2)", "sum(3)" }, Ops(spec));
        Assert.Equal(new[] { "narrow{dim=1;length=2;start=0}", "narrow{dim=1;length=2;start=4}" }, Narrows(spec));
    }

    [Fact]
    public void ChunkOfAnUnevenDimension_SplitsAsPyTorchDoes()
    {
        var spec = Parse(Model("""
            [Compile]
            public Tensor Loss([Shape("N", 5)] Tensor x)
            {
                var parts = Chunk(x, 2, dim: -1);
                return parts[0].Sum() + parts[1].Sum();
            }
            """));
        Assert.Equal(new[] { "chunk(0){chunks=2,dim=-1,index=0}", "sum(1)", "chunk(0){chunks=2,dim=-1,index=1}", "sum(3)", "add(2,4)" }, Ops(spec));
        Assert.Equal(new[] { "narrow{dim=1;length=3;start=0}", "narrow{dim=1;length=2;start=3}" }, Narrows(spec));
    }

    /// <summary>The narrows the compiled forward graph reads, as op{attrs}.</summary>
    static string[] Narrows(Kiln.Generator.Models.GraphSpec spec) => Kiln.Generator.Tests.Passes.PassTestSupport.Lower(spec).Forward.Graph.Nodes()
        .Where(n => n.Op == Kiln.Generator.Ops.Definitions.Layout.Narrow).Select(n => n.Op + "{" + n.Attrs.Key + "}").ToArray();

    [Fact]
    public void ConstantLoopsUnrollAndConstantIfsPickABranch()
    {
        var spec = Parse(Model("""
            const int Layers = 3;
            const bool Squash = false;

            [Compile]
            public Tensor Loss([Shape("N", 4)] Tensor x)
            {
                var h = x;
                for (int i = 0; i < Layers; i++)
                {
                    if (i % 2 == 0) h += x;
                    else h = Tanh(h);
                }
                int k = 0;
                while (k < 2) { h = h * 0.5f; k++; }
                if (Squash) h = Sigmoid(h);
                return h.Mean();
            }
            """));
        Assert.Equal(new[]
        {
            "add(0,0)", "tanh(1)", "add(2,0)", "constant(){value=0.5}", "mul(3,4)", "constant(){value=0.5}", "mul(5,6)", "mean(7)",
        }, Ops(spec));
    }

    [Fact]
    public void NamedArgumentsInAnyOrder_AndDefaults_BecomeAttrs()
    {
        var spec = Parse(Model("""
            [Compile]
            public Tensor Loss([Shape("N", 4)] Tensor x) => Sum(keepDim: true, dim: 1, x: x).Clamp(max: 2f).Mean();
            """));
        Assert.Equal(new[] { "sum(0){dims=1,keep_dim=true}", "clamp(1){min=-Infinity,max=2}", "mean(2)" }, Ops(spec));
    }

    [Fact]
    public void ForeachOverModules_AppliesEachInOrder()
    {
        var spec = Parse(Model("""
            readonly Linear first = new(4, 8);
            readonly Linear second = new(8, 2, bias: false);

            [Compile]
            public Tensor Loss([Shape("N", 4)] Tensor x)
            {
                var h = x;
                foreach (var layer in new[] { first, second }) h = layer.Forward(h);
                return h.Sum();
            }
            """));
        Assert.Equal(new[] { "linear(0,1,2)", "linear(4,3)", "sum(5)" }, Ops(spec));
        Assert.Equal(new[] { "first.weight", "first.bias", "second.weight" }, spec.Captures.Select(c => c.Name));
        Assert.Equal("[2,8]", "[" + string.Join(",", spec.Captures[2].Shape) + "]");
    }

    [Fact]
    public void AHelperInAnotherFileOfThePartialClass_IsInlined()
    {
        var spec = Parse(
            Model("""
                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x) => Double(Relu(x)).Sum();
                """),
            """
            public partial class Model
            {
                Tensor Double(Tensor t, float factor = 2f) => t * factor;
            }
            """);
        Assert.Equal(new[] { "relu(0)", "constant(){value=2}", "mul(1,2)", "sum(3)" }, Ops(spec));
    }

    [Fact]
    public void StaticMethodInANestedStaticClass_ReadsStaticFieldsThroughTheType()
    {
        var spec = Parse("""
            namespace Samples
            {
                public static partial class Outer
                {
                    public static partial class Functions
                    {
                        static readonly Tensor Offset = Tensor.Ones(4);

                        [Compile]
                        public static Tensor Shifted([Shape("N", 4)] Tensor x) => (x + Offset).Sum();
                    }
                }
            }
            """);
        Assert.True(spec.IsStatic);
        Assert.Equal("Samples", spec.ContainingType.Namespace);
        Assert.Equal(new[] { "public static partial class Outer", "public static partial class Functions" }, spec.ContainingType.Declarations);
        var capture = Assert.Single(spec.Captures);
        Assert.Equal("global::Samples.Outer.Functions.Offset", capture.AccessExpression);
        Assert.Equal(CaptureKind.Buffer, capture.Kind);
    }

    [Fact]
    public void ConstructorAssignedModulesAndParameters_AreReadFromTheConstructor()
    {
        var spec = Parse(Model("""
            readonly Embedding embedding;
            readonly Parameter projection;

            public Model()
            {
                embedding = new Embedding(100, 8, paddingIdx: 0);
                projection = new Parameter(Tensor.Randn(8, 3) * 0.1f);
            }

            [Compile]
            public Tensor Loss([Shape("N", 5)] IntTensor tokens) => embedding.Forward(tokens).MatMul(projection).Mean();
            """));
        Assert.Equal(new[] { "embedding(0,1){padding_idx=0}", "matmul(3,2)", "mean(4)" }, Ops(spec));
        Assert.Equal(new[] { "embedding.weight", "projection" }, spec.Captures.Select(c => c.Name));
        Assert.Equal(ValueKind.IntTensor, spec.Inputs[0].Kind);
    }

    [Fact]
    public void BatchNorm_ReadsRunningStatsAsBuffersAndTrainingAsAFlag()
    {
        var spec = Parse(Model("""
            readonly BatchNorm1d norm = new(6, momentum: 0.2f);

            [Compile]
            public Tensor Loss([Shape("N", 6)] Tensor x) => norm.Forward(x).Sum();
            """));
        Assert.Equal(new[] { "batch_norm(0,1,2,3,4,5,6){momentum=0.2,eps=1E-05}", "sum(7)" }, Ops(spec));
        Assert.Equal(
            new[]
            {
                (CaptureKind.Buffer, "norm.running_mean"), (CaptureKind.Buffer, "norm.running_var"), (CaptureKind.Parameter, "norm.weight"),
                (CaptureKind.Parameter, "norm.bias"), (CaptureKind.Flag, "norm.training"), (CaptureKind.Buffer, "norm.num_batches_tracked"),
            },
            spec.Captures.Select(c => (c.Kind, c.Name)));
        Assert.Equal("this.norm.RunningMean!", spec.Captures[0].AccessExpression);
        Assert.Equal("this.norm.Training", spec.Captures[4].AccessExpression);
    }

    [Fact]
    public void BatchNormWithoutMomentum_IsACumulativeAverage()
    {
        var spec = Parse(Model("""
            readonly BatchNorm2d norm = new(3, momentum: null);

            [Compile]
            public Tensor Loss([Shape("N", 3, 4, 4)] Tensor x) => norm.Forward(x).Sum();
            """));
        Assert.Equal("batch_norm(0,1,2,3,4,5,6){momentum=none,eps=1E-05}", Ops(spec)[0]);
    }

    [Fact]
    public void LstmCell_LowersToGatesInPyTorchOrder()
    {
        var spec = Parse(Model("""
            readonly LstmCell cell = new(3, 2);

            [Compile]
            public Tensor Loss([Shape("N", 3)] Tensor x, [Shape("N", 2)] Tensor h, [Shape("N", 2)] Tensor c)
            {
                var (h1, c1) = cell.Forward(x, (h, c));
                return (h1 + c1).Sum();
            }
            """));
        var ops = Ops(spec);
        Assert.Equal(new[] { "start=0", "start=2", "start=4", "start=6" },
            ops.Where(op => op.StartsWith("narrow(", StringComparison.Ordinal)).Select(op => op.Split(',')[1]).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(3, ops.Count(op => op.StartsWith("sigmoid(", StringComparison.Ordinal)));
        Assert.Equal(2, ops.Count(op => op.StartsWith("tanh(", StringComparison.Ordinal)));
        Assert.Equal(new[] { "cell.weight_ih", "cell.bias_ih", "cell.weight_hh", "cell.bias_hh" }, spec.Captures.Select(c => c.Name));
    }

    [Fact]
    public void TwoLayerRnnOverTimeMajorInput_IsOneLoop_WithEveryLayerInItsBodyOnce()
    {
        var spec = Parse(Model("""
            readonly Rnn rnn = new(3, 4, numLayers: 2, nonlinearity: RnnNonlinearity.Relu);

            [Compile]
            public Tensor Loss([Shape(6, "N", 3)] Tensor x)
            {
                var (output, hN) = rnn.Forward(x);
                return output.Sum() + hN.Sum();
            }
            """));
        var ops = Ops(spec);
        // Not unrolled: the body (two layers) appears once, whatever the sequence length.
        Assert.Single(ops, op => op.StartsWith("loop_sequence(0){loop=0,dim=0}", StringComparison.Ordinal));
        Assert.Equal(2, ops.Count(op => op.StartsWith("loop_carry(0){loop=0,zeros=@0.1,4}", StringComparison.Ordinal)));
        Assert.Equal(2, ops.Count(op => op.StartsWith("relu(", StringComparison.Ordinal)));
        Assert.Equal(4, ops.Count(op => op.StartsWith("linear(", StringComparison.Ordinal)));
        Assert.Single(ops, op => op.StartsWith("loop_result(", StringComparison.Ordinal));
        Assert.Single(ops, op => op.StartsWith("loop_output(", StringComparison.Ordinal) && op.Contains("output=1,stacked=true"));
        Assert.Contains(ops, op => op.StartsWith("concat(", StringComparison.Ordinal) && op.EndsWith("{dim=0}", StringComparison.Ordinal));
        Assert.Equal("this.rnn.WeightIh(1)", spec.Captures.Single(c => c.Name == "rnn.weight_ih_l1").AccessExpression);
    }

    [Fact]
    public void RnnWithoutBias_LoopsWithWeightsOnly()
    {
        var spec = Parse(Model("""
            readonly Rnn rnn = new(3, 4, batchFirst: true, bias: false);

            [Compile]
            public Tensor Loss([Shape("N", 2, 3)] Tensor x) => rnn.Forward(x).Item2.Sum();
            """));
        Assert.Equal(new[] { "rnn.weight_ih_l0", "rnn.weight_hh_l0" }, spec.Captures.Select(c => c.Name));
        // The state starts at zeros shaped [N, 4] (N from dimension 0 of x); the body's ops come once, between its slots and loop_result.
        Assert.Equal(new[]
        {
            "loop_carry(0){loop=0,zeros=@0.0,4}", "loop_sequence(0){loop=0,dim=1}", "loop_invariant(1){loop=0}", "loop_invariant(2){loop=0}",
            "linear(4,5)", "linear(3,6)", "add(7,8)", "tanh(9)", "loop_result(10){loop=0}",
            "loop_output(11){loop=0,output=0,stacked=false,dim=0}", "reshape(12){shape=1,-1,4}", "sum(13)",
        }, Ops(spec));
    }

    [Fact]
    public void SequentialChildren_AreReachedThroughTheIndexer()
    {
        var spec = Parse(Model("""
            readonly Sequential net = new(new Linear(4, 3), new Tanh(), new Dropout(0.1f));

            [Compile]
            public Tensor Loss([Shape("N", 4)] Tensor x) => net.Forward(x).Sum();
            """));
        Assert.Equal(new[] { "linear(0,1,2)", "tanh(5)", "dropout(6,3,4){p=0.1}", "sum(7)" }, Ops(spec));
        Assert.Equal("((global::Kiln.Nn.Linear)this.net[0]).Weight", spec.Captures[0].AccessExpression);
        Assert.Equal("net.0.weight", spec.Captures[0].Name);
        Assert.Equal("((global::Kiln.Nn.Dropout)this.net[2]).Training", spec.Captures[2].AccessExpression);
        Assert.Equal((CaptureKind.Rng, "((global::Kiln.Nn.Dropout)this.net[2]).Rng"), (spec.Captures[3].Kind, spec.Captures[3].AccessExpression));
    }

    [Fact]
    public void ComputedProperties_AreInlinedLikeMethods()
    {
        var spec = Parse(Model("""
            readonly Linear head = new(4, 2);
            readonly Parameter gain = Parameter.Ones(2);

            Linear Head => head;
            Tensor Gain { get { return gain * 2f; } }

            [Compile]
            public Tensor Loss([Shape("N", 4)] Tensor x) => (Head.Forward(x) * Gain).Sum();
            """));
        Assert.Equal(new[] { "linear(0,1,2)", "constant(){value=2}", "mul(3,5)", "mul(4,6)", "sum(7)" }, Ops(spec));
        Assert.Equal(new[] { "head.weight", "head.bias", "gain" }, spec.Captures.Select(c => c.Name));
    }

    [Fact]
    public void IntTensorReshape_IsAnIntView()
    {
        var spec = Parse(Model("""
            [Compile]
            public Tensor Loss([Shape("N", 4)] Tensor logits, [Shape("N", 1)] IntTensor labels) => CrossEntropy(logits, labels.Reshape(-1));
            """));
        Assert.Equal(new[] { "reshape(1){shape=-1}", "cross_entropy(0,2)" }, Ops(spec));

        var run = GeneratorDriverHarness.Run(GeneratorDriverHarness.Usings + Model("""
            [Compile]
            public Tensor Loss([Shape("N", 4)] Tensor logits, [Shape("N", 1)] IntTensor labels) => CrossEntropy(logits, labels.Reshape(-1));
            """));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputErrors);
    }
}
