using Kiln.Data;
using Kiln.Tests.Shared;

namespace Kiln.Runtime.Tests.Data;

/// <summary>The loader's reused batch buffers: same values as fresh batches, nothing allocated per batch.</summary>
public class DataLoaderReuseTests
{
    static TensorDataset Dataset(int n, int width)
    {
        var features = new float[n * width];
        for (int i = 0; i < features.Length; i++) features[i] = i;
        return new TensorDataset(Tensor.FromArray(features, n, width), IntTensor.FromArray(Enumerable.Range(0, n).ToArray(), n));
    }

    static (float[] X, int[] Y)[] Contents(DataLoader loader) =>
        loader.Select(b => (((Tensor)b.Features).ToArray(), ((IntTensor)b.Labels).ToArray())).ToArray();

    [Fact]
    public void ReusedBatchesHoldTheSameValuesAsFreshOnes()
    {
        var reused = Contents(new DataLoader(Dataset(23, 3), batchSize: 5, shuffle: true, rng: new Rng(9)));
        var fresh = Contents(new DataLoader(Dataset(23, 3), batchSize: 5, shuffle: true, rng: new Rng(9), reuseBatches: false));
        Assert.Equal(fresh.Length, reused.Length);
        for (int i = 0; i < fresh.Length; i++)
        {
            Assert.Equal(fresh[i].X, reused[i].X);
            Assert.Equal(fresh[i].Y, reused[i].Y);
        }
    }

    [Fact]
    public void ABatchIsValidUntilTheNextAndCloneKeepsOne()
    {
        var loader = new DataLoader(Dataset(10, 2), batchSize: 4);
        var batches = loader.ToList();
        Assert.Same(batches[0], batches[1]);
        Assert.NotSame(batches[1], batches[2]);
        Assert.Equal(new[] { 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f }, ((Tensor)batches[0].Features).ToArray());   // the second batch's rows

        var kept = new List<Batch>();
        foreach (var batch in loader) kept.Add(batch.Clone());
        Assert.Equal(new[] { 0, 1, 2, 3 }, ((IntTensor)kept[0].Labels).ToArray());
        Assert.Equal(new[] { 4, 5, 6, 7 }, ((IntTensor)kept[1].Labels).ToArray());
        Assert.Equal(new[] { 8, 9 }, ((IntTensor)kept[2].Labels).ToArray());

        var fresh = new DataLoader(Dataset(10, 2), batchSize: 4, reuseBatches: false).ToList();
        Assert.NotSame(fresh[0], fresh[1]);
    }

    [Fact]
    public void IntLabelsReadAsFloatsFollowTheBatch()
    {
        var loader = new DataLoader(Dataset(6, 1), batchSize: 2);
        var seen = new List<float>();
        foreach (var (_, y) in loader)
        {
            Tensor asFloat = y;
            seen.AddRange(asFloat.ToArray());
        }
        Assert.Equal(new[] { 0f, 1, 2, 3, 4, 5 }, seen);
    }

    [Fact]
    public void AGradientFlagSetOnABatchDoesNotLeakIntoTheNext()
    {
        using var batches = new DataLoader(Dataset(6, 2), batchSize: 2).GetEnumerator();
        batches.MoveNext();
        Tensor x = batches.Current.Features;
        x.RequiresGrad = true;
        batches.MoveNext();
        Assert.False(((Tensor)batches.Current.Features).RequiresGrad);
    }

    [Fact]
    public void SteadyStateBatchingAllocatesNothing()
    {
        // 256 rows of 784 floats: an 800 KB batch, the case that used to allocate a large-object-heap array per step.
        const int rows = 256 * 75;   // more batches than the probe's 70 calls, in one epoch
        var dataset = new TensorDataset(Tensor.Zeros(rows, 784), IntTensor.Wrap(new int[rows], rows));
        var loader = new DataLoader(dataset, batchSize: 256, shuffle: true, rng: new Rng(1));
        using var batches = loader.GetEnumerator();
        long bytes = SteadyState.AllocatedBytes(() =>
        {
            if (!batches.MoveNext()) throw new InvalidOperationException("epoch ended during the probe");
            Tensor x = batches.Current.Features;
            IntTensor y = batches.Current.Labels;
            GC.KeepAlive(x);
            GC.KeepAlive(y);
        }, warmupCalls: 20, windows: 10, callsPerWindow: 5);
        Assert.Equal(0, bytes);
    }
}
