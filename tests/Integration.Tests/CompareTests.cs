using Kiln.Data;
using Kiln.Integration.Tests.Models;
using Kiln.Optim;
using Xunit.Abstractions;

namespace Kiln.Integration.Tests;

/// <summary>
/// Compare.Run on a real generated graph: the tape and the graph agree from the same initial weights, and a static
/// step that computes something else is caught.
/// </summary>
public sealed class CompareTests(ITestOutputHelper output)
{
    const int Steps = 12;

    static DataLoader Loader()
    {
        var rng = new Rng(3);
        var x = Tensor.Randn(new[] { 40, 6 }, rng);
        var y = IntTensor.FromArray(Enumerable.Range(0, 40).Select(_ => rng.NextInt(0, 3)).ToArray(), 40);
        return new DataLoader(new TensorDataset(x, y), batchSize: 16, shuffle: true, rng: new Rng(4));
    }

    static int seed;

    // Each call draws different weights, so the test also checks that the second model gets the first's.
    static TinyClassifier NewModel() => new(new Rng(Interlocked.Increment(ref seed)));

    [Fact]
    public void StaticAndDynamicAgree_AndTheGraphIsDescribed()
    {
        var result = Compare.Run(NewModel,
            (m, b) => m.Loss(b.Features, b.Labels),
            (m, b) => m.LossGraph.ForwardBackward(b.Features, b.Labels),
            p => new Sgd(p, lr: 0.5f, momentum: 0.9f),
            Loader(), Steps, graph: m => m.LossGraph, warmupSteps: 2, name: "tiny classifier");
        output.WriteLine(result.ToString());

        Assert.True(result.Agrees(1e-5), result.ToString());
        Assert.InRange(result.MaxLossDifference, 0, 1e-5);
        Assert.InRange(result.MaxGradientDifference, 0, 1e-5);
        Assert.Equal(Steps, result.DynamicLosses.Count);
        Assert.Equal(Steps, result.StaticLosses.Count);
        Assert.True(result.DynamicLosses[^1] < result.DynamicLosses[0], "the loss falls over 12 SGD steps");
        Assert.True(result.DynamicMicrosecondsPerStep > 0 && result.StaticMicrosecondsPerStep > 0);
        Assert.True(result.DynamicBytesPerStep > 0, "the tape allocates its nodes");

        var programs = result.Programs.ToDictionary(p => p.Name);
        Assert.Equal(new[] { "forward", "forward+backward", "vjp" }, programs.Keys.Order());
        Assert.Equal(0, programs["vjp"].ArenaBytes);       // Apply never called
        var training = programs["forward+backward"];
        Assert.True(training.Ops > training.Kernels && training.Kernels > 0, $"{training.Ops} ops, {training.Kernels} kernels");
        Assert.True(training.ArenaBytes > 0);
        Assert.Equal(0, programs["forward"].ArenaBytes);   // never called: nothing planned

        var table = result.ToString();
        Assert.Contains("tiny classifier", table);
        Assert.Contains("time / step", table);
        Assert.Contains("allocated / step", table);
        Assert.Contains("fused kernels", table);
    }

    [Fact]
    public void AStaticStepThatComputesSomethingElseIsDetected()
    {
        // The "static" side scales its loss by 1.01: losses and gradients differ by 1 % from the first step.
        var result = Compare.Run(NewModel,
            (m, b) => m.Loss(b.Features, b.Labels),
            (m, b) =>
            {
                var loss = m.Loss(b.Features, b.Labels) * 1.01f;
                loss.Backward();
                return loss;
            },
            p => new Sgd(p, lr: 0.5f),
            Loader(), steps: 4, warmupSteps: 1);
        output.WriteLine(result.ToString());

        Assert.False(result.Agrees());
        Assert.InRange(result.MaxLossDifference, 0.009, 0.011);
        Assert.InRange(result.MaxGradientDifference, 0.009, 0.1);
        Assert.Empty(result.Programs);
    }

    [Fact]
    public void AGradientOnlyMismatchIsDetected()
    {
        // Same loss, but the static side's step leaves fc2's bias gradient doubled.
        var result = Compare.Run(NewModel,
            (m, b) => m.Loss(b.Features, b.Labels),
            (m, b) =>
            {
                var loss = m.LossGraph.ForwardBackward(b.Features, b.Labels);
                var bias = m.Parameters().Last();
                bias.Grad!.MulInPlace(2f);
                return loss;
            },
            p => new Sgd(p, lr: 0.1f),
            Loader(), steps: 3, warmupSteps: 1);

        Assert.Equal(result.DynamicLosses[0], result.StaticLosses[0], 1e-6f);   // the first loss comes before any update
        Assert.False(result.Agrees());
        Assert.InRange(result.MaxGradientDifference, 0.99, 2);
        Assert.Equal("fc2.bias", result.WorstGradientParameter);
    }
}
