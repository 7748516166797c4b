using Kiln.Data;
using Kiln.Optim;
using Kiln.Samples.LayerTour;

namespace Kiln.Runtime.Tests.Samples;

/// <summary>
/// The LayerTour sample: every layer's generated graph gives the tape's tensor, the shapes and values are the
/// tutorial's, Dropout behaves in both modes, and the tour's loss trains the same both ways (Kiln.Compare) and falls.
/// </summary>
public class LayerTourSampleTests
{
    [Fact]
    public void EveryLayer_StaticMatchesDynamic()
    {
        var tour = new Tour();
        foreach (var result in tour.All())
        {
            Assert.True(result.SameShape, $"{result.Name}: shapes differ");
            Assert.True(result.MaxDifference < 1e-5, $"{result.Name}: differs by {result.MaxDifference}");
        }
    }

    [Fact]
    public void Layers_GiveTheTutorialsShapesAndValues()
    {
        var tour = new Tour();
        var embedded = tour.Embedding().Dynamic;
        Assert.Equal(new[] { 2, 4, 4 }, embedded.Shape);
        Assert.All(embedded.ToArray().Take(4), v => Assert.Equal(0f, v));   // index 0 is the padding row
        Assert.Equal(new float[] { 13, 14, 15, 16 }, tour.MaxPoolTall().Dynamic.ToArray());
        Assert.Equal(new float[] { 3, 3, 5, 5 }, tour.MaxPoolPairs().Dynamic.ToArray());
        Assert.Equal(new float[] { 3.5f, 5.5f, 11.5f, 13.5f }, tour.AvgPoolSquares().Dynamic.ToArray());
        Assert.Equal(new float[] { 1.5f, 3.5f, 5.5f }, tour.AvgPoolPairs().Dynamic.ToArray());
        Assert.Equal(new[] { 3, 7, 8 }, tour.RnnOutput().Dynamic.Shape);
        Assert.Equal(new[] { 2, 3, 8 }, tour.RnnHidden().Dynamic.Shape);
        Assert.Equal(new[] { 1, 3, 5 }, tour.Convolve().Dynamic.Shape);
        var columns = Ops.Mean(tour.BatchNormalize().Dynamic, 0).ToArray();
        var rows = Ops.Mean(tour.LayerNormalize().Dynamic, 1).ToArray();
        Assert.All(columns, m => Assert.Equal(0, m, 1e-5));
        Assert.All(rows, m => Assert.Equal(0, m, 1e-5));
    }

    [Fact]
    public void Dropout_ZeroesAndScalesInTraining_IsTheIdentityInEval()
    {
        var tour = new Tour();
        var train = tour.Drop(training: true);
        foreach (var t in new[] { train.Dynamic, train.Static })
        {
            Assert.All(t.ToArray(), v => Assert.True(v == 0 || Math.Abs(v - 2.5f) < 1e-6, $"{v} is neither 0 nor 2.5"));
            Assert.InRange(t.ToArray().Count(v => v == 0), 4, 19);
        }
        var eval = tour.Drop(training: false);
        Assert.All(eval.Dynamic.ToArray(), v => Assert.Equal(1f, v));
        Assert.All(eval.Static.ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void TourLoss_TrainsTheSameBothWays_AndFalls()
    {
        var data = new TensorDataset(Tensor.Randn(new[] { 128, 2, 10 }, new Rng(3)),
            IntTensor.FromArray(Enumerable.Range(0, 128).Select(i => i % 3).ToArray(), 128));
        var result = Compare.Run(() => new Layers(new Rng(0)), (m, b) => m.Loss(b.Features, b.Labels),
            (m, b) => m.LossGraph.ForwardBackward(b.Features, b.Labels), p => new Adam(p, 1e-2f),
            new DataLoader(data, 128), steps: 30, warmupSteps: 1);
        Assert.True(result.Agrees(1e-4), result.ToString());
        Assert.True(result.DynamicLosses[^1] < 0.95 * result.DynamicLosses[0], result.ToString());
    }

    [Theory]
    [InlineData(299, 306, "static 1.02x slower")]
    [InlineData(306, 299, "static 1.02x faster")]
    [InlineData(300, 150, "static 2.0x faster")]
    [InlineData(100, 250, "static 2.5x slower")]
    public void SpeedNote_SaysSlowerWhenTheStaticStepIsSlower(double dynamicMicroseconds, double staticMicroseconds, string expected) =>
        Assert.Equal(expected, Compare.SpeedNote(dynamicMicroseconds, staticMicroseconds));
}
