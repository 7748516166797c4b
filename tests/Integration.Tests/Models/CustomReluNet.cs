using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>The tutorial's custom autograd function: ReLU with a hand-written backward (as in samples/TwoLayerNet).</summary>
public sealed class MyReLU : Function
{
    protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
    {
        ctx.SaveForBackward(inputs[0]);
        return inputs[0].Clamp(min: 0f);
    }

    protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
    {
        var input = ctx.SavedTensors[0];
        // grad_input[input < 0] = 0
        return new Tensor?[] { gradOutput * Ops.GreaterThan(input, 0f) };
    }
}

/// <summary>The tutorial's two-layer net with MyReLU between the layers and a summed squared error.</summary>
public partial class CustomReluNet : Module
{
    readonly Linear linear1 = new(10, 16);
    readonly Linear linear2 = new(16, 3);

    [Compile]
    public Tensor Loss([Shape("N", 10)] Tensor x, [Shape("N", 3)] Tensor y)
    {
        var relu = new MyReLU();
        var yPred = linear2.Forward(relu.Apply(linear1.Forward(x)));
        return (yPred - y).Pow(2).Sum();
    }
}
