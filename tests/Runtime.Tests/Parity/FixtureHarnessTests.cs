using System.Text.Json.Nodes;

namespace Kiln.Runtime.Tests.Parity;

/// <summary>The parity harness itself must fail on a wrong value, a wrong gradient, an unknown op or an unread attr.</summary>
public class FixtureHarnessTests
{
    static JsonNode Case(string name) =>
        JsonNode.Parse(File.ReadAllText(FixtureCatalog.PathOf(name)))!;

    static Exception Run(JsonNode json) =>
        Assert.ThrowsAny<Exception>(() => FixtureParityTests.Check(Fixture.Parse(json.ToJsonString())));

    [Fact]
    public void UnchangedCasePasses() => FixtureParityTests.Check(Fixture.Parse(Case("mul_bcast_3d").ToJsonString()));

    [Fact]
    public void WrongOutputValueFailsNamingCaseTensorAndIndex()
    {
        var json = Case("mul_bcast_3d");
        var data = json["output"]!["out"]!["data"]!.AsArray();
        double expected = data[5]!.GetValue<double>() + 0.01;
        data[5] = expected;
        var error = Run(json);
        Assert.Contains("mul_bcast_3d", error.Message);
        Assert.Contains("output 'out'", error.Message);
        Assert.Contains("index 5", error.Message);
        Assert.Contains(expected.ToString("R", System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }

    [Fact]
    public void WrongGradientFails()
    {
        var json = Case("softmax_3d_dim1");
        var data = json["grads"]!["x"]!["data"]!.AsArray();
        data[0] = data[0]!.GetValue<double>() + 1e-3;
        Assert.Contains("grad 'x' at index 0", Run(json).Message);
    }

    [Fact]
    public void WrongIndicesFail()
    {
        var json = Case("max_dim1");
        var data = json["output"]!["indices"]!["data"]!.AsArray();
        data[0] = (data[0]!.GetValue<long>() + 1) % 5;
        Assert.Contains("output 'indices' at index 0", Run(json).Message);
    }

    [Fact]
    public void WrongOptimizerStateFails()
    {
        var json = Case("adam");
        var data = json["output"]!["state.exp_avg_sq.b"]!["data"]!.AsArray();
        data[1] = data[1]!.GetValue<double>() * 1.01;
        Assert.Contains("state.exp_avg_sq.b", Run(json).Message);
    }

    [Fact]
    public void UnknownOpFailsInsteadOfBeingSkipped()
    {
        var json = Case("exp");
        json["op"] = "expm1";
        Assert.Contains("'expm1'", Run(json).Message);
    }

    [Fact]
    public void AttributeTheTableDoesNotReadFails()
    {
        var json = Case("softmax_dim0");
        json["attrs"]!["dtype"] = "float64";
        Assert.Contains("dtype", Run(json).Message);
    }

    [Fact]
    public void UnsupportedAttributeValueFails()
    {
        var json = Case("max_pool1d_k2");
        json["attrs"]!["ceil_mode"] = true;
        Assert.Contains("ceil_mode", Run(json).Message);
    }

    [Fact]
    public void ToleranceIsAbsolutePlusRelativeToTheLargestReference()
    {
        // 1e-5 + 1e-4·max|ref|: a shift of 0.9 of the allowance passes, 1.1 of it fails.
        var json = Case("exp");
        var data = json["output"]!["out"]!["data"]!.AsArray();
        double max = data.Max(v => Math.Abs(v!.GetValue<double>()));
        double allowance = FixtureParityTests.AbsoluteTolerance + FixtureParityTests.RelativeTolerance * max;
        double original = data[3]!.GetValue<double>();
        data[3] = original + 0.9 * allowance;
        FixtureParityTests.Check(Fixture.Parse(json.ToJsonString()));
        data[3] = original + 1.1 * allowance;
        Run(json);
    }
}
