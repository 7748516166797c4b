using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Kiln.Generator.Graph;

internal enum ElementType { Float, Int, Flag, Rng }

/// <summary>
/// One value of the graph. Nodes are immutable and hash-consed by <see cref="GraphBuilder"/>: structurally equal
/// nodes are the same object, so common subexpressions never exist. <see cref="Id"/> is the creation order, and
/// inputs are always created first, so ordering by Id is a topological order.
/// </summary>
internal sealed class Node
{
    internal Node(int id, string op, ImmutableArray<Node> inputs, Attrs attrs, Shape shape, ElementType type, LoopBody? body = null)
    {
        Body = body;
        Id = id;
        Op = op;
        Inputs = inputs;
        Attrs = attrs;
        Shape = shape;
        Type = type;
    }

    public int Id { get; }
    public string Op { get; }
    public ImmutableArray<Node> Inputs { get; }
    public Attrs Attrs { get; }
    public Shape Shape { get; }
    public ElementType Type { get; }

    /// <summary>The loop body of a <see cref="OpNames.Scan"/> node (named by its "body" attribute); null for every other op.</summary>
    public LoopBody? Body { get; }

    public bool IsScan => Body is not null;

    public bool IsConstant => Op == OpNames.Constant;
    public float ConstantValue => Attrs.Float("value");
    public bool IsConstantValue(float value) => IsConstant && ConstantValue.Equals(value);

    public override string ToString() => "%" + Id + " = " + Op + (Attrs.Key.Length > 0 ? "{" + Attrs.Key + "}" : "") +
        "(" + string.Join(", ", Inputs.Select(i => "%" + i.Id)) + ") : " + Shape;
}

/// <summary>Topological helpers over node sets.</summary>
internal static class Nodes
{
    /// <summary>Every node reachable from <paramref name="roots"/>, in topological (Id) order.</summary>
    public static List<Node> Reachable(IEnumerable<Node> roots)
    {
        var seen = new HashSet<Node>();
        var stack = new Stack<Node>(roots);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (!seen.Add(n)) continue;
            foreach (var i in n.Inputs) stack.Push(i);
        }
        return seen.OrderBy(n => n.Id).ToList();
    }

    public static Dictionary<Node, List<Node>> Users(IEnumerable<Node> nodes)
    {
        var users = new Dictionary<Node, List<Node>>();
        foreach (var n in nodes)
        {
            if (!users.ContainsKey(n)) users[n] = new List<Node>();
            foreach (var i in n.Inputs.Distinct())
            {
                if (!users.TryGetValue(i, out var list)) users[i] = list = new List<Node>();
                list.Add(n);
            }
        }
        return users;
    }
}
