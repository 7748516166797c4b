using Xunit.Abstractions;

namespace Kiln.Runtime.Tests.Parity;

/// <summary>
/// PyTorch parity: every case in the fixture folder runs through <see cref="FixtureOps"/>, and every output, every
/// gradient of L = Σ_k sum(output_k ⊙ upstream_k) and every optimizer state is compared with PyTorch's values.
/// </summary>
public class FixtureParityTests
{
    /// <summary>Allowed error per tensor: absolute 1e-5 plus 1e-4 of the largest reference magnitude.</summary>
    public const double AbsoluteTolerance = 1e-5, RelativeTolerance = 1e-4;

    readonly ITestOutputHelper output;

    public FixtureParityTests(ITestOutputHelper output) => this.output = output;

    public static IEnumerable<object[]> Cases => FixtureCatalog.CaseNames().Select(name => new object[] { name });

    [Theory]
    [MemberData(nameof(Cases))]
    public void CaseMatchesPyTorch(string caseName) => Check(FixtureCatalog.Load(caseName));

    [Fact]
    public void FixtureFolderHasCasesAndEveryCasePasses()
    {
        var names = FixtureCatalog.CaseNames();
        var failuresByOp = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var casesByOp = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var worstByCase = new Dictionary<string, double>();
        foreach (var name in names)
        {
            var fixture = FixtureCatalog.Load(name);
            casesByOp[fixture.Op] = casesByOp.GetValueOrDefault(fixture.Op) + 1;
            try { worstByCase[name] = Check(fixture); }
            catch (Exception e)
            {
                if (!failuresByOp.TryGetValue(fixture.Op, out var list)) failuresByOp[fixture.Op] = list = new List<string>();
                list.Add($"{name}: {e.Message.Split('\n')[0]}");
            }
        }
        int failed = failuresByOp.Values.Sum(l => l.Count);
        var lines = new List<string>
        {
            $"PyTorch parity: {names.Count} fixture cases ran from {string.Join(" and ", FixtureCatalog.Directories)}: {names.Count - failed} passed, {failed} failed.",
            "Cases by op: " + string.Join(", ", casesByOp.Select(p => $"{p.Key} {p.Value}")),
            "Closest to the tolerance (largest error / allowed error): " +
                string.Join(", ", worstByCase.OrderByDescending(p => p.Value).Take(5).Select(p => $"{p.Key} {p.Value:0.000}")),
        };
        foreach (var (op, failures) in failuresByOp)
            lines.AddRange(failures.Select(f => $"  FAILED [{op}] {f}"));
        foreach (var line in lines)
        {
            output.WriteLine(line);
            Console.WriteLine(line);
        }
        bool sharedHasCases = System.IO.Directory.Exists(FixtureCatalog.Directory) && System.IO.Directory.EnumerateFiles(FixtureCatalog.Directory, "*.json").Any();
        Assert.True(sharedHasCases,
            $"No *.json fixture cases in {FixtureCatalog.Directory} (set {FixtureCatalog.EnvironmentVariable} to the fixture folder).");
        // The report is the place to see every failure at once; it fails with all of them, not only the first.
        Assert.True(failed == 0, string.Join("\n", lines));
    }

    /// <summary>Runs one case and throws on the first tensor that differs; returns the largest error as a fraction of its tolerance.</summary>
    internal static double Check(Fixture fixture)
    {
        double worst = 0;
        var values = new FixtureValues(fixture);
        var results = FixtureOps.Run(fixture, values);
        var unread = fixture.UnconsumedAttrs().ToArray();
        if (unread.Length > 0)
            throw new Xunit.Sdk.XunitException($"{fixture.Case}: FixtureOps ignores attrs {string.Join(", ", unread)} of op '{fixture.Op}'.");

        foreach (var (name, expected) in fixture.Output)
        {
            if (expected.IsInteger)
            {
                if (!results.Integers.TryGetValue(name, out var actualInts))
                    throw new Xunit.Sdk.XunitException($"{fixture.Case}: Kiln produced no int64 output '{name}' (it produced {Produced(results)}).");
                CompareIntegers(fixture.Case, $"output '{name}'", expected, actualInts);
            }
            else
            {
                if (!results.Floats.TryGetValue(name, out var actual))
                    throw new Xunit.Sdk.XunitException($"{fixture.Case}: Kiln produced no output '{name}' (it produced {Produced(results)}).");
                worst = Math.Max(worst, Compare(fixture.Case, $"output '{name}'", expected, actual));
            }
        }

        if (fixture.Grads.Count == 0) return worst;
        if (fixture.Upstream.Count == 0)
            throw new Xunit.Sdk.XunitException($"{fixture.Case}: the fixture lists gradients but no upstream to form L from.");
        Tensor? loss = null;
        foreach (var (name, upstream) in fixture.Upstream)
        {
            var term = Ops.Sum(Ops.Mul(results.Floats[name], upstream.ToTensor()));
            loss = loss is null ? term : Ops.Add(loss, term);
        }
        loss!.Backward();
        foreach (var (name, expected) in fixture.Grads)
        {
            var tensor = results.GradientSources.GetValueOrDefault(name) ?? values[name];
            // A leaf that nothing on the tape reached has no gradient: that is a zero gradient.
            var grad = tensor.Grad ?? Tensor.Zeros(tensor.Shape);
            worst = Math.Max(worst, Compare(fixture.Case, $"grad '{name}'", expected, grad));
        }
        return worst;
    }

    static string Produced(FixtureOutputs results) => string.Join(", ", results.Floats.Keys.Concat(results.Integers.Keys));

    static double Compare(string caseName, string what, FixtureTensor expected, Tensor actual)
    {
        if (!expected.Shape.SequenceEqual(actual.Shape))
            throw new Xunit.Sdk.XunitException($"{caseName}: {what}: shape {Format(actual.Shape)}, expected {expected.ShapeText}.");
        var data = actual.ToArray();
        double maxRef = expected.Data.Length == 0 ? 0 : expected.Data.Max(Math.Abs);
        double tolerance = AbsoluteTolerance + RelativeTolerance * maxRef;
        double worst = 0;
        for (int i = 0; i < data.Length; i++)
        {
            double error = Math.Abs(data[i] - expected.Data[i]);
            worst = Math.Max(worst, error / tolerance);
            if (!(error <= tolerance))
                throw new Xunit.Sdk.XunitException(
                    $"{caseName}: {what} at index {i} {Index(expected.Shape, i)}: expected {expected.Data[i]:R}, actual {data[i]:R} " +
                    $"(|error| {error:g3} > tolerance {tolerance:g3}).");
        }
        return worst;
    }

    static void CompareIntegers(string caseName, string what, FixtureTensor expected, IntTensor actual)
    {
        if (!expected.Shape.SequenceEqual(actual.Shape))
            throw new Xunit.Sdk.XunitException($"{caseName}: {what}: shape {Format(actual.Shape)}, expected {expected.ShapeText}.");
        var data = actual.ToArray();
        for (int i = 0; i < data.Length; i++)
            if (data[i] != expected.Data[i])
                throw new Xunit.Sdk.XunitException($"{caseName}: {what} at index {i} {Index(expected.Shape, i)}: expected {expected.Data[i]}, actual {data[i]}.");
    }

    static string Format(int[] shape) => "[" + string.Join(",", shape) + "]";

    /// <summary>The multi-dimensional position of a flat row-major index, e.g. (1,0,2).</summary>
    static string Index(int[] shape, int flat)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return "(" + string.Join(",", index) + ")";
    }
}
