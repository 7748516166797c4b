using System.Collections;

namespace Kiln.Data;

/// <summary>
/// Batches of a dataset (torch.utils.data.DataLoader with the default sampler and collation). Each enumeration
/// is one epoch; with <c>shuffle</c> every epoch draws a fresh permutation from the <see cref="Rng"/>, so the
/// same seed gives the same sequence of epochs.
/// </summary>
/// <remarks>
/// Batches reuse this loader's buffers: a yielded batch (its tensors) is valid until the next one is yielded, as the
/// compiled graphs' results are valid until their next call; the loader keeps one batch of BatchSize rows and one for
/// a smaller last batch, so steady-state batching allocates nothing (a fresh 256×784 float batch every step would be a
/// new large-object-heap array). The usual <c>foreach (var (x, y) in loader)</c> loop is unaffected; to keep a batch
/// past the next, <see cref="Batch.Clone"/> it, or pass <c>reuseBatches: false</c> for a new batch every time, as
/// torch's loader gives. Two enumerations of one loader in flight at once share the buffers too.
/// </remarks>
public sealed class DataLoader : IEnumerable<Batch>
{
    readonly IDataset dataset;
    readonly Rng? rng;
    Batch? fullBatch, lastBatch;

    /// <param name="rng">The shuffling generator; when null, <see cref="Rng.Default"/> at the start of each epoch.</param>
    /// <param name="reuseBatches">Whether batches are gathered into this loader's buffers (see the remarks).</param>
    public DataLoader(IDataset dataset, int batchSize = 1, bool shuffle = false, Rng? rng = null, bool dropLast = false, bool reuseBatches = true)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"DataLoader: batchSize must be positive, got {batchSize}.");
        this.dataset = dataset;
        this.rng = rng;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
        ReuseBatches = reuseBatches;
    }

    public IDataset Dataset => dataset;
    public int BatchSize { get; }
    public bool Shuffle { get; }
    public bool DropLast { get; }
    public bool ReuseBatches { get; }

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
            if (!ReuseBatches)
            {
                yield return dataset.GetBatch(order.AsSpan(start, length));
                continue;
            }
            bool full = length == BatchSize;
            var batch = dataset.GetBatch(order.AsSpan(start, length), full ? fullBatch : lastBatch);
            if (full) fullBatch = batch;
            else lastBatch = batch;
            yield return batch;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
