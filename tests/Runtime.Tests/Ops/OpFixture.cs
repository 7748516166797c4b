using System.Text.Json;

namespace Kiln.Runtime.Tests.OpTests;

/// <summary>
/// A minimal reader of the PyTorch op fixtures (format in shared/fixtures/README.md) for the conv, pool, norm and
/// embedding tests: it builds the inputs as leaves, runs the loss L = Σ output·upstream backwards and compares
/// outputs and gradients with the float64 reference.
/// </summary>
internal sealed class OpFixture
{
    readonly JsonElement root;
    readonly Dictionary<string, Tensor> leaves = new();

    OpFixture(string name, JsonElement root)
    {
        Name = name;
        this.root = root;
    }

    public string Name { get; }

    public static string Folder
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("KILN_FIXTURES");
            if (!string.IsNullOrEmpty(configured)) return configured;
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Compiler.sln"))) dir = dir.Parent;
            if (dir is null) throw new InvalidOperationException($"OpFixture: no Compiler.sln above {AppContext.BaseDirectory}; set KILN_FIXTURES.");
            return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", "public"));
        }
    }

    /// <summary>The case names (file names without .json) whose op is <paramref name="op"/>, as theory data.</summary>
    public static TheoryData<string> CasesOf(params string[] ops)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            if (ops.Contains(doc.RootElement.GetProperty("op").GetString())) data.Add(Path.GetFileNameWithoutExtension(file));
        }
        return data;
    }

    public static OpFixture Load(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name + ".json")));
        return new OpFixture(name, doc.RootElement.Clone());
    }

    public JsonElement Attr(string name) => root.GetProperty("attrs").GetProperty(name);

    public int IntAttr(string name) => Attr(name).GetInt32();

    /// <summary>An int attribute or a pair such as kernel_size [2, 3].</summary>
    public (int Height, int Width) PairAttr(string name)
    {
        var a = Attr(name);
        return a.ValueKind == JsonValueKind.Array ? (a[0].GetInt32(), a[1].GetInt32()) : (a.GetInt32(), a.GetInt32());
    }

    public bool Has(string section, string name) => root.GetProperty(section).TryGetProperty(name, out _);

    /// <summary>A float input or parameter as a leaf that requires grad (when the fixture has a gradient for it).</summary>
    public Tensor Leaf(string name)
    {
        var section = Has("inputs", name) ? "inputs" : "params";
        var (data, shape) = Floats(section, name);
        var t = Tensor.FromArray(data, shape);
        t.RequiresGrad = Has("grads", name);
        leaves[name] = t;
        return t;
    }

    public Tensor? OptionalLeaf(string name) => Has("inputs", name) || Has("params", name) ? Leaf(name) : null;

    public IntTensor Indices(string name)
    {
        var element = root.GetProperty("inputs").GetProperty(name);
        var shape = element.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var data = element.GetProperty("data").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        return IntTensor.FromArray(data, shape);
    }

    (float[] Data, int[] Shape) Floats(string section, string name)
    {
        var element = root.GetProperty(section).GetProperty(name);
        var shape = element.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var data = element.GetProperty("data").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        return (data, shape);
    }

    /// <summary>Compares an output with the reference: same shape, |mine − ref| ≤ 1e-5 + 1e-4·max|ref|.</summary>
    public void CheckOutput(string name, Tensor actual) => AssertClose($"output {name}", Floats("output", name), actual);

    /// <summary>Checks every output named in the fixture, backpropagates Σ output·upstream and checks every gradient.</summary>
    public void CheckAll(params (string Name, Tensor Value)[] outputs)
    {
        var byName = outputs.ToDictionary(o => o.Name, o => o.Value);
        foreach (var property in root.GetProperty("output").EnumerateObject())
        {
            Assert.True(byName.ContainsKey(property.Name), $"{Name}: output {property.Name} was not produced.");
            CheckOutput(property.Name, byName[property.Name]);
        }
        Tensor? loss = null;
        foreach (var property in root.GetProperty("upstream").EnumerateObject())
        {
            var (data, shape) = Floats("upstream", property.Name);
            var term = Ops.Sum(Ops.Mul(byName[property.Name], Tensor.FromArray(data, shape)));
            loss = loss is null ? term : Ops.Add(loss, term);
        }
        if (loss is null) return;
        loss.Backward();
        foreach (var property in root.GetProperty("grads").EnumerateObject())
        {
            Assert.True(leaves.TryGetValue(property.Name, out var leaf), $"{Name}: the test never built leaf {property.Name}.");
            Assert.True(leaf!.Grad is not null, $"{Name}: {property.Name} received no gradient.");
            AssertClose($"grad {property.Name}", Floats("grads", property.Name), leaf.Grad!);
        }
    }

    void AssertClose(string what, (float[] Data, int[] Shape) expected, Tensor actual)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{Name}: {what} has shape [{string.Join(",", actual.Shape)}], PyTorch's is [{string.Join(",", expected.Shape)}].");
        var values = actual.ToArray();
        double largest = expected.Data.Length == 0 ? 0 : expected.Data.Max(v => Math.Abs((double)v));
        double allowed = 1e-5 + 1e-4 * largest;
        for (int i = 0; i < values.Length; i++)
        {
            double error = Math.Abs(values[i] - (double)expected.Data[i]);
            if (!(error <= allowed))
                Assert.Fail($"{Name}: {what} element {i}: {values[i]} vs PyTorch {expected.Data[i]} (error {error:g3} > {allowed:g3}).");
        }
    }
}
