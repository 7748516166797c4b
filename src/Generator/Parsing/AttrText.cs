using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Kiln.Generator.Parsing;

/// <summary>Attribute values in invariant-culture text, as <see cref="Models.AttrSpec"/> documents them.</summary>
internal static class AttrText
{
    /// <summary>Round-trip float text: the graph computes in float32, so the constant is the float the runtime sees.</summary>
    public static string Float(double value) => ((float)value).ToString("R", CultureInfo.InvariantCulture);

    public static string Int(double value) => ((long)value).ToString(CultureInfo.InvariantCulture);

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Ints(IEnumerable<int> values) => string.Join(",", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));

    /// <summary>PascalCase or camelCase to lower snake case: "LogSoftmax" → "log_softmax", "MaxPool2d" → "max_pool2d".</summary>
    public static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_') text.Append('_');
                text.Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }
        return text.ToString();
    }
}
