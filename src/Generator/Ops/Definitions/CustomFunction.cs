using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops.Definitions;

/// <summary>
/// A user's autograd Function (MyReLU : Function). custom_function(y, x_0..x_{n-1}, s_0..s_{k-1}) is y, the output
/// of the Function's Forward (already in the graph, from the inputs x), and its gradient rule is the Function's
/// Backward, carried as attributes: its ops over the upstream gradient (value 0) and the saved tensors s (values
/// 1..k), numbered as in a spec (ops from k + 1), and the value each input's gradient is (-1: none). No gradient
/// flows into y itself: as on the tape, the Forward's own ops are not differentiated. The node is replaced by y once
/// autodiff is done (<see cref="Passes.CustomFunctions"/>), so it never reaches a kernel.
/// </summary>
internal static class CustomFunction
{
    public const string Op = "custom_function";
    public const string NameAttr = "function";
    public const string InputsAttr = "inputs";
    public const string BackwardAttr = "backward";
    public const string GradientsAttr = "gradients";

    public static IEnumerable<OpDef> Definitions()
    {
        yield return new OpDef(Op, OpClass.Annotation)
        {
            MinInputs = 2,
            Shape = (inputs, attrs, display) =>
            {
                // Building the backward once over the operands' shapes checks it where the Function is applied.
                Backward(new GraphBuilder(), inputs, attrs, probe: true);
                return inputs[0].Shape;
            },
            Gradient = c => Backward(c.B, c.Node.Inputs, c.Node.Attrs, probe: false, upstream: c.G),
            Evaluate = (it, n) => it.In(n, 0),
            Display = "CustomFunction",
        };
    }

    /// <summary>
    /// The Backward's ops applied to the upstream gradient and the saved tensors; one gradient per node input (null for
    /// y and the saved tensors). With <paramref name="probe"/>, in a scratch builder over placeholders of the operands'
    /// shapes, only to check that each gradient has its input's shape.
    /// </summary>
    static Node?[] Backward(GraphBuilder b, IReadOnlyList<Node> operands, Attrs attrs, bool probe, Node? upstream = null)
    {
        string name = attrs.Text(NameAttr) ?? "Function";
        int inputCount = attrs.Int(InputsAttr);
        if (operands.Count < 1 + inputCount) throw new ShapeError($"{name}: expected its output and {inputCount} input(s)");
        var savedOperands = operands.Skip(1 + inputCount).ToList();
        Node Placeholder(int index, Node like) => b.Input(index, like.Shape, ElementType.Float);

        var values = new List<Node> { probe ? Placeholder(0, operands[0]) : upstream! };
        for (int j = 0; j < savedOperands.Count; j++) values.Add(probe ? Placeholder(1 + j, savedOperands[j]) : savedOperands[j]);
        foreach (var (op, args, opAttrs) in Decode(attrs.Text(BackwardAttr) ?? ""))
        {
            if (args.Any(a => a < 0 || a >= values.Count)) throw new ShapeError($"{name}.Backward: an op reads a value that is not defined before it");
            if (!OpRegistry.IsKnown(op)) throw new UnsupportedShapeError($"{name}.Backward", $"it calls {OpRegistry.Display(op)}, for which the static compiler has no rule yet");
            values.Add(b.Apply(op, args.Select(a => values[a]).ToArray(), Attrs.From(opAttrs.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)))));
        }

        var gradientIds = (attrs.Text(GradientsAttr) ?? "").Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries)
            .Select(t => int.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        if (gradientIds.Count != inputCount) throw new ShapeError($"{name}.Backward returns {gradientIds.Count} gradients for {inputCount} inputs");
        var gradients = new Node?[operands.Count];
        for (int i = 0; i < inputCount; i++)
        {
            if (gradientIds[i] < 0) continue;
            var gradient = values[gradientIds[i]];
            var input = operands[1 + i];
            if (!gradient.Shape.Equals(input.Shape))
                throw new ShapeError($"{name}.Backward: the gradient of input {i} has shape {gradient.Shape}, but the input has {input.Shape}");
            gradients[1 + i] = gradient;
        }
        return gradients;
    }

    // The Backward's ops in one attribute: "op|arg,arg|name=value&name=value;..." with the separators escaped.

    public static string Encode(IEnumerable<(string Op, IReadOnlyList<int> Args, List<(string Name, string Value)> Attrs)> ops) =>
        string.Join(";", ops.Select(op => Escape(op.Op) + "|" + string.Join(",", op.Args.Select(a => Attrs.FormatInt(a))) + "|"
            + string.Join("&", op.Attrs.Select(a => Escape(a.Name) + "=" + Escape(a.Value)))));

    static IEnumerable<(string Op, int[] Args, List<(string Name, string Value)> Attrs)> Decode(string text)
    {
        if (text.Length == 0) yield break;
        foreach (var op in text.Split(';'))
        {
            var parts = op.Split('|');
            if (parts.Length != 3) throw new ShapeError($"custom function: malformed backward op '{op}'");
            var args = parts[1].Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries)
                .Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var attrs = parts[2].Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries)
                .Select(a => a.Split('=')).Select(kv => (Unescape(kv[0]), kv.Length > 1 ? Unescape(kv[1]) : "")).ToList();
            yield return (Unescape(parts[0]), args, attrs);
        }
    }

    static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char ch in text)
            sb.Append(ch switch { '%' => "%25", '|' => "%7C", ';' => "%3B", '&' => "%26", '=' => "%3D", _ => ch.ToString() });
        return sb.ToString();
    }

    static string Unescape(string text) =>
        text.Replace("%7C", "|").Replace("%3B", ";").Replace("%26", "&").Replace("%3D", "=").Replace("%25", "%");
}
