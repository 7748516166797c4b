using Kiln.Generator.Graph;

namespace Kiln.Generator.Tests.Passes;

/// <summary>
/// Every gradient rule against central finite differences: f = Σ op(params) ⊙ r for a fixed random r, the
/// analytic gradients evaluated by the interpreter on the compiled (optimised) forward+backward program.
/// </summary>
public sealed class GradientRuleTests
{
    delegate SpecBuilder.Value Body(SpecBuilder s, SpecBuilder.Value[] p, SpecBuilder.Value? labels);

    static void Check(int[] outShape, int[][] paramShapes, Body body, bool positive = false, int labelsOf = 0, float[]? kinks = null)
    {
        var s = new SpecBuilder();
        var r = s.Input("r", outShape.Cast<object>().ToArray());
        SpecBuilder.Value? labels = labelsOf > 0 ? s.Labels("labels", 4) : null;
        var ps = paramShapes.Select((shape, i) => s.Parameter("p" + i, shape.Cast<object>().ToArray())).ToArray();
        var loss = s.Op("sum", s.Op("mul", body(s, ps, labels), r));
        var method = PassTestSupport.Lower(s.Build(loss));
        var program = method.ForwardBackward!.Graph;
        var forward = method.Forward.Graph;

        var rng = new Random(5);
        var inputs = new List<float[]> { PassTestSupport.Random(rng, outShape.Aggregate(1, (a, b) => a * b)) };
        if (labelsOf > 0) inputs.Add(new float[] { 1, 0, labelsOf - 1, 1 % labelsOf });
        var captures = paramShapes.Select(shape => PassTestSupport.Random(rng, shape.Aggregate(1, (a, b) => a * b), positive ? 0.5f : -1f, positive ? 2f : 1f)).ToList();
        var binding = new Dictionary<string, int>();

        var analytic = new Interpreter(binding, PassTestSupport.Leaves(inputs, captures));
        for (int p = 0; p < captures.Count; p++)
        {
            var gradNode = program.Gradients[p];
            Assert.NotNull(gradNode);
            var grad = analytic.Evaluate(gradNode!);
            for (int j = 0; j < Math.Min(captures[p].Length, 12); j++)
            {
                const float eps = 1e-2f;
                float saved = captures[p][j];
                // Central differences across a kink measure neither side's derivative.
                if (kinks is not null && kinks.Any(k => Math.Abs(saved - k) < 2 * eps)) continue;
                captures[p][j] = saved + eps;
                double plus = new Interpreter(binding, PassTestSupport.Leaves(inputs, captures)).Evaluate(forward.Result)[0];
                captures[p][j] = saved - eps;
                double minus = new Interpreter(binding, PassTestSupport.Leaves(inputs, captures)).Evaluate(forward.Result)[0];
                captures[p][j] = saved;
                double numeric = (plus - minus) / (2 * eps);
                Assert.True(Math.Abs(numeric - grad[j]) <= 2e-2 * (1 + Math.Abs(numeric)),
                    $"d/dp{p}[{j}] (value {captures[p][j]}): analytic {grad[j]}, numeric {numeric}\n{GraphPrinter.Print(program)}");
            }
        }
    }

    static Body Unary(string op, params (string, string)[] attrs) => (s, p, _) => s.Op(op, new[] { p[0] }, attrs);

    [Theory]
    [InlineData("neg")] [InlineData("exp")] [InlineData("square")] [InlineData("sigmoid")] [InlineData("tanh")]
    [InlineData("relu")] [InlineData("abs")]
    public void UnaryRules(string op) => Check(new[] { 3, 4 }, new[] { new[] { 3, 4 } }, Unary(op));

    [Theory]
    [InlineData("log")] [InlineData("sqrt")]
    public void UnaryRulesOnPositiveInputs(string op) => Check(new[] { 3, 4 }, new[] { new[] { 3, 4 } }, Unary(op), positive: true);

