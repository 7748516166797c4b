using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Graph;
using Kiln.Generator.Models;
using Kiln.Generator.Ops;

namespace Kiln.Generator.Passes;

/// <summary>
/// Reverse-mode differentiation of a scalar result from the per-op VJPs of the op registry. Only
/// nodes that depend on a Parameter capture get gradients (data inputs, labels and buffers are never
/// differentiated); an op on such a path without a rule is KILN0102, naming the op.
/// </summary>
internal static class Autodiff
{
    public static GraphProgram? Run(CompileContext context, GraphProgram forward)
    {
        var b = context.Builder;
        var spec = context.Spec;
        var nodes = forward.Nodes();

        var parameters = new Dictionary<Node, int>();
        foreach (var n in nodes)
            if (n.Op == OpNames.Capture && spec.Captures[n.Attrs.Int("index")].Kind == CaptureKind.Parameter)
                parameters[n] = n.Attrs.Int("index");
        if (parameters.Count == 0) return null;

        // Forward dependence on a parameter: the only nodes whose gradients anyone needs.
        var needed = new HashSet<Node>(parameters.Keys);
        foreach (var n in nodes)
            if (n.Inputs.Any(needed.Contains) && n.Type == ElementType.Float) needed.Add(n);
        var loss = forward.Result;
        if (!needed.Contains(loss)) return null;

        var adjoint = new Dictionary<Node, Node>
        {
            [loss] = b.BroadcastTo(b.Constant(1f), loss.Shape),
        };
        foreach (var n in Enumerable.Reverse(nodes))
        {
            if (n.Inputs.Length == 0 || !needed.Contains(n) || !adjoint.TryGetValue(n, out var g)) continue;
            if (OpRegistry.Get(n.Op).Gradient is not { } rule)
            {
                var parameter = parameters.Where(p => DependsOn(n, p.Key)).Select(p => spec.Captures[p.Value].Name).FirstOrDefault() ?? "a parameter";
                context.Report(DiagnosticIds.NoGradientRule, context.OriginOf(n), OpRegistry.Display(n.Op), parameter);
                return null;
            }
            var grads = rule(new VjpContext(b, n, g));
            for (int i = 0; i < n.Inputs.Length; i++)
            {
                var input = n.Inputs[i];
                var gi = grads[i];
                if (gi is null || !needed.Contains(input)) continue;
                adjoint[input] = adjoint.TryGetValue(input, out var existing) ? b.Add(existing, gi) : gi;
            }
        }

        var gradients = new Node?[forward.Gradients.Length];
        foreach (var p in parameters)
            if (adjoint.TryGetValue(p.Key, out var g)) gradients[p.Value] = g;
        return new GraphProgram("forward+backward", loss, gradients.ToImmutableArray(), forward.Updates, forward.MoreResults);
    }

    static bool DependsOn(Node n, Node target) => Nodes.Reachable(new[] { n }).Contains(target);
}
