using System.Runtime.CompilerServices;
namespace Kiln;

/// <summary>Shape arithmetic shared by every op: counting, formatting, broadcasting, dimension checks.</summary>
internal static class ShapeUtil
{
    public static long Count(int[] shape, string op)
    {
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"{op}: negative size {d} in shape {Format(shape)}.");
            count *= d;
        }
        if (count > int.MaxValue) throw new ArgumentException($"{op}: shape {Format(shape)} has more than {int.MaxValue} elements.");
        return count;
    }

    /// <summary>Checks that <paramref name="length"/> stored values fill <paramref name="shape"/> exactly (Tensor and IntTensor).</summary>
    public static void CheckStorageFits(int length, int[] shape, string type)
    {
        long count = Count(shape, type);
        if (length != count)
            throw new ArgumentException($"{type}: {length} values cannot have shape {Format(shape)} ({count} elements).");
    }

    /// <summary>The check behind Tensor.Item and IntTensor.Item.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CheckOneElement(int length, int[] shape)
    {
        if (length != 1)
            throw new InvalidOperationException($"Item: only a one-element tensor converts to a number; this one has shape {Format(shape)}.");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int CountInt(ReadOnlySpan<int> shape)
    {
        int count = 1;
        foreach (int d in shape) count *= d;
        return count;
    }

    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(",", shape.ToArray()) + "]";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int NormalizeDim(int dim, int rank, string op)
    {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank)
            throw new ArgumentOutOfRangeException(nameof(dim), $"{op}: dimension {dim} is out of range for a tensor of rank {rank}.");
        return d;
    }

    public static int FlatIndex(int[] shape, int[] index)
    {
        if (index.Length != shape.Length)
            throw new ArgumentException($"index: {index.Length} indices for a tensor of shape {Format(shape)}.");
        int flat = 0;
        for (int i = 0; i < shape.Length; i++)
        {
            int ix = index[i] < 0 ? index[i] + shape[i] : index[i];
            if (ix < 0 || ix >= shape[i])
                throw new IndexOutOfRangeException($"index: {index[i]} is out of range for dimension {i} of size {shape[i]} (shape {Format(shape)}).");
            flat = flat * shape[i] + ix;
        }
        return flat;
    }

    public static int[] Strides(int[] shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= shape[i];
        }
        return strides;
    }

    /// <summary>NumPy broadcasting of two shapes; throws naming <paramref name="op"/> and both shapes.</summary>
    public static int[] Broadcast(int[] a, int[] b, string op)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            int db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"{op}: {Format(a)} and {Format(b)} cannot be broadcast: dimension {i} is {da} vs {db}.");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>Resolves one -1 in a target shape and checks the element count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int[] InferReshape(int[] from, int[] to, string op)
    {
        int count = CountInt(from);
        var result = (int[])to.Clone();
        int infer = -1;
        int known = 1;
        for (int i = 0; i < result.Length; i++)
        {
            if (result[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"{op}: {Format(from)} -> {Format(to)}: only one dimension can be -1.");
                infer = i;
            }
            else if (result[i] < 0) throw new ArgumentException($"{op}: {Format(from)} -> {Format(to)}: negative size {result[i]}.");
            else known *= result[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || count % known != 0)
                throw new ArgumentException($"{op}: {Format(from)} -> {Format(to)}: {count} elements do not divide into the given sizes.");
            result[infer] = count / known;
        }
        else if (known != count)
            throw new ArgumentException($"{op}: {Format(from)} -> {Format(to)}: {count} elements cannot take a shape of {known}.");
        return result;
    }

    /// <summary>Splits a shape around <paramref name="dim"/> into (outer, size, inner) element counts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (int Outer, int Size, int Inner) SplitAt(int[] shape, int dim)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < dim; i++) outer *= shape[i];
        for (int i = dim + 1; i < shape.Length; i++) inner *= shape[i];
        return (outer, shape[dim], inner);
    }

    public static bool SameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>Python slice bounds [start, end) on a dimension of <paramref name="size"/>: negatives count from the end, both clamp to [0, size].</summary>
    public static (int Start, int Length) SliceBounds(int size, int start, int end)
    {
        long s = start < 0 ? (long)start + size : start;
        long e = end < 0 ? (long)end + size : end;
        s = Math.Clamp(s, 0, size);
        e = Math.Clamp(e, s, size);
        return ((int)s, (int)(e - s));
    }

    /// <summary>A C# range's bounds on a dimension of <paramref name="size"/>, as signed slice bounds (^n becomes size − n).</summary>
    public static (int Start, int End) RangeBounds(Range range, int size) =>
        (range.Start.IsFromEnd ? size - range.Start.Value : range.Start.Value, range.End.IsFromEnd ? size - range.End.Value : range.End.Value);
}
