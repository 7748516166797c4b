using System;
using System.Text;

namespace Kiln.Generator.Emit;

/// <summary>
/// An indented text writer for generated source. Blocks open and close explicitly; <see cref="ToString"/> asserts
/// that indentation is back to zero, so an unbalanced emitter fails loudly instead of producing skewed code.
/// </summary>
internal sealed class CodeWriter
{
    /// <summary><paramref name="s"/> as a C# string literal (backslashes and quotes escaped), for generated code of any backend.</summary>
    public static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    const string IndentUnit = "    ";
    readonly StringBuilder text = new();
    int indent;

    public void Line(string line = "")
    {
        if (line.Length > 0)
            for (int i = 0; i < indent; i++) text.Append(IndentUnit);
        text.Append(line).Append('\n');
    }

    /// <summary>Writes <paramref name="header"/> then "{" and indents.</summary>
    public void Open(string header)
    {
        Line(header);
        Line("{");
        indent++;
    }

    public void Close(string suffix = "")
    {
        if (indent == 0) throw new InvalidOperationException("CodeWriter: more blocks closed than opened.");
        indent--;
        Line("}" + suffix);
    }

    /// <summary>Writes each line of <paramref name="block"/> at the current indentation (blank lines stay blank).</summary>
    public void Lines(string block)
    {
        foreach (var line in block.Replace("\r\n", "\n").Split('\n')) Line(line);
    }

    /// <summary>A C# raw string literal holding <paramref name="content"/>, delimited by more quotes than it contains in a row.</summary>
    public static string RawString(string content)
    {
        int longest = 0, run = 0;
        foreach (char c in content)
        {
            run = c == '"' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }
        var quotes = new string('"', Math.Max(3, longest + 1));
        return quotes + "\n" + content.TrimEnd('\n') + "\n" + quotes;
    }

    public int Indent => indent;

    public override string ToString()
    {
        if (indent != 0) throw new InvalidOperationException($"CodeWriter: {indent} block(s) left open.");
        return text.ToString();
    }
}
