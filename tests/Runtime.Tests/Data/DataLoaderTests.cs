using Kiln.Data;

namespace Kiln.Runtime.Tests.Data;

public class DataLoaderTests
{
    /// <summary>Ten samples: features [i, 10 i] and label i, so each row names the sample it came from.</summary>
    static TensorDataset Numbered(int n = 10)
    {
        var features = new float[n * 2];
        var labels = new int[n];
        for (int i = 0; i < n; i++) (features[2 * i], features[2 * i + 1], labels[i]) = (i, 10 * i, i);
        return new TensorDataset(Tensor.FromArray(features, n, 2), IntTensor.FromArray(labels, n));
    }

    static int[] Order(DataLoader loader) => loader.SelectMany(b => b.Labels.AsIntTensor().ToArray()).ToArray();

    [Fact]
    public void WithoutShuffleBatchesComeInOrderWithASmallerLastBatch()
    {
        var loader = new DataLoader(Numbered(), batchSize: 4);
        Assert.Equal(3, loader.Count);
        var batches = loader.ToList();
        Assert.Equal(new[] { 4, 4, 2 }, batches.Select(b => b.Size));
        var (x, y) = batches[2];
        Assert.Equal(new[] { 2, 2 }, x.Shape);
        Assert.Equal(new[] { 8f, 80f, 9f, 90f }, ((Tensor)x).ToArray());
        Assert.Equal(new[] { 8, 9 }, ((IntTensor)y).ToArray());
    }

    [Fact]
    public void DropLastDropsTheIncompleteBatch()
    {
        var loader = new DataLoader(Numbered(), batchSize: 4, dropLast: true);
        Assert.Equal(2, loader.Count);
        Assert.Equal(new[] { 4, 4 }, loader.Select(b => b.Size));
        Assert.Equal(3, new DataLoader(Numbered(12), batchSize: 4, dropLast: true).Count());
    }

    [Fact]
    public void ShuffleIsAPermutationThatChangesPerEpochAndRepeatsPerSeed()
    {
        var loader = new DataLoader(Numbered(50), batchSize: 8, shuffle: true, rng: new Rng(3));
        var epoch1 = Order(loader);
        var epoch2 = Order(loader);
        Assert.Equal(Enumerable.Range(0, 50), epoch1.Order());
        Assert.Equal(Enumerable.Range(0, 50), epoch2.Order());
        Assert.NotEqual(Enumerable.Range(0, 50), epoch1);
        Assert.NotEqual(epoch1, epoch2);

        var again = new DataLoader(Numbered(50), batchSize: 8, shuffle: true, rng: new Rng(3));
        Assert.Equal(epoch1, Order(again));
        Assert.Equal(epoch2, Order(again));
        Assert.NotEqual(epoch1, Order(new DataLoader(Numbered(50), batchSize: 8, shuffle: true, rng: new Rng(4))));
    }

    [Fact]
    public void FeaturesAndLabelsStayTogetherWhenShuffled()
    {
        foreach (var (x, y) in new DataLoader(Numbered(20), batchSize: 6, shuffle: true, rng: new Rng(5)))
        {
            var features = ((Tensor)x).ToArray();
            var labels = ((IntTensor)y).ToArray();
            for (int i = 0; i < labels.Length; i++)
                Assert.Equal(new[] { (float)labels[i], 10f * labels[i] }, features[(2 * i)..(2 * i + 2)]);
        }
    }

    [Fact]
    public void FloatTargetsAndIntLabelsConvertWhereTheyAreUsed()
    {
        var regression = new TensorDataset(Tensor.FromArray(new[] { 1f, 2f, 3f }, 3, 1), Tensor.FromArray(new[] { 2f, 4f, 6f }, 3, 1));
        var (x, y) = new DataLoader(regression, batchSize: 3).First();
        Assert.False(y.IsInt);
        Assert.Equal(0f, Ops.MseLoss(Ops.Mul(x, 2f), y).Item());
        Assert.Throws<InvalidCastException>(() => (IntTensor)y);

        var classification = new TensorDataset(Tensor.FromArray(new[] { 5f, 0f, 0f, 5f }, 2, 2), IntTensor.FromArray(new[] { 0, 1 }, 2));
        var (logits, labels) = new DataLoader(classification, batchSize: 2).First();
        Assert.True(labels.IsInt);
        Assert.True(Ops.CrossEntropy(logits, labels).Item() < 0.01f);
        Assert.Equal(new[] { 0f, 1f }, ((Tensor)labels).ToArray());
    }

    [Fact]
    public void BatchColumnsAssignToTypedVariables()
    {
        int seen = 0;
        foreach (var (features, labels) in new DataLoader(Numbered(), batchSize: 5))
        {
            Tensor x = features;
            IntTensor y = labels;
            Assert.Same(x, (Tensor)features);
            Assert.Equal(new[] { 5, 2 }, x.Shape);
            Assert.Equal(new[] { 5 }, y.Shape);
            seen += y.Count;
        }
        Assert.Equal(10, seen);
    }

    [Fact]
    public void IndexFeaturesBatchToo()
    {
        var tokens = IntTensor.FromArray(new[] { 1, 2, 3, 4, 5, 6 }, 3, 2);
        var dataset = new TensorDataset(tokens, IntTensor.FromArray(new[] { 0, 1, 0 }, 3));
        var (x, _) = dataset[1];
        Assert.Equal(new[] { 1, 2 }, x.Shape);
        Assert.Equal(new[] { 3, 4 }, x.AsIntTensor().ToArray());
    }

    [Fact]
    public void MismatchedSampleCountsAndBadArgumentsAreRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TensorDataset(Tensor.Zeros(4, 2), IntTensor.FromArray(new[] { 0, 1, 2 }, 3)));
        Assert.Contains("tensor 0 [4,2] has 4 samples, tensor 1 [3] has 3", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(Numbered(), batchSize: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered()[10]);
    }
}

/// <summary>Tests that reseed <see cref="Rng.Default"/> run alone, so no parallel test draws from it in between.</summary>
[CollectionDefinition("Rng.Default", DisableParallelization = true)]
public sealed class DefaultRngCollection;

[Collection("Rng.Default")]
public class DataLoaderDefaultRngTests
{
    [Fact]
    public void WithoutAnRngShufflingFollowsTheDefaultGenerator()
    {
        var dataset = new TensorDataset(Tensor.Arange(30), IntTensor.FromArray(Enumerable.Range(0, 30).ToArray(), 30));
        var loader = new DataLoader(dataset, batchSize: 7, shuffle: true);
        Rng.ManualSeed(11);
        var first = loader.SelectMany(b => b.Labels.AsIntTensor().ToArray()).ToArray();
        Rng.ManualSeed(11);
        Assert.Equal(first, loader.SelectMany(b => b.Labels.AsIntTensor().ToArray()).ToArray());
        Assert.Equal(Enumerable.Range(0, 30), first.Order());
    }
}
