using System.Text.Json.Nodes;

namespace Kiln.Runtime.Tests.Parity;

/// <summary>The parity harness itself must fail on a wrong value, a wrong gradient, an unknown op or an unread attr.</summary>
public class FixtureHarnessTests
{
    static JsonNode Case(string name) =>
        JsonNode.Parse(File.ReadAllText(FixtureCatalog.PathOf(name)))!;

    /// <summary>
    /// The <paramref name="preferred"/> case, or else the first case (by name) that has what the test needs, so the
    /// harness tests run on any fixture folder, a smaller or different one included.
    /// </summary>
    static (string Name, JsonNode Json) Find(string preferred, string need, Func<JsonNode, bool> has)
    {
        var names = FixtureCatalog.CaseNames();
        foreach (var name in names.Contains(preferred) ? names.Prepend(preferred) : names)
        {
            var json = Case(name);
            if (has(json)) return (name, json);
        }
        throw new Xunit.Sdk.XunitException($"No fixture case in {string.Join(" or ", FixtureCatalog.Directories)} has {need}.");
    }

    static bool IsOp(JsonNode json, string op) => json["op"]!.GetValue<string>() == op;
    static bool HasFloat(JsonNode json, string section, string name) =>
        json[section]?[name] is { } t && t["dtype"]!.GetValue<string>() == "float32" && t["data"]!.AsArray().Count > 0;

    static Exception Run(JsonNode json) =>
        Assert.ThrowsAny<Exception>(() => FixtureParityTests.Check(Fixture.Parse(json.ToJsonString())));

    [Fact]
    public void UnchangedCasePasses() =>
        FixtureParityTests.Check(Fixture.Parse(Find("mul_bcast_3d", "a mul case", j => IsOp(j, "mul")).Json.ToJsonString()));

    [Fact]
    public void WrongOutputValueFailsNamingCaseTensorAndIndex()
    {
        var (name, json) = Find("mul_bcast_3d", "a float output 'out'", j => HasFloat(j, "output", "out"));
        var data = json["output"]!["out"]!["data"]!.AsArray();
        int index = data.Count / 2; // any element the case has, whatever its shape
        double expected = data[index]!.GetValue<double>() + 0.01;
        data[index] = expected;
        var error = Run(json);
        Assert.Contains(name, error.Message);
        Assert.Contains("output 'out'", error.Message);
        Assert.Contains($"index {index} ", error.Message);
        Assert.Contains(expected.ToString("R", System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }

    [Fact]
    public void WrongGradientFails()
    {
        var json = Find("softmax_3d_dim1", "a gradient 'x'", j => HasFloat(j, "grads", "x")).Json;
        var data = json["grads"]!["x"]!["data"]!.AsArray();
        // Well above the tolerance (1e-5 + 1e-4·max|ref|) for any reference up to magnitude 10.
        data[0] = data[0]!.GetValue<double>() + 1e-2;
        Assert.Contains("grad 'x' at index 0", Run(json).Message);
    }

    [Fact]
    public void WrongIndicesFail()
    {
        var json = Find("max_dim1", "a max case", j => IsOp(j, "max")).Json;
        var data = json["output"]!["indices"]!["data"]!.AsArray();
        // Another valid index along the reduced dimension, whatever its size.
        int dim = json["attrs"]!["dim"]!.GetValue<int>();
        var shape = json["inputs"]!["x"]!["shape"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray();
        int size = shape[dim < 0 ? dim + shape.Length : dim];
        Assert.True(size > 1, $"{json["case"]}: dimension {dim} of x has {size} element(s); a wrong index needs two.");
        data[0] = (data[0]!.GetValue<long>() + 1) % size;
        Assert.Contains("output 'indices' at index 0", Run(json).Message);
    }

    [Fact]
    public void WrongOptimizerStateFails()
    {
        var json = Find("adam", "an adam case", j => IsOp(j, "adam")).Json;
        // The last state tensor the case lists, whatever its params and their sizes; its last element (a relative
        // change, as exp_avg_sq is positive and far above the tolerance's absolute part).
        var (name, tensor) = json["output"]!.AsObject().Last(p => p.Key.StartsWith("state.exp_avg_sq.", StringComparison.Ordinal));
        var data = tensor!["data"]!.AsArray();
        data[^1] = data[^1]!.GetValue<double>() * 1.01 + 1e-3;
        Assert.Contains(name, Run(json).Message);
    }

    [Fact]
    public void UnknownOpFailsInsteadOfBeingSkipped()
    {
        var json = Find("exp", "a case", _ => true).Json;
        json["op"] = "expm1";
        Assert.Contains("'expm1'", Run(json).Message);
    }

    [Fact]
    public void AttributeTheTableDoesNotReadFails()
    {
        var json = Find("softmax_dim0", "a case with attrs", j => j["attrs"] is JsonObject).Json;
        json["attrs"]!["dtype"] = "float64";
        Assert.Contains("dtype", Run(json).Message);
    }

    [Fact]
    public void UnsupportedAttributeValueFails()
    {
        var json = Find("max_pool1d_k2", "a case with attr ceil_mode", j => j["attrs"]?["ceil_mode"] is not null).Json;
        json["attrs"]!["ceil_mode"] = true;
        Assert.Contains("ceil_mode", Run(json).Message);
    }

    [Fact]
    public void ToleranceIsAbsolutePlusRelativeToTheLargestReference()
    {
        // 1e-5 + 1e-4·max|ref|: a shift of 0.9 of the allowance passes, 1.1 of it fails.
        var json = Find("exp", "a float output 'out'", j => HasFloat(j, "output", "out")).Json;
        var data = json["output"]!["out"]!["data"]!.AsArray();
        double max = data.Max(v => Math.Abs(v!.GetValue<double>()));
        double allowance = FixtureParityTests.AbsoluteTolerance + FixtureParityTests.RelativeTolerance * max;
        int index = data.Count - 1;
        double original = data[index]!.GetValue<double>();
        data[index] = original + 0.9 * allowance;
        FixtureParityTests.Check(Fixture.Parse(json.ToJsonString()));
        data[index] = original + 1.1 * allowance;
        Run(json);
    }
}
