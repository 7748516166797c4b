using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Samples.TreeLstm;

/// <summary>
/// SPINN's Reduce: a tree-LSTM step combining a left and a right child (h, c) over a symbolic batch B. Called directly it
/// runs on the tape; <c>ReduceGraph.Apply</c> runs the compiled graph as one node of the same tape (its result is not a
/// scalar, so the graph has Forward and Apply, no ForwardBackward).
/// </summary>
public partial class ReduceCell : Module
{
    public const int Size = 32;

    readonly Linear left;
    readonly Linear right;

    public ReduceCell(Rng rng)
    {
        left = new Linear(Size, 5 * Size, rng: rng);
        right = new Linear(Size, 5 * Size, bias: false, rng: rng);
    }

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
