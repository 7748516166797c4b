using System.Globalization;
using System.Text;

namespace Kiln;

/// <summary>
/// Prints tensors exactly as torch 1.13 does (torch/_tensor_str.py with the default print options): one width for
/// every element, fixed / integer / scientific mode chosen from the nonzero finite values, rows wrapped at 80
/// columns, tensors over 1000 elements summarised to their 3 edge items, and the requires_grad/grad_fn suffix.
/// </summary>
internal static class TensorFormatter
{
    const int Threshold = 1000;
    const int EdgeItems = 3;
    const int LineWidth = 80;
    const string Prefix = "tensor(";

    public static string Format(Tensor t)
    {
        var values = t.Storage;
        var suffixes = new List<string>();
        if (t.GradFn is not null) suffixes.Add($"grad_fn=<{t.GradFn.Name}Backward0>");
        else if (t.RequiresGrad) suffixes.Add("requires_grad=True");
        return Compose(t.Dims, values.Length, sample => new FloatFormatter(values, sample), suffixes);
    }

    public static string Format(IntTensor t)
    {
        var values = t.Storage;
        return Compose(t.Dims, values.Length, sample => new IntFormatter(values, sample), new List<string>());
    }

    abstract class ElementFormatter
    {
        public int Width { get; protected set; } = 1;
        protected abstract string Text(int index);
        public string Format(int index)
        {
            var text = Text(index);
            return text.Length < Width ? new string(' ', Width - text.Length) + text : text;
        }
    }

    sealed class IntFormatter : ElementFormatter
    {
        readonly int[] values;
        public IntFormatter(int[] values, IEnumerable<int> sample)
        {
            this.values = values;
            foreach (int i in sample) Width = Math.Max(Width, Text(i).Length);
        }
        protected override string Text(int index) => values[index].ToString(CultureInfo.InvariantCulture);
    }

    sealed class FloatFormatter : ElementFormatter
    {
        readonly float[] values;
        readonly bool intMode = true, sciMode;

        public FloatFormatter(float[] values, IEnumerable<int> sample)
        {
            this.values = values;
            var finite = sample.Select(i => values[i]).Where(v => float.IsFinite(v) && v != 0).ToArray();
            if (finite.Length == 0) return;
            double min = finite.Min(v => Math.Abs((double)v)), max = finite.Max(v => Math.Abs((double)v));
            intMode = finite.All(v => v == MathF.Ceiling(v));
            sciMode = max / min > 1000.0 || max > 1e8 || (!intMode && min < 1e-4);
            foreach (float v in finite)
                Width = Math.Max(Width, !sciMode && intMode ? Fixed(v, 0).Length + 1 : Text(v).Length);
        }

        protected override string Text(int index) => Text(values[index]);

        string Text(float v)
        {
            if (float.IsNaN(v)) return "nan";
            if (float.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
            if (sciMode) return ((double)v).ToString("0.0000e+00", CultureInfo.InvariantCulture);
            return intMode ? Fixed(v, 0) + "." : Fixed(v, 4);
        }

        /// <summary>
        /// Python's '{:.Nf}': the exact binary value rounded half-to-even (0.03125 → 0.0312), where .NET's
        /// formatting rounds a tie away from zero; the sign of a negative zero is kept.
        /// </summary>
        static string Fixed(float v, int decimals)
        {
            string text = Math.Abs(v) < 1e15f
                ? Math.Round((decimal)(double)v, decimals, MidpointRounding.ToEven).ToString(decimals == 0 ? "0" : "0." + new string('0', decimals), CultureInfo.InvariantCulture)
                : ((double)v).ToString("F" + decimals, CultureInfo.InvariantCulture);
            return float.IsNegative(v) && text[0] != '-' ? "-" + text : text;
        }
    }

