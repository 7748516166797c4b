using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Kiln.Generator.Graph;

/// <summary>
/// A function over the graph: its result and, for a forward+backward program, the gradient of the result with
/// respect to each capture (indexed like GraphSpec.Captures; null where there is none). Passes map programs to programs.
/// </summary>
internal sealed class GraphProgram
{
    public GraphProgram(string name, Node result, ImmutableArray<Node?> gradients, ImmutableArray<(int Capture, Node Value)> updates = default,
        ImmutableArray<Node> moreResults = default)
    {
        Name = name;
        Result = result;
        MoreResults = moreResults.IsDefault ? ImmutableArray<Node>.Empty : moreResults;
        Gradients = gradients;
        Updates = updates.IsDefault ? ImmutableArray<(int, Node)>.Empty : updates;
    }

    /// <summary>Values written into captures in place after everything else (BatchNorm's running statistics).</summary>
    public ImmutableArray<(int Capture, Node Value)> Updates { get; }

    public string Name { get; }
    public Node Result { get; }

    /// <summary>The further results of a method returning a tuple; the first result is the one differentiated.</summary>
    public ImmutableArray<Node> MoreResults { get; }

    public IEnumerable<Node> Results => new[] { Result }.Concat(MoreResults);
    public ImmutableArray<Node?> Gradients { get; }
    public bool HasGradients => Gradients.Any(g => g is not null);

    public IEnumerable<Node> Outputs => Results.Concat(Gradients.Where(g => g is not null).Select(g => g!)).Concat(Updates.Select(u => u.Value));

    public List<Node> Nodes() => Graph.Nodes.Reachable(Outputs);

    /// <summary>The non-leaf nodes: what Summary reports as graph ops.</summary>
    public int OpCount => Nodes().Count(n => n.Inputs.Length > 0);

    public GraphProgram Map(Func<Node, Node> map) =>
        new(Name, map(Result), Gradients.Select(g => g is null ? null : map(g)).ToImmutableArray(), Updates.Select(u => (u.Capture, map(u.Value))).ToImmutableArray(),
            MoreResults.Select(map).ToImmutableArray());
}
