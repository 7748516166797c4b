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

        var parameters = Parameters(spec, nodes);
        if (parameters.Count == 0) return null;

        var needed = DependingOn(nodes, parameters.Keys);
        var loss = forward.Result;
        if (!needed.Contains(loss)) return null;

        var adjoint = new Dictionary<Node, Node>
        {
            [loss] = b.BroadcastTo(b.Constant(1f), loss.Shape),
        };
        var savingLoops = new Dictionary<int, LoopBody>();
        if (Backpropagate(b, nodes, needed, adjoint, savingLoops) is { } unruled)
        {
            var parameter = parameters.Where(p => DependsOn(unruled, p.Key)).Select(p => spec.Captures[p.Value].Name).FirstOrDefault() ?? "a parameter";
            context.Report(DiagnosticIds.NoGradientRule, context.OriginOf(unruled), OpRegistry.Display(unruled.Op), parameter);
            return null;
        }
        return WithSavingLoops(b, new GraphProgram("forward+backward", loss, ParameterGradients(forward, parameters, adjoint), forward.Updates, forward.MoreResults), savingLoops);
    }

    /// <summary>The name of the vector-Jacobian program (<see cref="Vjp"/>).</summary>
    public const string VjpName = "vjp";

    /// <summary>
    /// The vector-Jacobian product of the whole method, for running a compiled graph as one node of the eager tape:
    /// the forward is recomputed, and reverse mode is seeded with one upstream-gradient input per result (input
    /// nodes numbered after the method's parameters, <c>Inputs.Count + k</c> for result k) instead of the constant 1.
    /// Its results are the gradients w.r.t. the float parameters of the method, in order (zeros where a parameter
    /// does not reach a result); its gradients are the parameters' (accumulated into Grad, as in ForwardBackward).
    /// Null, without a diagnostic, when the method has no float parameter, draws random numbers (a recomputed
    /// forward would draw a different mask), or an op on a differentiated path has no rule: the forward still
    /// compiles, only <c>Apply</c> is not offered. BatchNorm's running-statistic updates are dropped (the forward
    /// call already made them).
    /// </summary>
    public static GraphProgram? Vjp(CompileContext context, GraphProgram forward)
    {
        var b = context.Builder;
        var spec = context.Spec;
        var nodes = forward.Nodes();
        var floatInputs = Enumerable.Range(0, spec.Inputs.Count).Where(i => spec.Inputs[i].Kind != ValueKind.IntTensor).ToList();
        if (floatInputs.Count == 0) return null;
        if (nodes.Any(n => n.Op == OpNames.Capture && spec.Captures[n.Attrs.Int("index")].Kind == CaptureKind.Rng)) return null;
        var results = forward.Results.ToList();
        if (results.Any(r => r.Type != ElementType.Float)) return null;

        var parameters = Parameters(spec, nodes);
        var inputNodes = floatInputs.Select(i => b.Input(i, ShapeInference.ShapeOf(spec.Inputs[i].Shape), ElementType.Float)).ToList();
        var needed = DependingOn(nodes, parameters.Keys.Concat(inputNodes));

        var adjoint = new Dictionary<Node, Node>();
        for (int k = 0; k < results.Count; k++)
        {
            if (!needed.Contains(results[k])) continue;
            var seed = b.Input(spec.Inputs.Count + k, results[k].Shape, ElementType.Float);
            adjoint[results[k]] = adjoint.TryGetValue(results[k], out var existing) ? b.Add(existing, seed) : seed;
        }
        var savingLoops = new Dictionary<int, LoopBody>();
        if (Backpropagate(b, nodes, needed, adjoint, savingLoops) is not null) return null;

        var inputGradients = inputNodes.Select(x => adjoint.TryGetValue(x, out var g) ? g : b.BroadcastTo(b.Constant(0f), x.Shape)).ToList();
        return WithSavingLoops(b, new GraphProgram(VjpName, inputGradients[0], ParameterGradients(forward, parameters, adjoint), default, inputGradients.Skip(1).ToImmutableArray()), savingLoops);
    }

    /// <summary>The Parameter captures the program reads, by capture index.</summary>
    static Dictionary<Node, int> Parameters(Models.GraphSpec spec, List<Node> nodes)
    {
        var parameters = new Dictionary<Node, int>();
        foreach (var n in nodes)
            if (n.Op == OpNames.Capture && spec.Captures[n.Attrs.Int("index")].Kind == CaptureKind.Parameter)
                parameters[n] = n.Attrs.Int("index");
        return parameters;
    }

    /// <summary>The float nodes that depend on <paramref name="roots"/> (and the roots): the only ones whose gradients anyone needs.</summary>
    internal static HashSet<Node> DependingOn(List<Node> nodes, IEnumerable<Node> roots)
    {
        var needed = new HashSet<Node>(roots);
        foreach (var n in nodes)
            if (n.Inputs.Any(needed.Contains) && n.Type == ElementType.Float) needed.Add(n);
        return needed;
    }

    /// <summary>
    /// The reverse walk: from the seeded adjoints, each needed node's VJP rule adds its inputs' gradient contributions.
    /// Returns the first node on the path that has no rule (nothing is complete then), or null.
    /// </summary>
    internal static Node? Backpropagate(GraphBuilder b, List<Node> nodes, HashSet<Node> needed, Dictionary<Node, Node> adjoint,
        Dictionary<int, LoopBody>? savingLoops = null)
    {
        foreach (var n in Enumerable.Reverse(nodes))
        {
            if (n.IsScan)
            {
                if (Backloop(b, nodes, needed, adjoint, n, savingLoops) is { } unruled) return unruled;
                continue;
            }
            if (n.Inputs.Length == 0 || !needed.Contains(n) || !adjoint.TryGetValue(n, out var g)) continue;
            if (OpRegistry.Get(n.Op).Gradient is not { } rule) return n;
            var grads = rule(new VjpContext(b, n, g));
            for (int i = 0; i < n.Inputs.Length; i++)
            {
                var input = n.Inputs[i];
                var gi = grads[i];
                if (gi is null || !needed.Contains(input)) continue;
                adjoint[input] = adjoint.TryGetValue(input, out var existing) ? b.Add(existing, gi) : gi;
            }
        }
        return null;
    }

    /// <summary>
    /// A loop's outputs are differentiated together, by one reverse loop (<see cref="LoopGradient"/>), when the walk
    /// reaches the first of them: every output's users come later, so all their adjoints are complete by then.
    /// </summary>
    static Node? Backloop(GraphBuilder b, List<Node> nodes, HashSet<Node> needed, Dictionary<Node, Node> adjoint, Node scan,
        Dictionary<int, LoopBody>? savingLoops)
    {
        if (!needed.Contains(scan)) return null;
        var outputs = nodes.Where(m => SameLoop(m, scan)).ToList();
        if (outputs[0] != scan) return null;
        var seeds = new Dictionary<(int, bool), Node>();
        foreach (var o in outputs)
            if (adjoint.TryGetValue(o, out var g)) seeds[(o.Attrs.Int("output"), o.Attrs.Bool("stacked"))] = g;
        if (seeds.Count == 0) return null;
        var gradients = LoopGradient.Backward(b, scan, seeds, needed.Contains, out var unruled, out var saving);
        if (unruled is not null) return unruled;
        if (saving is not null)
        {
            if (savingLoops is null) throw new System.InvalidOperationException("a loop's gradient saves activations, but nobody replaces its forward loop");
            savingLoops[scan.Body!.Serial] = saving;
        }
        for (int i = 0; i < scan.Inputs.Length; i++)
        {
            var input = scan.Inputs[i];
            if (gradients[i] is not { } gi || !needed.Contains(input)) continue;
            adjoint[input] = adjoint.TryGetValue(input, out var existing) ? b.Add(existing, gi) : gi;
        }
        return null;
    }

    /// <summary>
    /// A program whose loops were differentiated reads their saved activations from loops that also stack them: each
    /// forward loop is replaced by its saving twin (the same body with more outputs), so it still runs once.
    /// </summary>
    static GraphProgram WithSavingLoops(GraphBuilder b, GraphProgram program, Dictionary<int, LoopBody> savingLoops) =>
        savingLoops.Count == 0 ? program : Rewriter.Rewrite(b, program, (builder, n) =>
            n.IsScan && savingLoops.TryGetValue(n.Body!.Serial, out var saving)
                ? builder.Scan(saving, n.Inputs, n.Attrs.Int("output"), n.Attrs.Bool("stacked"))
                : null);

    /// <summary>Whether two nodes are outputs of one loop: the same body over the same inputs.</summary>
    internal static bool SameLoop(Node a, Node b) =>
        a.IsScan && b.IsScan && a.Body == b.Body && a.Inputs.SequenceEqual(b.Inputs);

    static ImmutableArray<Node?> ParameterGradients(GraphProgram forward, Dictionary<Node, int> parameters, Dictionary<Node, Node> adjoint)
    {
        var gradients = new Node?[forward.Gradients.Length];
        foreach (var p in parameters)
            if (adjoint.TryGetValue(p.Key, out var g)) gradients[p.Value] = g;
        return gradients.ToImmutableArray();
    }

    static bool DependsOn(Node n, Node target) => Nodes.Reachable(new[] { n }).Contains(target);
}
