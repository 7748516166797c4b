using System;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Graph;
using Kiln.Generator.Models;
using Kiln.Generator.Ops;

namespace Kiln.Generator.Passes;

/// <summary>
/// Builds the forward graph from the spec, inferring every shape symbolically; a contradiction is reported as
/// KILN0101 at the op's index in the runtime's wording, and compilation stops there.
/// </summary>
internal static class ShapeInference
{
    public static GraphProgram? Run(CompileContext context)
    {
        var spec = context.Spec;
        var b = context.Builder;
        var values = new Node[spec.Inputs.Count + spec.Captures.Count + spec.Ops.Count];
        for (int i = 0; i < spec.Inputs.Count; i++)
        {
            var input = spec.Inputs[i];
            values[i] = b.Input(i, ShapeOf(input.Shape), input.Kind == ValueKind.IntTensor ? ElementType.Int : ElementType.Float);
        }
        for (int i = 0; i < spec.Captures.Count; i++)
        {
            var capture = spec.Captures[i];
            var type = capture.Kind switch { CaptureKind.Flag => ElementType.Flag, CaptureKind.Rng => ElementType.Rng, _ => ElementType.Float };
            values[spec.Inputs.Count + i] = b.Capture(i, ShapeOf(capture.Shape), type);
        }
        Origin(context, -1);
        var loops = new LoopSpecs();

        for (int i = 0; i < spec.Ops.Count; i++)
        {
            var op = spec.Ops[i];
            int id = spec.Inputs.Count + spec.Captures.Count + i;
            foreach (int arg in op.Args)
                if (arg < 0 || arg >= id)
                {
                    context.Report(DiagnosticIds.InternalError, i, $"op {i} ({op.Op}) uses value {arg}, which is not defined before it");
                    return null;
                }
            if (!OpRegistry.IsKnown(op.Op) && !LoopSpecs.IsLoopOp(op.Op))
            {
                context.Report(DiagnosticIds.Unsupported, i, op.Op, "the static compiler has no rule for this op yet");
                return null;
            }
            var attrs = Attrs.From(op.Attrs.Select(a => new System.Collections.Generic.KeyValuePair<string, string>(a.Name, a.Value)));
            try
            {
                var args = op.Args.Select(a => values[a]).ToArray();
                values[id] = LoopSpecs.IsLoopOp(op.Op) ? loops.Apply(b, op.Op, args, attrs) : b.Apply(op.Op, args, attrs);
            }
            catch (UnsupportedShapeError e)
            {
                context.Report(DiagnosticIds.Unsupported, i, e.Construct, e.Message);
                return null;
            }
            catch (ShapeError e)
            {
                context.Report(DiagnosticIds.ShapeContradiction, i, e.Message);
                return null;
            }
            Origin(context, i);
        }

        if (loops.Unclosed.Any())
        {
            context.Report(DiagnosticIds.InternalError, -1, $"loop {loops.Unclosed.First()} has slots but no loop_result");
            return null;
        }
        var results = new System.Collections.Generic.List<Node>();
        foreach (int id in new[] { spec.Result }.Concat(spec.MoreResults))
        {
            if (id < 0 || id >= values.Length)
            {
                context.Report(DiagnosticIds.InternalError, -1, $"the result value {id} does not exist");
                return null;
            }
            // Integer results are indices the graph computes (ArgMax), after the first result, which is differentiated.
            bool integer = values[id].Type == ElementType.Int && OpRegistry.TryGet(values[id].Op, out var producer) && producer.IntegerOutput;
            if (values[id].Type != ElementType.Float && !(integer && results.Count > 0))
            {
                context.Report(DiagnosticIds.Unsupported, -1, results.Count == 0 ? "the result" : "a result",
                    results.Count == 0
                        ? "the first result must be a float Tensor (it is the one ForwardBackward differentiates); integer results (ArgMax, Max(...).Indices) may follow it in a tuple, e.g. (Tensor Loss, IntTensor Predicted)"
                        : "an IntTensor result must be computed by the graph (ArgMax, Max(...).Indices), not an input");
                return null;
            }
            results.Add(values[id]);
        }
        // The graph's buffers are float; indices are written straight into an integer result, so nothing may read them.
        for (int i = 0; i < spec.Ops.Count; i++)
        {
            var node = values[spec.Inputs.Count + spec.Captures.Count + i];
            if (node.Type != ElementType.Int || !OpRegistry.TryGet(node.Op, out var def) || !def.IntegerOutput) continue;
            int reader = -1;
            for (int j = i + 1; j < spec.Ops.Count && reader < 0; j++)
                if (values[spec.Inputs.Count + spec.Captures.Count + j].Inputs.Contains(node)) reader = j;
            if (reader >= 0)
            {
                context.Report(DiagnosticIds.Unsupported, i, OpRegistry.Display(node.Op),
                    "the indices it computes can only be returned from a compiled graph (as a result after the first, e.g. (Tensor Loss, IntTensor Predicted)), not used by another op; compare them with the labels after the call");
                return null;
            }
        }
        return new GraphProgram("forward", results[0], Enumerable.Repeat<Node?>(null, spec.Captures.Count).ToImmutableArray(), b.Updates.ToImmutableArray(),
            results.Skip(1).ToImmutableArray());
    }

    static void Origin(CompileContext context, int opIndex)
    {
        while (context.OriginOp.Count < context.Builder.NodeCount) context.OriginOp.Add(opIndex);
    }

    public static Shape ShapeOf(Helpers.EquatableArray<DimSpec> dims) =>
        new(dims.Select(d => d.IsSymbolic ? Size.Symbol(d.Symbol!).Times(Size.Of(d.Factor)) : Size.Of(d.Size)));

    public static bool IsScalar(Shape shape) => shape.Count.IsConstant && shape.Count.Constant == 1;
}
