using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>
/// A Function whose backward is deliberately not the forward's derivative (it scales the gradient of a product's
/// first factor and drops the second's): the graph must use the Backward as written, as the tape does.
/// </summary>
public sealed class ScaledProduct : Function
{
    const float Scale = 0.5f;

    protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
    {
        ctx.SaveForBackward(inputs[1]);
        return inputs[0] * inputs[1];
    }

    protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) =>
        new Tensor?[] { Ops.Mul(gradOutput, ctx.SavedTensors[0]) * Scale, null };
}

/// <summary>MyReLU held in a field, then a two-input Function whose backward differs from the true derivative.</summary>
public partial class GatedFunctionNet : Module
{
    readonly Linear linear1 = new(10, 16);
    readonly Linear linear2 = new(16, 3);
    readonly MyReLU fieldRelu = new();

    [Compile]
    public Tensor Gated([Shape("N", 10)] Tensor x, [Shape("N", 3)] Tensor y)
    {
        var h = fieldRelu.Apply(linear1.Forward(x));
        var gated = new ScaledProduct().Apply(h, Sigmoid(h));
        return MseLoss(linear2.Forward(gated), y);
    }
}
