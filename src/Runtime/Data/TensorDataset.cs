namespace Kiln.Data;

/// <summary>A dataset a <see cref="DataLoader"/> can batch: a number of samples and a way to gather some of them.</summary>
public interface IDataset
{
    int Count { get; }

    /// <summary>The samples at <paramref name="indices"/>, stacked into one batch.</summary>
    Batch GetBatch(ReadOnlySpan<int> indices);

    /// <summary>
    /// The samples at <paramref name="indices"/>, written into <paramref name="reuse"/> when it is a batch this dataset
    /// returned earlier for as many samples (its tensors are overwritten and it is returned), else a new batch. The
    /// <see cref="DataLoader"/> calls this so that steady-state batching allocates nothing; the default ignores
    /// <paramref name="reuse"/> and calls <see cref="GetBatch(ReadOnlySpan{int})"/>.
    /// </summary>
    Batch GetBatch(ReadOnlySpan<int> indices, Batch? reuse) => GetBatch(indices);
}

/// <summary>
/// Tensors whose first dimension indexes the samples (torch.utils.data.TensorDataset): typically features and
/// labels, each a <see cref="Tensor"/> or an <see cref="IntTensor"/> (they convert to <see cref="DataTensor"/>).
/// </summary>
public sealed class TensorDataset : IDataset
{
    readonly DataTensor[] columns;

    public TensorDataset(params DataTensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException("TensorDataset: at least one tensor is needed.");
        foreach (var t in tensors)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(tensors));
            if (t.Rank == 0) throw new ArgumentException("TensorDataset: a 0-d tensor has no sample dimension.");
        }
        int count = tensors[0].Dims[0];
        for (int i = 1; i < tensors.Length; i++)
            if (tensors[i].Dims[0] != count)
                throw new ArgumentException($"TensorDataset: size mismatch between tensors: tensor 0 {ShapeUtil.Format(tensors[0].Dims)} has {count} samples, tensor {i} {ShapeUtil.Format(tensors[i].Dims)} has {tensors[i].Dims[0]}.");
        columns = (DataTensor[])tensors.Clone();
        Count = count;
    }

    public int Count { get; }

    public IReadOnlyList<DataTensor> Tensors => columns;

    /// <summary>One sample: row <paramref name="index"/> of every tensor, keeping a leading dimension of 1.</summary>
    public Batch this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"TensorDataset: index {index} is outside [0, {Count}).");
            return GetBatch(new[] { index });
        }
    }

    public Batch GetBatch(ReadOnlySpan<int> indices, Batch? reuse)
    {
        if (reuse is null || reuse.Count != columns.Length || reuse.Size != indices.Length) return GetBatch(indices);
        for (int c = 0; c < columns.Length; c++)
            if (!columns[c].CanGatherInto(reuse[c])) return GetBatch(indices);
        CheckIndices(indices);
        for (int c = 0; c < columns.Length; c++) columns[c].GatherInto(indices, reuse[c]);
        return reuse;
    }

    void CheckIndices(ReadOnlySpan<int> indices)
    {
        foreach (int i in indices)
            if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), $"TensorDataset: index {i} is outside [0, {Count}).");
    }

    public Batch GetBatch(ReadOnlySpan<int> indices)
    {
        CheckIndices(indices);
        var gathered = new DataTensor[columns.Length];
        for (int c = 0; c < columns.Length; c++) gathered[c] = columns[c].Gather(indices);
        return new Batch(gathered);
    }
}

/// <summary>One batch: a column per dataset tensor, deconstructible as <c>var (x, y) = batch</c>.</summary>
public sealed class Batch(DataTensor[] columns)
{
    public int Count => columns.Length;

    public DataTensor this[int index] => columns[index];

    /// <summary>The first column (the inputs, by convention).</summary>
    public DataTensor Features => columns[0];

    /// <summary>The second column (the labels or targets, by convention).</summary>
    public DataTensor Labels => columns.Length > 1 ? columns[1] : throw new InvalidOperationException("Batch: this dataset has only one tensor, so there are no labels.");

    /// <summary>The number of samples in the batch.</summary>
    public int Size => columns[0].Dims[0];

    /// <summary>A copy that owns its tensors, for keeping a batch past the next one a <see cref="DataLoader"/> yields.</summary>
    public Batch Clone()
    {
        var copies = new DataTensor[columns.Length];
        for (int c = 0; c < columns.Length; c++) copies[c] = columns[c].Clone();
        return new Batch(copies);
    }

    public void Deconstruct(out DataTensor features, out DataTensor labels)
    {
        if (columns.Length != 2) throw new InvalidOperationException($"Batch: cannot deconstruct {columns.Length} tensors into two.");
        (features, labels) = (columns[0], columns[1]);
    }

    public void Deconstruct(out DataTensor first, out DataTensor second, out DataTensor third)
    {
        if (columns.Length != 3) throw new InvalidOperationException($"Batch: cannot deconstruct {columns.Length} tensors into three.");
        (first, second, third) = (columns[0], columns[1], columns[2]);
    }
}
