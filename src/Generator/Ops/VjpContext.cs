using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops;

/// <summary>What a vector-Jacobian product sees: the node, its output gradient and the builder for new nodes.</summary>
internal readonly struct VjpContext
{
    public VjpContext(GraphBuilder builder, Node node, Node gradient)
    {
        B = builder;
        Node = node;
        G = gradient;
    }

    public GraphBuilder B { get; }
    public Node Node { get; }
    public Node G { get; }
    public Node X => Node.Inputs[0];
    public Node Y => Node;
    public Node In(int i) => Node.Inputs[i];
}
