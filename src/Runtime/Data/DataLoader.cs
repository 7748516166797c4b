using System.Collections;

namespace Kiln.Data;

/// <summary>
/// Batches of a dataset (torch.utils.data.DataLoader with the default sampler and collation). Each enumeration
/// is one epoch; with <c>shuffle</c> every epoch draws a fresh permutation from the <see cref="Rng"/>, so the
/// same seed gives the same sequence of epochs. Batches gather their rows into new tensors.
/// </summary>
public sealed class DataLoader : IEnumerable<Batch>
{
    readonly IDataset dataset;
    readonly Rng? rng;

    /// <param name="rng">The shuffling generator; when null, <see cref="Rng.Default"/> at the start of each epoch.</param>
    public DataLoader(IDataset dataset, int batchSize = 1, bool shuffle = false, Rng? rng = null, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"DataLoader: batchSize must be positive, got {batchSize}.");
        this.dataset = dataset;
        this.rng = rng;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
    }

    public IDataset Dataset => dataset;
    public int BatchSize { get; }
    public bool Shuffle { get; }
    public bool DropLast { get; }

    /// <summary>The number of batches per epoch (len(loader)).</summary>
    public int Count => DropLast ? dataset.Count / BatchSize : (dataset.Count + BatchSize - 1) / BatchSize;

    public IEnumerator<Batch> GetEnumerator()
    {
        int n = dataset.Count;
        int[] order;
        if (Shuffle) order = (rng ?? Rng.Default).Permutation(n);
        else
        {
            order = new int[n];
            for (int i = 0; i < n; i++) order[i] = i;
        }
        int batches = Count;
        for (int b = 0; b < batches; b++)
        {
            int start = b * BatchSize;
            int length = Math.Min(BatchSize, n - start);
            yield return dataset.GetBatch(order.AsSpan(start, length));
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
