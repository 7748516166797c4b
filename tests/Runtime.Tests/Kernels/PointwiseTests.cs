using System.Numerics;
using Kiln.Kernels;

namespace Kiln.Runtime.Tests.Kernels;

/// <summary>
/// The per-element definitions in <see cref="Pointwise"/>: the vector form of every function agrees with its scalar
/// form (the fused loops use both), the scalar forms agree with float64 references of PyTorch's formulas, and the
/// span kernels in <see cref="Activation"/> produce the scalar form's values.
/// </summary>
public class PointwiseTests
{
    static readonly float[] Specials =
    {
        0f, -0f, 1f, -1f, 0.5f, -0.5f, 1e-3f, -1e-3f, 1e-6f, -1e-6f, 1e-20f, -1e-20f, 1e-40f, -1e-40f, 0.1249f, 0.125f, -0.13f,
        2.4999f, 2.5f, 2.5001f, 3.9999f, 4f, 4.0001f, 5f, -5f, 9f, -9f, 10f, -10f, 19.9f, 20f, 20.1f, -20f, 30f, -30f,
        87f, -87f, 88.7f, 88.8f, 89f, -88f, -100f, -104f, -110f, 1e30f, -1e30f, float.MaxValue, float.MinValue,
        float.NaN, float.PositiveInfinity, float.NegativeInfinity,
    };

    /// <summary>The specials, a dense ramp over [−12, 12] and random values of every magnitude.</summary>
    static float[] Inputs()
    {
        var values = new List<float>(Specials);
        for (float v = -12f; v <= 12f; v += 0.00731f) values.Add(v);
        var random = new Random(11);
        for (int i = 0; i < 2000; i++) values.Add((float)((random.NextDouble() * 2 - 1) * Math.Pow(10, random.Next(-8, 3))));
        return values.ToArray();
    }

    static readonly float[] Gradients = { 1f, -2.5f, 0.3f, 1e-3f };

    /// <summary>Functions of one element (forward forms, and gradient forms with g fixed), as (scalar, vector) pairs.</summary>
    public static IEnumerable<object[]> Functions() => Table.Keys.Select(k => new object[] { k });

    static readonly Dictionary<string, (Func<float, float> Scalar, Func<Vector<float>, Vector<float>> Vector)> Table = Build();

