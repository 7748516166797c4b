namespace Kiln.Data;

/// <summary>
/// One column of a dataset or a batch: either a float <see cref="Tensor"/> (features, regression targets) or an
/// <see cref="IntTensor"/> (token indices, class labels). It converts implicitly to the type the consumer asks
/// for, so <c>foreach (var (x, y) in loader)</c> feeds <c>Ops.MseLoss(net.Forward(x), y)</c> and
/// <c>Ops.CrossEntropy(logits, y)</c> alike, and <c>Tensor t = x;</c> gives the tensor itself for its methods;
/// a float column asked for as indices is an error, int labels asked for as floats convert like torch's
/// <c>.float()</c>.
/// </summary>
public sealed class DataTensor
{
    readonly Tensor? floats;
    readonly IntTensor? ints;
    Tensor? convertedFloats;

    public DataTensor(Tensor tensor) => floats = tensor ?? throw new ArgumentNullException(nameof(tensor));

    public DataTensor(IntTensor tensor) => ints = tensor ?? throw new ArgumentNullException(nameof(tensor));

    public bool IsInt => ints is not null;

    public int[] Shape => floats?.Shape ?? ints!.Shape;

    internal int[] Dims => floats?.Dims ?? ints!.Dims;

    public int Rank => Dims.Length;

    /// <summary>The number of elements.</summary>
    public int Count => floats?.Count ?? ints!.Count;

    public int Size(int dim) => Dims[ShapeUtil.NormalizeDim(dim, Dims.Length, "Size")];

    /// <summary>The float tensor (int columns are converted once and the result reused).</summary>
    public Tensor AsTensor() => floats ?? (convertedFloats ??= ints!.ToFloat());

    /// <summary>The integer tensor; a float column throws, since rounding labels silently hides mistakes.</summary>
    public IntTensor AsIntTensor() => ints ?? throw new InvalidCastException(
        $"DataTensor: this column holds float values of shape {ShapeUtil.Format(floats!.Dims)}; build the dataset with an IntTensor to get indices or labels.");

    public static implicit operator DataTensor(Tensor tensor) => new(tensor);
    public static implicit operator DataTensor(IntTensor tensor) => new(tensor);
    public static implicit operator Tensor(DataTensor column) => column.AsTensor();
    public static implicit operator IntTensor(DataTensor column) => column.AsIntTensor();

    /// <summary>Rows <paramref name="rows"/> (along dimension 0) gathered into a new column.</summary>
    internal DataTensor Gather(ReadOnlySpan<int> rows)
    {
        var dims = Dims;
        int rowSize = dims.Length == 0 ? 1 : ShapeUtil.CountInt(dims.AsSpan(1));
        var shape = (int[])dims.Clone();
        shape[0] = rows.Length;
        if (floats is not null)
        {
            var data = new float[rows.Length * rowSize];
            for (int i = 0; i < rows.Length; i++) Array.Copy(floats.Storage, rows[i] * rowSize, data, i * rowSize, rowSize);
            return new DataTensor(Tensor.Wrap(data, shape));
        }
        var values = new int[rows.Length * rowSize];
        for (int i = 0; i < rows.Length; i++) Array.Copy(ints!.Storage, rows[i] * rowSize, values, i * rowSize, rowSize);
        return new DataTensor(IntTensor.Wrap(values, shape));
    }

    /// <summary>Whether <paramref name="destination"/> has this column's kind and row shape, so rows can be gathered into it.</summary>
    internal bool CanGatherInto(DataTensor destination)
    {
        if (destination.IsInt != IsInt || destination.Rank != Rank) return false;
        return Dims.AsSpan(1).SequenceEqual(destination.Dims.AsSpan(1));
    }

    /// <summary>
    /// Rows <paramref name="rows"/> written over <paramref name="destination"/>'s values (it has rows.Length rows of this
    /// column's shape); its float view of int labels, if one was made, is refreshed in place, and a float tensor a
    /// consumer marked as requiring grad is reset to a plain leaf, as a fresh batch would be.
    /// </summary>
    internal void GatherInto(ReadOnlySpan<int> rows, DataTensor destination)
    {
        var dims = Dims;
        int rowSize = ShapeUtil.CountInt(dims.AsSpan(1));
        if (floats is not null)
        {
            var target = destination.floats!;
            target.Grad = null;
            target.RequiresGrad = false;
            for (int i = 0; i < rows.Length; i++) Array.Copy(floats.Storage, rows[i] * rowSize, target.Storage, i * rowSize, rowSize);
            return;
        }
        var values = destination.ints!.Storage;
        for (int i = 0; i < rows.Length; i++) Array.Copy(ints!.Storage, rows[i] * rowSize, values, i * rowSize, rowSize);
        if (destination.convertedFloats is { } converted)
        {
            converted.Grad = null;
            converted.RequiresGrad = false;
            var f = converted.Storage;
            for (int i = 0; i < values.Length; i++) f[i] = values[i];
        }
    }

    /// <summary>A copy owning its values.</summary>
    public DataTensor Clone() => floats is not null ? new DataTensor(floats.Clone()) : new DataTensor(IntTensor.FromArray(ints!.Storage, ints.Dims));

    public override string ToString() => floats?.ToString() ?? ints!.ToString();
}
