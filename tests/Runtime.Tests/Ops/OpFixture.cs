using System.Text.Json;
using Kiln.Runtime.Tests.Parity;

namespace Kiln.Runtime.Tests.OpTests;

/// <summary>
/// The PyTorch op fixtures (read by the parity harness's <see cref="Fixture"/>) as the conv, pool, norm and
/// embedding tests use them: it builds the inputs as leaves, runs the loss L = Σ output·upstream backwards and compares
/// outputs and gradients with the float64 reference.
/// </summary>
internal sealed class OpFixture
{
    readonly Fixture fixture;
    readonly Dictionary<string, Tensor> leaves = new();

    OpFixture(string name, Fixture fixture)
    {
        Name = name;
        this.fixture = fixture;
    }

    public string Name { get; }

    /// <summary>The case names (file names without .json) whose op is <paramref name="ops"/>, as theory data.</summary>
    public static TheoryData<string> CasesOf(params string[] ops)
    {
        var data = new TheoryData<string>();
        foreach (var name in FixtureCatalog.CaseNames())
            if (ops.Contains(FixtureCatalog.Load(name).Op)) data.Add(name);
        return data;
    }

    public static OpFixture Load(string name) => new(name, FixtureCatalog.Load(name));

    public JsonElement Attr(string name) => fixture.Attrs.GetProperty(name);

    public int IntAttr(string name) => Attr(name).GetInt32();

    /// <summary>An int attribute or a pair such as kernel_size [2, 3].</summary>
    public (int Height, int Width) PairAttr(string name)
    {
        var a = Attr(name);
        return a.ValueKind == JsonValueKind.Array ? (a[0].GetInt32(), a[1].GetInt32()) : (a.GetInt32(), a.GetInt32());
    }

    IReadOnlyDictionary<string, FixtureTensor> Section(string section) => section switch
    {
        "inputs" => fixture.Inputs,
        "params" => fixture.Params,
        "output" => fixture.Output,
        "upstream" => fixture.Upstream,
        "grads" => fixture.Grads,
        _ => throw new ArgumentOutOfRangeException(nameof(section), section, "not a fixture section"),
    };

    public bool Has(string section, string name) => Section(section).ContainsKey(name);

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

    public IntTensor Indices(string name) => fixture.Inputs[name].ToIntTensor();

    (float[] Data, int[] Shape) Floats(string section, string name)
    {
        var tensor = Section(section)[name];
        return (tensor.Data.Select(v => (float)v).ToArray(), tensor.Shape);
    }

    /// <summary>Compares an output with the reference: same shape, |mine − ref| ≤ 1e-5 + 1e-4·max|ref|.</summary>
    public void CheckOutput(string name, Tensor actual) => AssertClose($"output {name}", Floats("output", name), actual);

    /// <summary>Checks every output named in the fixture, backpropagates Σ output·upstream and checks every gradient.</summary>
    public void CheckAll(params (string Name, Tensor Value)[] outputs)
    {
        var byName = outputs.ToDictionary(o => o.Name, o => o.Value);
        foreach (var name in fixture.Output.Keys)
        {
            Assert.True(byName.ContainsKey(name), $"{Name}: output {name} was not produced.");
            CheckOutput(name, byName[name]);
        }
        Tensor? loss = null;
        foreach (var name in fixture.Upstream.Keys)
        {
            var (data, shape) = Floats("upstream", name);
            var term = Ops.Sum(Ops.Mul(byName[name], Tensor.FromArray(data, shape)));
            loss = loss is null ? term : Ops.Add(loss, term);
        }
        if (loss is null) return;
        loss.Backward();
        foreach (var name in fixture.Grads.Keys)
        {
            Assert.True(leaves.TryGetValue(name, out var leaf), $"{Name}: the test never built leaf {name}.");
            Assert.True(leaf!.Grad is not null, $"{Name}: {name} received no gradient.");
            AssertClose($"grad {name}", Floats("grads", name), leaf.Grad!);
        }
    }

    void AssertClose(string what, (float[] Data, int[] Shape) expected, Tensor actual)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{Name}: {what} has shape [{string.Join(",", actual.Shape)}], PyTorch's is [{string.Join(",", expected.Shape)}].");
        var values = actual.ToArray();
        double largest = expected.Data.Length == 0 ? 0 : expected.Data.Max(v => Math.Abs((double)v));
        double allowed = FixtureParityTests.AbsoluteTolerance + FixtureParityTests.RelativeTolerance * largest;
        for (int i = 0; i < values.Length; i++)
        {
            double error = Math.Abs(values[i] - (double)expected.Data[i]);
            if (!(error <= allowed))
                Assert.Fail($"{Name}: {what} element {i}: {values[i]} vs PyTorch {expected.Data[i]} (error {error:g3} > {allowed:g3}).");
        }
    }
}
