using System.Globalization;
using System.Text;

namespace Kiln;

/// <summary>Prints tensors the way torch does: <c>tensor([[1.0000, 2.0000], ...], requires_grad=True)</c>.</summary>
internal static class TensorFormatter
{
    const int SummarizeAbove = 1000;
    const int EdgeItems = 3;

    public static string Format(Tensor t)
    {
        var values = t.Storage;
        string format = ChooseFormat(values);
        var sb = new StringBuilder("tensor(");
        AppendArray(sb, t.Dims, 0, 0, values.Length > SummarizeAbove, i => Number(values[i], format), "tensor(".Length);
        if (t.GradFn is not null) sb.Append(", grad_fn=<").Append(t.GradFn.Name).Append("Backward>");
        else if (t.RequiresGrad) sb.Append(", requires_grad=True");
        return sb.Append(')').ToString();
    }

    public static string Format(IntTensor t)
    {
        var values = t.Storage;
        var sb = new StringBuilder("tensor(");
        AppendArray(sb, t.Dims, 0, 0, values.Length > SummarizeAbove, i => values[i].ToString(CultureInfo.InvariantCulture), "tensor(".Length);
        return sb.Append(')').ToString();
    }

    static string ChooseFormat(float[] values)
    {
        bool allInts = true;
        float maxAbs = 0, minAbs = float.MaxValue;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) continue;
            if (v != MathF.Round(v)) allInts = false;
            float a = MathF.Abs(v);
            if (a > maxAbs) maxAbs = a;
            if (a > 0 && a < minAbs) minAbs = a;
        }
        if (allInts) return maxAbs >= 1e8f ? "e" : "int";
        if (maxAbs >= 1e8f || (minAbs < 1e-4f && minAbs > 0) || (minAbs > 0 && maxAbs / minAbs > 1000f)) return "e";
        return "f";
    }

    static string Number(float v, string format)
    {
        if (float.IsNaN(v)) return "nan";
        if (float.IsPositiveInfinity(v)) return "inf";
        if (float.IsNegativeInfinity(v)) return "-inf";
        return format switch
        {
            "int" => v.ToString("0", CultureInfo.InvariantCulture) + ".",
            "e" => v.ToString("0.0000e+00", CultureInfo.InvariantCulture),
            _ => v.ToString("0.0000", CultureInfo.InvariantCulture),
        };
    }

    static void AppendArray(StringBuilder sb, int[] shape, int dim, int offset, bool summarize, Func<int, string> element, int indent)
    {
        if (shape.Length == 0)
        {
            sb.Append(element(0));
            return;
        }
        int size = shape[dim];
        int stride = 1;
        for (int i = dim + 1; i < shape.Length; i++) stride *= shape[i];
        sb.Append('[');
        for (int i = 0; i < size; i++)
        {
            if (summarize && size > 2 * EdgeItems && i == EdgeItems)
            {
                sb.Append(dim == shape.Length - 1 ? "..., " : "...,\n" + new string(' ', indent + dim + 1));
                i = size - EdgeItems;
            }
            if (dim == shape.Length - 1) sb.Append(element(offset + i));
            else AppendArray(sb, shape, dim + 1, offset + i * stride, summarize, element, indent);
            if (i < size - 1)
            {
                if (dim == shape.Length - 1) sb.Append(", ");
                else sb.Append(',').Append('\n', shape.Length - 1 - dim).Append(' ', indent + dim + 1);
            }
        }
        sb.Append(']');
    }
}
