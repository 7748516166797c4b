using System.Diagnostics;
using Kiln.Data;
using Kiln.Samples.FashionMnist;
using Xunit.Abstractions;

namespace Kiln.Runtime.Tests.Samples;

/// <summary>
/// The Fashion-MNIST sample on its shipped subset (10 000 train / 2 000 test): one epoch of softmax regression in each
/// mode. Static ≡ dynamic: every step's loss within 1e-4 relative and the same test accuracy (the static one read
/// through LogitsGraph.Forward); and the model learns: after one epoch (40 steps of SGD lr 0.1) it reached 0.5385 test
/// accuracy when this test was written, so 0.50 is the bound (chance is 0.10).
/// </summary>
public class FashionMnistSampleTests(ITestOutputHelper output)
{
    [Fact]
    public void SoftmaxRegression_OneEpochOnTheShippedSubset_StaticMatchesDynamicAndLearns()
    {
        var clock = Stopwatch.StartNew();
        string folder = FashionTraining.ShippedSubset();
        var train = Mnist.Load(folder, train: true, MnistLayout.Image);
        var test = Mnist.Load(folder, train: false, MnistLayout.Image);
        Assert.Equal(10_000, train.Count);
        Assert.Equal(2_000, test.Count);

        var dynamicRun = FashionTraining.Train(ModelKind.SoftmaxRegression, train, test, epochs: 1, useStatic: false);
        var staticRun = FashionTraining.Train(ModelKind.SoftmaxRegression, train, test, epochs: 1, useStatic: true);
        output.WriteLine($"dynamic: loss {dynamicRun.Epochs[0].TrainLoss:F4}, test accuracy {dynamicRun.TestAccuracy:F4}; " +
            $"static: loss {staticRun.Epochs[0].TrainLoss:F4}, test accuracy {staticRun.TestAccuracy:F4}; {clock.Elapsed.TotalSeconds:F1} s");

        Assert.Equal(40, dynamicRun.StepLosses.Count);
        Assert.Equal(dynamicRun.StepLosses.Count, staticRun.StepLosses.Count);
        for (int t = 0; t < dynamicRun.StepLosses.Count; t++)
            Assert.True(Math.Abs(dynamicRun.StepLosses[t] - staticRun.StepLosses[t]) <= 1e-4 * Math.Abs(dynamicRun.StepLosses[t]),
                $"step {t}: tape {dynamicRun.StepLosses[t]:R}, graph {staticRun.StepLosses[t]:R}");
        Assert.Equal(dynamicRun.TestAccuracy, staticRun.TestAccuracy, 3);
        Assert.InRange(dynamicRun.TestAccuracy, 0.50, 1.0);
        Assert.InRange(staticRun.TestAccuracy, 0.50, 1.0);
        Assert.True(dynamicRun.StepLosses[^1] < 0.6 * dynamicRun.StepLosses[0], "the loss falls from ln 10 ≈ 2.3");
        Assert.Equal(dynamicRun.StepLosses.Average(l => (double)l), dynamicRun.Epochs[0].TrainLoss, 1e-9);
        Assert.InRange(staticRun.Epochs[0].TrainLoss, 0.5, 1.5);
    }
}
