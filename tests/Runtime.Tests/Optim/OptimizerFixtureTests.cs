using Kiln.Optim;
using Kiln.Runtime.Tests.Nn;

namespace Kiln.Runtime.Tests.Optim;

public class OptimizerFixtureTests
{
    static readonly string[] Names = { "w", "b" };

    /// <summary>Replays a fixture: three steps with the recorded gradients, checking values after each and the final state.</summary>
    static (NnFixture Fixture, Dictionary<string, Tensor> Params) Replay(string caseName, Func<IEnumerable<Tensor>, Optimizer> create)
    {
        var fixture = NnFixture.Load(caseName);
        var parameters = Names.ToDictionary(n => n, n => (Tensor)new Kiln.Nn.Parameter(fixture.Params[n].Clone()));
        var optimizer = create(Names.Select(n => parameters[n]));
        for (int step = 1; step <= 3; step++)
        {
            foreach (var n in Names) parameters[n].Grad = fixture.Inputs[$"grad.step{step}.{n}"].Clone();
            optimizer.Step();
            foreach (var n in Names) NnFixture.AssertClose(fixture.Output[$"step{step}.{n}"], parameters[n], $"{caseName} step{step}.{n}");
        }
        return (fixture, parameters);
    }

    static float Attr(NnFixture f, string name) => (float)f.Attrs.GetProperty(name).GetDouble();

    [Theory]
    [InlineData("sgd_plain")]
    [InlineData("sgd_momentum")]
    [InlineData("sgd_momentum_dampening")]
    [InlineData("sgd_weight_decay")]
    [InlineData("sgd_momentum_wd_nesterov")]
    public void SgdMatchesPyTorchOverThreeSteps(string caseName)
    {
        Sgd? sgd = null;
        var (fixture, parameters) = Replay(caseName, ps =>
        {
            var f = NnFixture.Load(caseName);
            return sgd = new Sgd(ps, Attr(f, "lr"), Attr(f, "momentum"), Attr(f, "dampening"), Attr(f, "weight_decay"), f.Attrs.GetProperty("nesterov").GetBoolean());
        });
        foreach (var n in Names)
        {
            var buffer = sgd!.MomentumBuffer(parameters[n]);
            if (fixture.Output.TryGetValue($"state.momentum_buffer.{n}", out var expected))
                NnFixture.AssertClose(expected, buffer ?? throw new Xunit.Sdk.XunitException("no momentum buffer"), $"{caseName} momentum_buffer.{n}");
            else Assert.Null(buffer);
        }
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("adam_lr0.01_wd")]
    public void AdamMatchesPyTorchOverThreeStepsWithState(string caseName)
    {
        Adam? adam = null;
        var (fixture, parameters) = Replay(caseName, ps =>
        {
            var f = NnFixture.Load(caseName);
            var betas = f.Attrs.GetProperty("betas").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
            return adam = new Adam(ps, Attr(f, "lr"), (betas[0], betas[1]), Attr(f, "eps"), Attr(f, "weight_decay"));
        });
        foreach (var n in Names)
        {
            Assert.Equal(fixture.Output[$"state.step.{n}"].Item(), adam!.StepCount(parameters[n]));
            NnFixture.AssertClose(fixture.Output[$"state.exp_avg.{n}"], adam.ExpAvg(parameters[n])!, $"{caseName} exp_avg.{n}");
            NnFixture.AssertClose(fixture.Output[$"state.exp_avg_sq.{n}"], adam.ExpAvgSq(parameters[n])!, $"{caseName} exp_avg_sq.{n}");
        }
    }
}
