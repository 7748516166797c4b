using Kiln.Optim;
using Kiln.Runtime.Tests.Nn;

namespace Kiln.Runtime.Tests.Optim;

public class OptimizerFixtureTests
{
    public static TheoryData<string> SgdCases => Kiln.Runtime.Tests.OpTests.OpFixture.CasesOf("sgd");
    public static TheoryData<string> AdamCases => Kiln.Runtime.Tests.OpTests.OpFixture.CasesOf("adam");

    /// <summary>The fixture's params, in file order (any number, any names).</summary>
    static string[] Names(NnFixture fixture) => fixture.Params.Keys.ToArray();

    /// <summary>
    /// Replays a fixture: as many steps as it records gradients for (grad.step{k}.{p}), checking values after each and
    /// the final state.
    /// </summary>
    static (NnFixture Fixture, Dictionary<string, Tensor> Params) Replay(string caseName, Func<IEnumerable<Tensor>, Optimizer> create)
    {
        var fixture = NnFixture.Load(caseName);
        var names = Names(fixture);
        var parameters = names.ToDictionary(n => n, n => (Tensor)new Kiln.Nn.Parameter(fixture.Params[n].Clone()));
        var optimizer = create(names.Select(n => parameters[n]));
        int steps = 0;
        while (names.All(n => fixture.Inputs.ContainsKey($"grad.step{steps + 1}.{n}"))) steps++;
        Assert.True(steps > 0, $"{caseName}: no grad.step1.{{param}} inputs for params {string.Join(", ", names)}.");
        Assert.Equal(steps * names.Length, fixture.Inputs.Keys.Count(k => k.StartsWith("grad.step", StringComparison.Ordinal)));
        for (int step = 1; step <= steps; step++)
        {
            foreach (var n in names) parameters[n].Grad = fixture.Inputs[$"grad.step{step}.{n}"].Clone();
            optimizer.Step();
            foreach (var n in names) NnFixture.AssertClose(fixture.Output[$"step{step}.{n}"], parameters[n], $"{caseName} step{step}.{n}");
        }
        return (fixture, parameters);
    }

    static float Attr(NnFixture f, string name) => (float)f.Attrs.GetProperty(name).GetDouble();

    [Theory]
    [MemberData(nameof(SgdCases))]
    public void SgdMatchesPyTorchOverEveryStep(string caseName)
    {
        Sgd? sgd = null;
        var (fixture, parameters) = Replay(caseName, ps =>
        {
            var f = NnFixture.Load(caseName);
            return sgd = new Sgd(ps, Attr(f, "lr"), Attr(f, "momentum"), Attr(f, "dampening"), Attr(f, "weight_decay"), f.Attrs.GetProperty("nesterov").GetBoolean());
        });
        foreach (var n in Names(fixture))
        {
            var buffer = sgd!.MomentumBuffer(parameters[n]);
            if (fixture.Output.TryGetValue($"state.momentum_buffer.{n}", out var expected))
                NnFixture.AssertClose(expected, buffer ?? throw new Xunit.Sdk.XunitException("no momentum buffer"), $"{caseName} momentum_buffer.{n}");
            else Assert.Null(buffer);
        }
    }

    [Theory]
    [MemberData(nameof(AdamCases))]
    public void AdamMatchesPyTorchOverEveryStepWithState(string caseName)
    {
        Adam? adam = null;
        var (fixture, parameters) = Replay(caseName, ps =>
        {
            var f = NnFixture.Load(caseName);
            var betas = f.Attrs.GetProperty("betas").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
            return adam = new Adam(ps, Attr(f, "lr"), (betas[0], betas[1]), Attr(f, "eps"), Attr(f, "weight_decay"));
        });
        foreach (var n in Names(fixture))
        {
            Assert.Equal(fixture.Output[$"state.step.{n}"].Item(), adam!.StepCount(parameters[n]));
            NnFixture.AssertClose(fixture.Output[$"state.exp_avg.{n}"], adam.ExpAvg(parameters[n])!, $"{caseName} exp_avg.{n}");
            NnFixture.AssertClose(fixture.Output[$"state.exp_avg_sq.{n}"], adam.ExpAvgSq(parameters[n])!, $"{caseName} exp_avg_sq.{n}");
        }
    }
}
