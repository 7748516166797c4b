using System.Diagnostics;
using Kiln.Data;
using Kiln.Samples.Cnn;
using Xunit.Abstractions;

namespace Kiln.Runtime.Tests.Samples;

/// <summary>
/// The Cnn sample on the shipped Fashion-MNIST subset, short: 15 steps of SGD (lr 0.05, momentum 0.9, batch 128) in
/// each mode from the same weights. Static ≡ dynamic: every step's loss within 1e-4 relative and the same test
/// accuracy (the static one through LogitsGraph.Forward); the loss falls from ln 10 ≈ 2.3.
/// </summary>
public class CnnSampleTests(ITestOutputHelper output)
{
    [Fact]
    public void FifteenSteps_StaticMatchesDynamicAndLearns()
    {
        var clock = Stopwatch.StartNew();
        string folder = CnnTraining.ShippedSubset();
        var train = Mnist.Load(folder, train: true, MnistLayout.Image);
        var test = Mnist.Load(folder, train: false, MnistLayout.Image, limit: 500);
        var dynamicRun = CnnTraining.Train(train, test, epochs: 1, useStatic: false, maxSteps: 15);
        var staticRun = CnnTraining.Train(train, test, epochs: 1, useStatic: true, maxSteps: 15);
        output.WriteLine($"dynamic: {string.Join(" ", dynamicRun.StepLosses.Select(l => l.ToString("F3")))} accuracy {dynamicRun.TestAccuracy:F3}; " +
            $"static accuracy {staticRun.TestAccuracy:F3}; {clock.Elapsed.TotalSeconds:F1} s");

        Assert.Equal(15, dynamicRun.StepLosses.Count);
        for (int t = 0; t < dynamicRun.StepLosses.Count; t++)
            Assert.True(Math.Abs(dynamicRun.StepLosses[t] - staticRun.StepLosses[t]) <= 1e-4 * Math.Abs(dynamicRun.StepLosses[t]),
                $"step {t}: tape {dynamicRun.StepLosses[t]:R}, graph {staticRun.StepLosses[t]:R}");
        Assert.Equal(dynamicRun.TestAccuracy, staticRun.TestAccuracy, 3);
        Assert.True(dynamicRun.StepLosses.TakeLast(5).Average() < 0.85 * dynamicRun.StepLosses[0], "the loss falls from ln 10");
        Assert.InRange(dynamicRun.TestAccuracy, 0.2, 1.0);
    }
}