    [Theory]
    [InlineData("leaky_relu", "negative_slope", "0.2")] [InlineData("gelu", "approximate", "none")] [InlineData("gelu", "approximate", "tanh")]
    [InlineData("softplus", "beta", "2")] [InlineData("elu", "alpha", "0.5")]
    public void RectifierRules(string op, string attr, string value) =>
        Check(new[] { 3, 4 }, new[] { new[] { 3, 4 } }, Unary(op, (attr, value)), kinks: new[] { 0f });

    [Fact]
    public void SiluRule() => Check(new[] { 3, 4 }, new[] { new[] { 3, 4 } }, Unary("silu"));

    [Fact]
    public void SoftplusAboveItsThresholdIsTheIdentity() =>
        Check(new[] { 3, 4 }, new[] { new[] { 3, 4 } }, Unary("softplus", ("beta", "4"), ("threshold", "1")), kinks: new[] { 0.25f });

    [Fact]
    public void PowAndClamp()
    {
        Check(new[] { 3, 4 }, new[] { new[] { 3, 4 } }, Unary("pow", ("exponent", "3")));
        Check(new[] { 3, 4 }, new[] { new[] { 3, 4 } }, Unary("clamp", ("min", "-0.7"), ("max", "0.6")), kinks: new[] { -0.7f, 0.6f });
    }

    [Theory]
    [InlineData("add")] [InlineData("sub")] [InlineData("mul")]
    public void BinaryRulesWithBroadcasting(string op)
    {
        Check(new[] { 3, 4 }, new[] { new[] { 3, 4 }, new[] { 4 } }, (s, p, _) => s.Op(op, p[0], p[1]));
        Check(new[] { 3, 4 }, new[] { new[] { 3, 1 }, new[] { 3, 4 } }, (s, p, _) => s.Op(op, p[0], p[1]));
    }

    [Fact]
    public void DivWithBroadcasting() =>
        Check(new[] { 3, 4 }, new[] { new[] { 3, 4 }, new[] { 4 } }, (s, p, _) => s.Op("div", p[0], p[1]), positive: true);

    [Fact]
    public void MatMulLinearAndBatchedMatMul()
    {
        Check(new[] { 3, 5 }, new[] { new[] { 3, 4 }, new[] { 4, 5 } }, (s, p, _) => s.Op("matmul", p[0], p[1]));
        Check(new[] { 3, 5 }, new[] { new[] { 3, 4 }, new[] { 5, 4 }, new[] { 5 } }, (s, p, _) => s.Op("linear", p[0], p[1], p[2]));
        Check(new[] { 2, 3, 5 }, new[] { new[] { 2, 3, 4 }, new[] { 4, 5 } }, (s, p, _) => s.Op("matmul", p[0], p[1]));
    }

    [Fact]
    public void Reductions()
    {
        Check(new[] { 3, 1 }, new[] { new[] { 3, 4 } }, (s, p, _) => s.Op("sum", new[] { p[0] }, ("dims", "1"), ("keep_dim", "true")));
        Check(new[] { 4 }, new[] { new[] { 3, 4 } }, (s, p, _) => s.Op("mean", new[] { p[0] }, ("dim", "0")));
        Check(new[] { 3 }, new[] { new[] { 2, 3, 4 } }, (s, p, _) => s.Op("sum", new[] { p[0] }, ("dims", "0,2")));
    }

    [Fact]
    public void SoftmaxFamilyAndLosses()
    {
        Check(new[] { 3, 4 }, new[] { new[] { 3, 4 } }, Unary("softmax", ("dim", "1")));
        Check(new[] { 3, 4 }, new[] { new[] { 3, 4 } }, Unary("log_softmax", ("dim", "0")));
        Check(new int[0], new[] { new[] { 4, 3 } }, (s, p, labels) => s.Op("cross_entropy", p[0], labels!.Value), labelsOf: 3);
        Check(new int[0], new[] { new[] { 3, 4 }, new[] { 3, 4 } }, (s, p, _) => s.Op("mse_loss", p[0], p[1]));
        Check(new int[0], new[] { new[] { 3, 4 }, new[] { 3, 4 } }, (s, p, _) => s.Op("mse_loss", new[] { p[0], p[1] }, ("reduction", "sum")));
    }

