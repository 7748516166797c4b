using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>
/// The SPINN Reduce cell of the <c>tree_lstm_reduce</c> fixture (size 4, the fixture's <c>attrs.size</c>; the TreeLstm
/// sample has the same cell at size 32): one tree-LSTM step combining a left and a right child over a symbolic batch.
/// Its result is not a scalar, so its graph has Forward and Apply (the graph as one node of the tape), no ForwardBackward.
/// </summary>
public partial class TreeLstmReduce : Module
{
    public const int Size = 4;

    readonly Linear left = new(Size, 5 * Size);
    readonly Linear right = new(Size, 5 * Size, bias: false);

    [Compile]
    public (Tensor H, Tensor C) Reduce([Shape("B", Size)] Tensor leftH, [Shape("B", Size)] Tensor leftC,
        [Shape("B", Size)] Tensor rightH, [Shape("B", Size)] Tensor rightC)
    {
        var lstmIn = left.Forward(leftH) + right.Forward(rightH);
        var gates = lstmIn.Chunk(5, 1);
        var c = Tanh(gates[0]) * Sigmoid(gates[1]) + Sigmoid(gates[2]) * leftC + Sigmoid(gates[3]) * rightC;
        var h = Sigmoid(gates[4]) * Tanh(c);
        return (h, c);
    }
}

/// <summary>
/// The tutorial's dynamic net (PyTorch's "Control flow + weight sharing"): input layer, then the middle layer reused a
/// random 0–3 times, then the output layer. The middle step is compiled; Apply puts it on the tape as one node per use.
/// </summary>
public partial class DynamicNet : Module
{
    readonly Linear input = new(6, 8);
    readonly Linear middle = new(8, 8);
    readonly Linear output = new(8, 3);

    [Compile]
    public Tensor Middle([Shape("N", 8)] Tensor h) => Relu(middle.Forward(h));

    /// <summary>The whole net on the tape; <paramref name="hybrid"/> runs each middle step as the compiled graph's node.</summary>
    public Tensor Run(Tensor x, int middleUses, bool hybrid)
    {
        var h = Relu(input.Forward(x));
        for (int i = 0; i < middleUses; i++) h = hybrid ? MiddleGraph.Apply(h) : Middle(h);
        return output.Forward(h);
    }
}
