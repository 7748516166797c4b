using Kiln.Generator.Graph;
using Kiln.Generator.Passes;

namespace Kiln.Generator.Tests.Passes;

/// <summary>
/// The VJP program behind Apply (<see cref="Autodiff.Vjp"/>): seeded by upstream-gradient inputs numbered after the
/// method's parameters, its results are the float parameters' gradients (zeros for one that reaches nothing), its
/// gradients the captured parameters'; checked against central finite differences of Σ f(x) ⊙ u with the interpreter.
/// </summary>
public sealed class VjpTests
{
    [Fact]
    public void InputAndParameterGradients_MatchFiniteDifferences_AndAnUnusedInputGetsZeros()
    {
        var s = new SpecBuilder();
        var x = s.Input("x", 2, 3);
        s.Input("unused", 2, 2);
        var w = s.Parameter("w", 4, 3);
        var b = s.Parameter("b", 4);
        var h = s.Op("tanh", s.Op("linear", x, w, b));
        var method = PassTestSupport.Lower(s.Build(s.Op("mul", h, h)));
        Assert.Null(method.ForwardBackward);                       // not a scalar: no forward+backward
        var vjp = method.Vjp!.Graph;
        Assert.Equal(Autodiff.VjpName, vjp.Name);
        Assert.Equal(new[] { "[2,3]", "[2,2]" }, vjp.Results.Select(r => r.Shape.ToString()));
        Assert.Contains(vjp.Nodes(), n => n.Op == OpNames.Input && n.Attrs.Int("index") == 2); // the upstream seed
        Assert.All(vjp.Gradients, g => Assert.NotNull(g));

        var rng = new Random(3);
        var xs = PassTestSupport.Random(rng, 6);
        var unused = PassTestSupport.Random(rng, 4);
        var upstream = PassTestSupport.Random(rng, 8);
        var captures = new List<float[]> { PassTestSupport.Random(rng, 12), PassTestSupport.Random(rng, 4) };
        var binding = new Dictionary<string, int>();
        var analytic = new Interpreter(binding, PassTestSupport.Leaves(new[] { xs, unused, upstream }, captures));
        var dx = analytic.Evaluate(vjp.Result);
        Assert.All(analytic.Evaluate(vjp.MoreResults[0]), v => Assert.Equal(0f, v));

        double Objective()
        {
            var f = new Interpreter(binding, PassTestSupport.Leaves(new[] { xs, unused, upstream }, captures)).Evaluate(method.Forward.Graph.Result);
            return f.Select((v, i) => (double)v * upstream[i]).Sum();
        }
        void CheckAgainstDifferences(float[] values, float[] gradient, string what)
        {
            for (int j = 0; j < values.Length; j++)
            {
                const float eps = 1e-2f;
                float saved = values[j];
                values[j] = saved + eps; double plus = Objective();
                values[j] = saved - eps; double minus = Objective();
                values[j] = saved;
                double expected = (plus - minus) / (2 * eps);
                Assert.True(Math.Abs(expected - gradient[j]) <= 2e-3 * Math.Max(1, Math.Abs(expected)), $"{what}[{j}]: differences {expected}, vjp {gradient[j]}");
            }
        }
        CheckAgainstDifferences(xs, dx, "dx");
        CheckAgainstDifferences(captures[0], analytic.Evaluate(vjp.Gradients[0]!), "dw");
        CheckAgainstDifferences(captures[1], analytic.Evaluate(vjp.Gradients[1]!), "db");
    }

    [Fact]
    public void NoFloatParameter_NoVjp_AndNoApply()
    {
        var s = new SpecBuilder();
        var y = s.Labels("y", 4);
        var w = s.Parameter("w", 4, 3);
        var spec = s.Build(s.Op("cross_entropy", w, y));
        Assert.Null(PassTestSupport.Lower(spec).Vjp);
        Assert.DoesNotContain("Apply(", CompileAndRunTests.CompileToSource(spec), StringComparison.Ordinal);
    }

    [Fact]
    public void MlpVjp_HasOneSeed_AndAddsEveryParameterGradient()
    {
        var m = PassTestSupport.Lower(CompileAndRunTests.MlpSpec());
        var vjp = m.Vjp!;
        Assert.Equal("[N,784]", vjp.Graph.Result.Shape.ToString());
        Assert.Empty(vjp.Graph.MoreResults);
        Assert.Equal(4, vjp.Memory.Storage.Values.Count(st => st.Kind == Schedule.StorageKind.Gradient));
        Assert.Equal(8, vjp.Kernels.Count);
        Assert.Contains("public global::Kiln.Tensor Apply(global::Kiln.Tensor x, global::Kiln.IntTensor y)", CompileAndRunTests.CompileToSource(CompileAndRunTests.MlpSpec()), StringComparison.Ordinal);
    }
}