    static string Compose(int[] shape, int count, Func<IEnumerable<int>, ElementFormatter> formatterFor, List<string> suffixes)
    {
        string body;
        if (count == 0)
        {
            body = "[]";
            if (shape.Length != 1) suffixes.Insert(0, "size=(" + string.Join(", ", shape) + (shape.Length == 1 ? ",)" : ")"));
        }
        else
        {
            bool summarize = count > Threshold;
            var strides = ShapeUtil.Strides(shape);
            var sample = summarize ? SummarizedIndices(shape, strides, 0, 0) : Enumerable.Range(0, count);
            var formatter = formatterFor(sample);
            var sb = new StringBuilder();
            AppendTensor(sb, shape, strides, 0, 0, Prefix.Length, summarize, formatter);
            body = sb.ToString();
        }
        return AddSuffixes(Prefix + body, suffixes);
    }

    /// <summary>torch's get_summarized_data: only the edge items along each dimension pick the format.</summary>
    static IEnumerable<int> SummarizedIndices(int[] shape, int[] strides, int dim, int offset)
    {
        if (dim == shape.Length)
        {
            yield return offset;
            yield break;
        }
        foreach (int i in EdgeRange(shape[dim], summarize: true).Where(i => i >= 0))
            foreach (int index in SummarizedIndices(shape, strides, dim + 1, offset + i * strides[dim]))
                yield return index;
    }

    /// <summary>The indices printed along a dimension; -1 marks the ellipsis.</summary>
    static IEnumerable<int> EdgeRange(int size, bool summarize)
    {
        if (!summarize || size <= 2 * EdgeItems)
        {
            for (int i = 0; i < size; i++) yield return i;
            yield break;
        }
        for (int i = 0; i < EdgeItems; i++) yield return i;
        yield return -1;
        for (int i = size - EdgeItems; i < size; i++) yield return i;
    }

    static void AppendTensor(StringBuilder sb, int[] shape, int[] strides, int dim, int offset, int indent, bool summarize, ElementFormatter formatter)
    {
        int remaining = shape.Length - dim;
        if (remaining == 0)
        {
            sb.Append(formatter.Format(offset));
            return;
        }
        if (remaining == 1)
        {
            AppendVector(sb, shape[dim], strides[dim], offset, indent, summarize, formatter);
            return;
        }
        sb.Append('[');
        bool first = true;
        foreach (int i in EdgeRange(shape[dim], summarize))
        {
            if (!first) sb.Append(',').Append('\n', remaining - 1).Append(' ', indent + 1);
            first = false;
            if (i < 0) sb.Append("...");
            else AppendTensor(sb, shape, strides, dim + 1, offset + i * strides[dim], indent + 1, summarize, formatter);
        }
        sb.Append(']');
    }

    static void AppendVector(StringBuilder sb, int size, int stride, int offset, int indent, bool summarize, ElementFormatter formatter)
    {
        int perLine = Math.Max(1, (LineWidth - indent) / (formatter.Width + 2));
        var items = EdgeRange(size, summarize).Select(i => i < 0 ? " ..." : formatter.Format(offset + i * stride)).ToArray();
        sb.Append('[');
        for (int i = 0; i < items.Length; i++)
        {
            if (i > 0) sb.Append(i % perLine == 0 ? ",\n" + new string(' ', indent + 1) : ", ");
            sb.Append(items[i]);
        }
        sb.Append(']');
    }

    /// <summary>Appends ", suffix", moving it to its own line when the current one would pass 80 columns.</summary>
    static string AddSuffixes(string text, List<string> suffixes)
    {
        var sb = new StringBuilder(text);
        int lastLineLength = text.Length - text.LastIndexOf('\n') + 1;
        foreach (var suffix in suffixes)
        {
            if (lastLineLength + suffix.Length + 2 > LineWidth)
            {
                sb.Append(",\n").Append(' ', Prefix.Length).Append(suffix);
                lastLineLength = Prefix.Length + suffix.Length;
            }
            else
            {
                sb.Append(", ").Append(suffix);
                lastLineLength += suffix.Length + 2;
            }
        }
        return sb.Append(')').ToString();
    }
}
