using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>
/// Not a real model: one method that calls most Ops functions and Tensor methods the parser lowers, so that every
/// op name and attribute the front end emits is checked against the compiler core and against the tape.
/// </summary>
public partial class OpsZoo : Module
{
    readonly Parameter w = Parameter.Randn(6, 4);
    readonly Parameter v = Parameter.Randn(4, 6);

    [Compile]
    public Tensor Loss([Shape("N", 6)] Tensor x, [Shape("N", 4)] Tensor t)
    {
        var h = x.MatMul(w);
        var a = Sigmoid(h) * Tanh(h) + Exp(-Abs(h)) - Sqrt(Square(h) + 1f) / 2f + Log(Square(h) + 1f);
        var b = Clamp(h, min: -1f, max: 1f).Pow(3f) + h.Relu();
        var stacked = Stack(new[] { a, b }, 1);
        var swapped = Permute(stacked, 2, 0, 1);
        var back = Transpose(swapped, 0, 1).Flatten(startDim: 1);
        var (maxima, _) = Max(back, 1, keepDim: true);
        var picked = Select(stacked, 1, 0);
        var joined = Concat(new[] { picked, Unsqueeze(Squeeze(maxima, 1), 1) }, 1);
        var logits = Narrow(joined, 1, 0, 4).MatMul(v).T().T() + Mean(joined, 1, keepDim: true);
        return MseLoss(Softmax(logits, 1).MatMul(w), t) + LogSoftmax(logits, -1).Mean() * 0.01f + back.Sum(1).Mean();
    }
}
