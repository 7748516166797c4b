using System.Text.Json;

namespace Kiln.Runtime.Tests.Nn;

/// <summary>
/// A minimal reader for the PyTorch fixtures these module and optimizer tests use (the general parity harness
/// lives elsewhere): each tensor section as name → float tensor, in file order.
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

    public static string Directory
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("KILN_FIXTURES");
            if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
            // The default is ../shared/fixtures/public next to the repository root; find the root from the test binary.
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Compiler.sln")))
                    return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", "public"));
            throw new InvalidOperationException("Fixtures: cannot find the repository root (Compiler.sln) above " + AppContext.BaseDirectory);
        }
    }

    public static NnFixture Load(string caseName)
    {
        var path = Path.Combine(Directory, caseName + ".json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        return new NnFixture
        {
            Op = root.GetProperty("op").GetString()!,
            Attrs = root.GetProperty("attrs").Clone(),
            Inputs = Section(root, "inputs"),
            Params = Section(root, "params"),
            Output = Section(root, "output"),
            Upstream = Section(root, "upstream"),
            Grads = Section(root, "grads"),
        };
    }

    static Dictionary<string, Tensor> Section(JsonElement root, string name)
    {
        var result = new Dictionary<string, Tensor>();
        if (!root.TryGetProperty(name, out var section)) return result;
        foreach (var entry in section.EnumerateObject())
        {
            var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var data = entry.Value.GetProperty("data").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
            result[entry.Name] = Tensor.FromArray(data, shape);
        }
        return result;
    }

    /// <summary>|actual − expected| ≤ 1e-5 + 1e-4 · max|expected|, the issue's parity tolerance.</summary>
    public static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{what}: shape [{string.Join(",", actual.Shape)}], expected [{string.Join(",", expected.Shape)}]");
        var e = expected.ToArray();
        var a = actual.ToArray();
        float scale = e.Length == 0 ? 0f : e.Max(MathF.Abs);
        float allowed = 1e-5f + 1e-4f * scale;
        for (int i = 0; i < e.Length; i++)
            Assert.True(MathF.Abs(e[i] - a[i]) <= allowed, $"{what}[{i}]: {a[i]} vs PyTorch {e[i]} (allowed {allowed})");
    }
}
