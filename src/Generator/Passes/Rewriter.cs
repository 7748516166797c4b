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
}