    [Fact]
    public void LayoutOps()
    {
        Check(new[] { 4, 3 }, new[] { new[] { 3, 4 } }, Unary("transpose", ("dim0", "0"), ("dim1", "1")));
        Check(new[] { 12 }, new[] { new[] { 3, 4 } }, Unary("flatten", ("start_dim", "0")));
        Check(new[] { 3, 7 }, new[] { new[] { 3, 4 }, new[] { 3, 3 } }, (s, p, _) => s.Op("concat", new[] { p[0], p[1] }, ("dim", "1")));
        Check(new[] { 3, 2 }, new[] { new[] { 3, 4 } }, Unary("narrow", ("dim", "1"), ("start", "1"), ("length", "2")));
    }

    [Fact]
    public void SelectionAndArrangementOps()
    {
        Check(new[] { 3, 1 }, new[] { new[] { 3, 4 } }, Unary("max", ("dim", "1"), ("keep_dim", "true")));
        Check(new[] { 4 }, new[] { new[] { 3, 4 } }, Unary("max", ("dim", "0")));
        Check(new[] { 3, 4 }, new[] { new[] { 3, 4 } }, (s, p, _) => s.Op("mul", p[0], s.Op("greater_than", new[] { p[0] }, ("threshold", "0.1"))), kinks: new[] { 0.1f });
        Check(new int[0], new[] { new[] { 4 }, new[] { 4 } }, (s, p, _) => s.Op("dot", p[0], p[1]));
        Check(new[] { 3 }, new[] { new[] { 3, 4 }, new[] { 4 } }, (s, p, _) => s.Op("matmul", p[0], p[1]));
        Check(new[] { 3 }, new[] { new[] { 3, 4 } }, Unary("select", ("dim", "1"), ("index", "-2")));
        Check(new[] { 3, 2 }, new[] { new[] { 3, 5 } }, Unary("chunk", ("chunks", "2"), ("dim", "1"), ("index", "1")));
        Check(new[] { 3, 2, 4 }, new[] { new[] { 3, 4 }, new[] { 3, 4 } }, (s, p, _) => s.Op("stack", new[] { p[0], p[1] }, ("dim", "1")));
        Check(new[] { 4, 2, 3 }, new[] { new[] { 2, 3, 4 } }, Unary("permute", ("perm", "2,0,1")));
    }

    [Fact]
    public void EmbeddingGathersRowsAndScattersGradients()
    {
        // Labels {1, 0, 2, 1}: row 1 is used twice, so its gradient is the sum of two rows of the upstream gradient.
        Check(new[] { 4, 2 }, new[] { new[] { 3, 2 } }, (s, p, labels) => s.Op("embedding", labels!.Value, p[0]), labelsOf: 3);
    }

    [Fact]
    public void EmbeddingPaddingRowGetsNoGradient()
    {
        // By definition rather than by calculus (torch's padding_idx), so checked directly, not by finite differences.
        var s = new SpecBuilder();
        var indices = s.Labels("indices", 4);
        var table = s.Parameter("table", 3, 2);
        var method = PassTestSupport.Lower(s.Build(s.Op("sum", s.Op("embedding", new[] { indices, table }, ("padding_idx", "1")))));
        var interpreter = new Interpreter(new Dictionary<string, int>(), PassTestSupport.Leaves(new[] { new float[] { 1, 0, 2, 1 } }, new[] { new float[6] }));
        Assert.Equal(new float[] { 1, 1, 0, 0, 1, 1 }, interpreter.Evaluate(method.ForwardBackward!.Graph.Gradients[0]!));
    }
}
