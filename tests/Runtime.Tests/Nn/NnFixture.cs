using System.Text.Json;
using Kiln.Runtime.Tests.Parity;

namespace Kiln.Runtime.Tests.Nn;

/// <summary>
/// The PyTorch fixtures as these module and optimizer tests use them: each tensor section as name → float tensor,
/// in file order, read by the parity harness (<see cref="Fixture"/>, <see cref="FixtureCatalog"/>).
/// </summary>
internal sealed class NnFixture
{
    public required string Op { get; init; }
    public required JsonElement Attrs { get; init; }
    public required Dictionary<string, Tensor> Inputs { get; init; }
    public required Dictionary<string, Tensor> Params { get; init; }
    public required Dictionary<string, Tensor> Output { get; init; }
    public required Dictionary<string, Tensor> Upstream { get; init; }
    public required Dictionary<string, Tensor> Grads { get; init; }

    /// <summary>Reads the case through the parity harness's reader and folder lookup; every tensor, int64 ones included, as floats.</summary>
    public static NnFixture Load(string caseName)
    {
        var fixture = FixtureCatalog.Load(caseName);
        return new NnFixture
        {
            Op = fixture.Op,
            Attrs = fixture.Attrs,
            Inputs = AsFloats(fixture.Inputs),
            Params = AsFloats(fixture.Params),
            Output = AsFloats(fixture.Output),
            Upstream = AsFloats(fixture.Upstream),
            Grads = AsFloats(fixture.Grads),
        };
    }

    static Dictionary<string, Tensor> AsFloats(IReadOnlyDictionary<string, FixtureTensor> section)
    {
        var result = new Dictionary<string, Tensor>();
        foreach (var (name, tensor) in section) result[name] = Tensor.FromArray(tensor.Data.Select(v => (float)v).ToArray(), tensor.Shape);
        return result;
    }

    /// <summary>|actual − expected| ≤ 1e-5 + 1e-4 · max|expected|, the issue's parity tolerance.</summary>
    public static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{what}: shape [{string.Join(",", actual.Shape)}], expected [{string.Join(",", expected.Shape)}]");
        var e = expected.ToArray();
        var a = actual.ToArray();
        float scale = e.Length == 0 ? 0f : e.Max(MathF.Abs);
        float allowed = (float)(FixtureParityTests.AbsoluteTolerance + FixtureParityTests.RelativeTolerance * scale);
        for (int i = 0; i < e.Length; i++)
            Assert.True(MathF.Abs(e[i] - a[i]) <= allowed, $"{what}[{i}]: {a[i]} vs PyTorch {e[i]} (allowed {allowed})");
    }
}