    static Dictionary<string, (Func<float, float>, Func<Vector<float>, Vector<float>>)> Build()
    {
        var t = new Dictionary<string, (Func<float, float>, Func<Vector<float>, Vector<float>>)>
        {
            ["Exp"] = (Pointwise.Exp, Pointwise.Exp),
            ["Erf"] = (Pointwise.Erf, Pointwise.Erf),
            ["Tanh"] = (Pointwise.Tanh, Pointwise.Tanh),
            ["Log1P"] = (Pointwise.Log1P, Pointwise.Log1P),
            ["Gelu"] = (Pointwise.Gelu, Pointwise.Gelu),
            ["GeluTanh"] = (Pointwise.GeluTanh, Pointwise.GeluTanh),
            ["LeakyRelu 0.01"] = (x => Pointwise.LeakyRelu(x, 0.01f), x => Pointwise.LeakyRelu(x, 0.01f)),
            ["LeakyRelu 0.2"] = (x => Pointwise.LeakyRelu(x, 0.2f), x => Pointwise.LeakyRelu(x, 0.2f)),
            ["Softplus 1 20"] = (x => Pointwise.Softplus(x, 1f, 20f), x => Pointwise.Softplus(x, 1f, 20f)),
            ["Softplus 2 5"] = (x => Pointwise.Softplus(x, 2f, 5f), x => Pointwise.Softplus(x, 2f, 5f)),
            ["Softplus 0.5 100"] = (x => Pointwise.Softplus(x, 0.5f, 100f), x => Pointwise.Softplus(x, 0.5f, 100f)),
            ["Elu 1"] = (x => Pointwise.Elu(x, 1f), x => Pointwise.Elu(x, 1f)),
            ["Elu 0.5"] = (x => Pointwise.Elu(x, 0.5f), x => Pointwise.Elu(x, 0.5f)),
            ["Silu"] = (Pointwise.Silu, Pointwise.Silu),
            ["Log"] = (Pointwise.Log, Pointwise.Log),
            ["Sigmoid"] = (Pointwise.Sigmoid, Pointwise.Sigmoid),
        };
        foreach (var g in Gradients)
        {
            var gv = new Vector<float>(g);
            t[$"ReluBackward g={g}"] = (y => Pointwise.ReluBackward(g, y), y => Pointwise.ReluBackward(gv, y));
            t[$"LeakyReluBackward g={g}"] = (x => Pointwise.LeakyReluBackward(g, x, 0.2f), x => Pointwise.LeakyReluBackward(gv, x, 0.2f));
            t[$"GeluBackward g={g}"] = (x => Pointwise.GeluBackward(g, x), x => Pointwise.GeluBackward(gv, x));
            t[$"GeluTanhBackward g={g}"] = (x => Pointwise.GeluTanhBackward(g, x), x => Pointwise.GeluTanhBackward(gv, x));
            t[$"SoftplusBackward g={g}"] = (x => Pointwise.SoftplusBackward(g, x, 2f, 5f), x => Pointwise.SoftplusBackward(gv, x, 2f, 5f));
            t[$"EluBackward g={g}"] = (x => Pointwise.EluBackward(g, x, 0.5f), x => Pointwise.EluBackward(gv, x, 0.5f));
            t[$"SiluBackward g={g}"] = (x => Pointwise.SiluBackward(g, x), x => Pointwise.SiluBackward(gv, x));
        }
        return t;
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void VectorFormAgreesWithScalarForm(string name)
    {
        var (scalar, vector) = Table[name];
        var inputs = Inputs();
        int width = Vector<float>.Count;
        var lanes = new float[width];
        var results = new float[width];
        for (int start = 0; start < inputs.Length; start++)
        {
            // Each input visits every lane position over the sweep, beside different neighbours.
            for (int l = 0; l < width; l++) lanes[l] = inputs[(start + l) % inputs.Length];
            vector(new Vector<float>(lanes)).CopyTo(results);
            for (int l = 0; l < width; l++)
            {
                float expected = scalar(lanes[l]), actual = results[l];
                Assert.True(Close(expected, actual, 1e-6),
                    $"{name}({lanes[l]:R}): scalar {expected:R}, vector {actual:R} (lane {l})");
            }
        }
    }

    static bool Close(double expected, double actual, double relative)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual)) return double.IsNaN(expected) && double.IsNaN(actual);
        if (expected == actual) return true;
        return Math.Abs(expected - actual) <= relative * Math.Max(Math.Abs(expected), Math.Abs(actual));
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void SpanKernelsUseTheSameDefinition(string name)
    {
        // The span kernels run the vector form over whole vectors and the scalar form on the tail: their result is the
        // scalar form's value to within the agreement above, and exactly it where the forms are bit-identical.
        var (scalar, _) = Table[name];
        var x = Inputs().Take(203).ToArray();
        var actual = new float[x.Length];
        if (!RunSpanKernel(name, x, actual)) return;
        for (int i = 0; i < x.Length; i++)
            Assert.True(Close(scalar(x[i]), actual[i], 1e-6), $"{name}({x[i]:R}): kernel {actual[i]:R}, scalar {scalar(x[i]):R}");
    }

    static bool RunSpanKernel(string name, float[] x, float[] destination)
    {
        float g = name.Contains("g=") ? float.Parse(name[(name.IndexOf("g=") + 2)..], System.Globalization.CultureInfo.InvariantCulture) : 0f;
        var gs = Enumerable.Repeat(g, x.Length).ToArray();
        switch (name.Split(' ')[0])
        {
            case "Gelu": Activation.Gelu(x, destination); return true;
            case "GeluTanh": Activation.GeluTanh(x, destination); return true;
            case "LeakyRelu": Activation.LeakyRelu(x, name.EndsWith("0.2") ? 0.2f : 0.01f, destination); return true;
            case "Softplus":
                var parts = name.Split(' ');
                Activation.Softplus(x, float.Parse(parts[1]), float.Parse(parts[2]), destination);
                return true;
            case "Elu": Activation.Elu(x, name.EndsWith("0.5") ? 0.5f : 1f, destination); return true;
            case "ReluBackward": Activation.ReluBackward(gs, x, destination); return true;
            case "LeakyReluBackward": Activation.LeakyReluBackward(gs, x, 0.2f, destination); return true;
            case "GeluBackward": Activation.GeluBackward(gs, x, destination); return true;
            case "GeluTanhBackward": Activation.GeluTanhBackward(gs, x, destination); return true;
            case "SoftplusBackward": Activation.SoftplusBackward(gs, x, 2f, 5f, destination); return true;
            case "EluBackward": Activation.EluBackward(gs, x, 0.5f, destination); return true;
            case "Silu": Activation.Silu(x, destination); return true;
            case "Log": Activation.Log(x, destination); return true;
            case "Sigmoid": Activation.Sigmoid(x, destination); return true;
            case "Exp": Activation.Exp(x, destination); return true;
            case "Tanh": Activation.Tanh(x, destination); return true;
            case "SiluBackward": Activation.SiluBackward(gs, x, destination); return true;
            default: return false;
        }
    }

    // ---- accuracy of the scalar forms against float64 references ----

    /// <summary>erf in float64: its Maclaurin series (cancellation stays below 1e-9 for |x| ≤ 4.5); ±1 beyond, where erfc &lt; 3e-10.</summary>
    static double ErfReference(double x)
    {
        if (Math.Abs(x) > 4.5) return Math.Sign(x);
        double sum = 0, term = x;
        for (int n = 0; n < 200; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
            if (Math.Abs(term) < 1e-20 * Math.Abs(sum)) break;
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    static IEnumerable<float> Finite() => Inputs().Where(float.IsFinite);

    [Fact]
    public void ExpIsWithinTwoUlpsOfMathExp()
    {
        foreach (var x in Finite().Where(v => v > -103f && v < 88.7f))
        {
            double expected = Math.Exp(x);
            float actual = Pointwise.Exp(x);
            double ulp = Math.Max(float.Epsilon, MathF.BitIncrement((float)expected) - (float)expected);
            Assert.True(Math.Abs(actual - expected) <= 2 * ulp, $"exp({x:R}): {actual:R} vs {expected:R}");
        }
        Assert.Equal(float.PositiveInfinity, Pointwise.Exp(88.73f));
        Assert.Equal(float.PositiveInfinity, Pointwise.Exp(float.PositiveInfinity));
        Assert.Equal(0f, Pointwise.Exp(float.NegativeInfinity));
        Assert.Equal(0f, Pointwise.Exp(-110f));
        Assert.True(Pointwise.Exp(-100f) > 0f, "exp(-100) is a subnormal, not zero");
        Assert.True(float.IsNaN(Pointwise.Exp(float.NaN)));
        Assert.Equal(1f, Pointwise.Exp(0f));
    }

    [Fact]
    public void ErfIsWithinAFewUlps() // Eigen reports a few ulp; its largest error, ~4 ulp, is near |x| ≈ 3.65
    {
        foreach (var x in Finite())
        {
            double expected = ErfReference(x);
            float actual = Pointwise.Erf(x);
            double ulp = MathF.BitIncrement(MathF.Abs((float)expected)) - MathF.Abs((float)expected);
            // Subnormal results keep fewer bits than an ulp of the normal range suggests: 1e-42 absolute allows for that.
            Assert.True(Math.Abs(actual - expected) <= 6 * ulp + 1e-42, $"erf({x:R}): {actual:R} vs {expected:R} ({Math.Abs(actual - expected) / ulp:0.0} ulp)");
        }
        Assert.Equal(1f, Pointwise.Erf(float.PositiveInfinity));
        Assert.Equal(-1f, Pointwise.Erf(float.NegativeInfinity));
        Assert.True(float.IsNaN(Pointwise.Erf(float.NaN)));
        for (float x = 3f; x < 5f; x += 1e-4f) Assert.True(Pointwise.Erf(x) <= 1f && Pointwise.Erf(-x) >= -1f, $"|erf({x:R})| > 1");
    }

    [Fact]
    public void TanhKeepsRelativePrecision()
    {
        foreach (var x in Finite())
        {
            double expected = Math.Tanh(x);
            float actual = Pointwise.Tanh(x);
            Assert.True(Math.Abs(actual - expected) <= 2e-6 * Math.Abs(expected) + 1e-44, $"tanh({x:R}): {actual:R} vs {expected:R}");
        }
    }

    [Fact]
    public void Log1PIsAccurateForTinyArguments()
    {
        foreach (var u in new[] { 1e-30f, 1e-10f, 1e-7f, 3e-7f, 1e-5f, 0.01f, 0.5f, 1f, 3f, 1e10f, -0.5f, -1e-6f })
        {
            double expected = Math.Log(1 + (double)u);
            if (Math.Abs(u) < 1e-6) expected = u - (double)u * u / 2;
            Assert.True(Math.Abs(Pointwise.Log1P(u) - expected) <= 2e-7 * Math.Abs(expected), $"log1p({u:R}): {Pointwise.Log1P(u):R} vs {expected:R}");
        }
        Assert.Equal(float.PositiveInfinity, Pointwise.Log1P(float.PositiveInfinity));
        Assert.Equal(float.NegativeInfinity, Pointwise.Log1P(-1f));
    }

    /// <summary>The scalar forms against float64 evaluations of PyTorch's formulas: a float32-sized error, absolute near cancellations.</summary>
    [Fact]
    public void ActivationsMatchTorchFormulasInDouble()
    {
        const double SqrtHalf = 0.70710678118654752, Kappa = 0.044715, S = 0.79788456080286536;
        foreach (var xf in Finite().Where(v => Math.Abs(v) < 50))
        {
            double x = xf;
            Check("gelu", xf, Pointwise.Gelu(xf), x * 0.5 * (1 + ErfReference(x * SqrtHalf)));
            Check("gelu backward", xf, Pointwise.GeluBackward(1f, xf), 0.5 * (1 + ErfReference(x * SqrtHalf)) + x * Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI));
            double t = Math.Tanh(S * (x + Kappa * x * x * x));
            Check("gelu tanh", xf, Pointwise.GeluTanh(xf), 0.5 * x * (1 + t));
            Check("gelu tanh backward", xf, Pointwise.GeluTanhBackward(1f, xf), 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * S * (1 + 3 * Kappa * x * x));
            Check("leaky relu", xf, Pointwise.LeakyRelu(xf, 0.2f), x > 0 ? x : x * 0.2f);
            Check("leaky relu backward", xf, Pointwise.LeakyReluBackward(1f, xf, 0.2f), x > 0 ? 1 : 0.2f);
            Check("softplus", xf, Pointwise.Softplus(xf, 2f, 5f), 2 * x > 5 ? x : Math.Log(1 + Math.Exp(2 * x)) / 2);
            Check("softplus backward", xf, Pointwise.SoftplusBackward(1f, xf, 2f, 5f), 2 * x > 5 ? 1 : Math.Exp(2 * x) / (Math.Exp(2 * x) + 1));
            Check("elu", xf, Pointwise.Elu(xf, 0.5f), x > 0 ? x : 0.5 * (Math.Exp(x) - 1));
            Check("elu backward", xf, Pointwise.EluBackward(1f, xf, 0.5f), x > 0 ? 1 : 0.5 * Math.Exp(x));
        }

        static void Check(string name, float x, float actual, double expected) =>
            Assert.True(Math.Abs(actual - expected) <= 1e-6 * Math.Max(1, Math.Abs(x)) + 4e-7 * Math.Abs(expected),
                $"{name}({x:R}): {actual:R} vs {expected:R}");
    }

    [Fact]
    public void SpecialValuesFollowTorch()
    {
        Assert.True(float.IsNaN(Pointwise.Gelu(float.NaN)));
        Assert.Equal(float.PositiveInfinity, Pointwise.Gelu(float.PositiveInfinity));
        Assert.Equal(0f, Pointwise.Gelu(-1000f));
        Assert.Equal(float.PositiveInfinity, Pointwise.Softplus(float.PositiveInfinity, 1f, 20f));
        Assert.Equal(0f, Pointwise.Softplus(float.NegativeInfinity, 1f, 20f));
        Assert.Equal(25f, Pointwise.Softplus(25f, 1f, 20f));
        Assert.Equal(-0.5f, Pointwise.Elu(float.NegativeInfinity, 0.5f));
        Assert.Equal(float.PositiveInfinity, Pointwise.Elu(float.PositiveInfinity, 0.5f));
        Assert.True(float.IsNaN(Pointwise.LeakyRelu(float.NaN, 0.2f)));
        Assert.Equal(-0.2f, Pointwise.LeakyReluBackward(-1f, 0f, 0.2f));
        Assert.Equal(3f, Pointwise.SoftplusBackward(3f, 2.6f, 2f, 5f));
    }

    [Fact]
    public void ReluBackwardSelectsLikeTorchThresholdBackward()
    {
        // torch: relu(x).backward(g) with x = [-1, 0, 2, nan], g = [inf, nan, 3, 4] gives [0, 0, 3, 4].
        Assert.Equal(0f, Pointwise.ReluBackward(float.PositiveInfinity, 0f));
        Assert.Equal(0f, Pointwise.ReluBackward(float.NaN, 0f));
        Assert.Equal(4f, Pointwise.ReluBackward(4f, float.NaN));
        Assert.False(float.IsNegative(Pointwise.ReluBackward(-2f, 0f)), "a negative g where y ≤ 0 gives +0, not −0");
        var v = Pointwise.ReluBackward(new Vector<float>(float.PositiveInfinity), Vector<float>.Zero);
        Assert.Equal(Vector<float>.Zero, v);
    }

    [Fact]
    public void Log_IsWithinTwoUlpsOfTheCorrectlyRoundedLog_SubnormalsAndSpecialsIncluded()
    {
        var inputs = new List<float> { float.Epsilon, 1e-44f, 3e-40f, 1.1754942e-38f, 1.17549435e-38f, 1e-30f, 1e-10f, 0.3f, 0.70710677f, 0.7071068f,
            0.999999f, 1f, 1.000001f, 1.5f, 2f, 10f, 1e10f, 3e38f, float.MaxValue };
        for (float v = 0.01f; v < 50f; v *= 1.0137f) inputs.Add(v);
        foreach (float x in inputs)
        {
            double exact = Math.Log(x);
            float actual = Pointwise.Log(x);
            float ulp = MathF.BitIncrement(MathF.Abs((float)exact)) - MathF.Abs((float)exact);
            Assert.True(Math.Abs(actual - exact) <= 2 * ulp + 1e-45, $"log({x:R}) = {actual:R}, exact {exact:R}");
        }
        Assert.Equal(float.NegativeInfinity, Pointwise.Log(0f));
        Assert.Equal(float.NegativeInfinity, Pointwise.Log(-0f));
        Assert.True(float.IsNaN(Pointwise.Log(-1f)));
        Assert.True(float.IsNaN(Pointwise.Log(float.NaN)));
        Assert.Equal(float.PositiveInfinity, Pointwise.Log(float.PositiveInfinity));
        Assert.Equal(0f, Pointwise.Log(1f));
    }

    [Fact]
    public void Sigmoid_SaturatesWithoutNaN_AndMatchesTheDoubleFormula()
    {
        Assert.Equal(0f, Pointwise.Sigmoid(-1000f));
        Assert.Equal(1f, Pointwise.Sigmoid(1000f));
        Assert.Equal(0.5f, Pointwise.Sigmoid(0f));
        for (float x = -30f; x <= 30f; x += 0.173f)
        {
            double exact = 1 / (1 + Math.Exp(-x));
            Assert.True(Math.Abs(Pointwise.Sigmoid(x) - exact) <= 2e-7 * exact + 1e-30, $"sigmoid({x:R}) = {Pointwise.Sigmoid(x):R}, exact {exact:R}");
        }
    }
}
