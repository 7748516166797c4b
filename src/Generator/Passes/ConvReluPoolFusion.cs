using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops;
using Kiln.Generator.Ops.Definitions;

namespace Kiln.Generator.Passes;

/// <summary>
/// Replaces conv2d (with or without its bias) → relu → max_pool2d(2, stride 2, no padding) by one
/// <see cref="ConvReluPool.Forward"/> op, whose kernel pools the convolution in its epilogue and never writes the
/// full-size convolution or ReLU output. Runs on the forward program before autodiff, so the backward uses the fused
/// op's gradient (a scatter to the saved argmax) and keeps a quarter-size pooled value and argmax instead of the
/// full-size ReLU output. Applies only when the convolution and the ReLU feed nothing else and are no program
/// output (their values would otherwise have to be written anyway); any other window, or a pool without the ReLU,
/// stays as it is.
/// </summary>
internal static class ConvReluPoolFusion
{
    public static GraphProgram Run(GraphBuilder b, GraphProgram program)
    {
        var nodes = program.Nodes();
        var users = Nodes.Users(nodes);
        var outputs = new HashSet<Node>(program.Outputs);
        bool OnlyFeeds(Node producer, Node consumer) =>
            !outputs.Contains(producer) && users[producer].Count == 1 && users[producer][0] == consumer;

        var fused = nodes.Where(pool => pool.Op == Convolution.MaxPool2d && ConvReluPool.IsFusablePool(pool.Attrs)
            && pool.Inputs[0] is { Op: Activations.Relu } relu && OnlyFeeds(relu, pool)
            && relu.Inputs[0] is { Op: Convolution.Conv2d } conv && OnlyFeeds(conv, relu)).ToList();
        if (fused.Count == 0) return program;

        var fusedPools = new HashSet<Node>(fused);
        var map = new Dictionary<Node, Node>();
        foreach (var node in nodes)
        {
            if (fusedPools.Contains(node))
            {
                var conv = node.Inputs[0].Inputs[0];
                map[node] = b.Create(ConvReluPool.Forward, conv.Inputs.Select(i => map[i]).ToArray(), conv.Attrs);
                continue;
            }
            var inputs = node.Inputs.Select(i => map[i]).ToArray();
            map[node] = inputs.SequenceEqual(node.Inputs) ? node : b.Create(node.Op, inputs, node.Attrs);
        }
        return program.Map(n => map[n]);
    }
}
