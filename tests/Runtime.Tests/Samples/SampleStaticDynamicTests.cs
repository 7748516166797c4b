using Kiln.Samples.LinearRegression;
using Kiln.Samples.TwoLayer;
using Xunit.Abstractions;

namespace Kiln.Runtime.Tests.Samples;

/// <summary>
/// Static ≡ dynamic for the samples: each sample's static run (its [Compile] loss through the generated LossGraph, which
/// the generator compiled into the sample's assembly) and its dynamic run (the tape), from the same seed and so the
/// same data and initial weights, agree over all of the sample's training steps: every step's loss and the final
/// parameters within 1e-4 relative.
/// <para>
/// The two-layer net drives its sum of squared errors from 673 down to 1e-6: its residuals ŷ − y end near 4e-5 while ŷ
/// and y are near 1, so each residual carries a float32 rounding error of a few ulps of y whichever mode computes it,
/// and a loss L inherits about 2·√L·δ from residual errors δ. Below L ≈ 1e-5 that exceeds 1e-4·L (the tape and the
/// graph evaluating the loss of the very same final parameters differ by 1.5e-4 relative), so its losses are held to
/// 1e-4·L + 2·√L·δ with δ = 4 ulps of the largest target; above L ≈ 1e-4 the relative term dominates. The linear
/// regression's losses stay far from that regime and are held to 1e-4 relative alone.
/// </para>
/// </summary>
public class SampleStaticDynamicTests(ITestOutputHelper output)
{
    const double RelativeTolerance = 1e-4;

    [Fact]
    public void TwoLayerNet_StaticStyleTrainsLikeTheNnStyle_OverAllSteps()
    {
        var dynamicRun = TwoLayerStyles.NnManualUpdate(TwoLayerStyles.Steps, null);
        var staticRun = TwoLayerStyles.StaticGraph(TwoLayerStyles.Steps, null);
        var (_, targets) = TwoLayerStyles.RandomData(new Rng(0));
        float largestTarget = targets.ToArray().Max(Math.Abs);
        double residualRounding = 4 * (MathF.BitIncrement(largestTarget) - largestTarget);

        Assert.NotNull(staticRun.Graph);
        Assert.Equal(TwoLayerStyles.Steps, staticRun.Losses.Count);
        Report(dynamicRun.Losses, staticRun.Losses);
        AssertLossesClose(dynamicRun.Losses, staticRun.Losses, residualRounding);
        AssertParametersClose(dynamicRun.Parameters, staticRun.Parameters);
    }

    [Fact]
    public void LinearRegression_StaticRunTrainsLikeTheDynamicRun_OverAllSteps()
    {
        var dynamicRun = LinearRegressionTraining.Train(epochs: 3);
        var staticRun = LinearRegressionTraining.Train(epochs: 3, compiled: true);

        Assert.Equal(300, dynamicRun.StepLosses.Count);
        Report(dynamicRun.StepLosses, staticRun.StepLosses);
        AssertLossesClose(dynamicRun.StepLosses, staticRun.StepLosses);
        AssertLossesClose(dynamicRun.EpochLosses, staticRun.EpochLosses);
        AssertParametersClose(
            new[] { Tensor.FromArray(dynamicRun.Weight, 1, 2), Tensor.FromArray(new[] { dynamicRun.Bias }, 1) },
            new[] { Tensor.FromArray(staticRun.Weight, 1, 2), Tensor.FromArray(new[] { staticRun.Bias }, 1) });
    }

    void Report(IReadOnlyList<float> dynamicLosses, IReadOnlyList<float> staticLosses)
    {
        int worst = Enumerable.Range(0, dynamicLosses.Count).MaxBy(t => Relative(dynamicLosses[t], staticLosses[t]));
        output.WriteLine($"largest relative loss difference {Relative(dynamicLosses[worst], staticLosses[worst]):0.0e+00} at step {worst} " +
            $"(tape {dynamicLosses[worst]:R}, graph {staticLosses[worst]:R}); final: tape {dynamicLosses[^1]:R}, graph {staticLosses[^1]:R}");
    }

    static double Relative(float expected, float actual) => Math.Abs((double)expected - actual) / Math.Abs((double)expected);

    /// <summary>Each step's losses within 1e-4 relative, plus 2·√L·δ for a sum-of-squares loss L whose residuals carry
    /// rounding errors δ (zero: relative alone).</summary>
    static void AssertLossesClose(IReadOnlyList<float> dynamicLosses, IReadOnlyList<float> staticLosses, double residualRounding = 0)
    {
        Assert.Equal(dynamicLosses.Count, staticLosses.Count);
        for (int t = 0; t < dynamicLosses.Count; t++)
        {
            double expected = dynamicLosses[t];
            double tolerance = RelativeTolerance * Math.Abs(expected) + 2 * Math.Sqrt(Math.Abs(expected)) * residualRounding;
            Assert.True(Math.Abs(expected - staticLosses[t]) <= tolerance,
                $"step {t}: tape loss {dynamicLosses[t]:R}, graph loss {staticLosses[t]:R} (tolerance {tolerance:0.0e+00})");
        }
    }

    /// <summary>Elementwise, relative to each tensor's largest magnitude (an element near zero cannot be compared relative
    /// to itself after a different, equally valid, float summation order).</summary>
    void AssertParametersClose(IReadOnlyList<Tensor> dynamicParameters, IReadOnlyList<Tensor> staticParameters)
    {
        Assert.Equal(dynamicParameters.Count, staticParameters.Count);
        double worst = 0;
        for (int p = 0; p < dynamicParameters.Count; p++)
        {
            Assert.Equal(dynamicParameters[p].Shape, staticParameters[p].Shape);
            var expected = dynamicParameters[p].ToArray();
            var actual = staticParameters[p].ToArray();
            double scale = expected.Max(Math.Abs);
            for (int i = 0; i < expected.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs((double)expected[i] - actual[i]) / scale);
                Assert.True(Math.Abs((double)expected[i] - actual[i]) <= RelativeTolerance * scale,
                    $"parameter {p}, element {i}: tape {expected[i]:R}, graph {actual[i]:R} (largest magnitude {scale:R})");
            }
        }
        output.WriteLine($"largest final-parameter difference, relative to its tensor's largest magnitude: {worst:0.0e+00}");
    }
}
