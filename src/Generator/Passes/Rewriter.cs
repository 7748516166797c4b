using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Passes;

/// <summary>
/// Bottom-up rewriting: every node is rebuilt over its rewritten inputs (re-interned, so new duplicates merge)
/// and the rule is applied until it no longer changes the node.
/// </summary>
internal static class Rewriter
{
    public delegate Node? Rule(GraphBuilder builder, Node node);

    public static GraphProgram Rewrite(GraphBuilder builder, GraphProgram program, Rule rule)
    {
        var map = new Dictionary<Node, Node>();
        foreach (var node in program.Nodes())
        {
            var inputs = node.Inputs.Select(i => map[i]).ToArray();
            var current = inputs.SequenceEqual(node.Inputs) ? node : builder.Create(node.Op, inputs, node.Attrs);
            for (int step = 0; step < 16; step++)
            {
                var next = rule(builder, current);
                if (next is null || ReferenceEquals(next, current)) break;
                if (!next.Shape.Equals(current.Shape))
                    throw new InvalidOperationException($"rewrite of {current} changed its shape to {next.Shape}");
                current = next;
            }
            map[node] = current;
        }
        return program.Map(n => map[n]);
    }

    /// <summary>A loop's new body and inputs, over which every output of the old loop is rebuilt.</summary>
    public sealed record RewrittenLoop(LoopBody Body, List<Node> Inputs)
    {
        /// <summary>The same output of the rebuilt loop as <paramref name="scan"/> is of the old one.</summary>
        public Node Output(GraphBuilder b, Node scan) => b.Scan(Body, Inputs, scan.Attrs.Int("output"), scan.Attrs.Bool("stacked"));
    }

    /// <summary>A loop's identity: its body and inputs, the same for every scan node that reads one of its outputs.</summary>
    public static string LoopKey(Node scan) => scan.Attrs.Text("body") + "(" + string.Join(",", scan.Inputs.Select(i => i.Id)) + ")";

    /// <summary>
    /// Rewrites each loop once: <paramref name="rewriteLoop"/> gives its replacement (null keeps it), and every scan
    /// node reading the loop becomes <paramref name="output"/> of that one replacement.
    /// </summary>
    public static GraphProgram RewriteLoops<TLoop>(GraphBuilder builder, GraphProgram program, Func<GraphBuilder, Node, TLoop?> rewriteLoop,
        Func<GraphBuilder, Node, TLoop, Node> output) where TLoop : class
    {
        var rewritten = new Dictionary<string, TLoop?>();
        return Rewrite(builder, program, (b, n) =>
        {
            if (!n.IsScan) return null;
            var key = LoopKey(n);
            if (!rewritten.TryGetValue(key, out var loop)) rewritten[key] = loop = rewriteLoop(b, n);
            return loop is null ? null : output(b, n, loop);
        });
    }
}
