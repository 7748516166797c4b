using Kiln.Nn;

namespace Kiln.Samples.TwoLayer;

/// <summary>The tutorial's custom autograd function: ReLU with a hand-written backward.</summary>
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

/// <summary>The tutorial's custom nn.Module: two Linear layers with a clamp between them.</summary>
public sealed class TwoLayerNet : Module
{
    readonly Linear linear1;
    readonly Linear linear2;

    public TwoLayerNet(int inputSize, int hiddenSize, int outputSize, Rng rng)
    {
        linear1 = new Linear(inputSize, hiddenSize, rng: rng);
        linear2 = new Linear(hiddenSize, outputSize, rng: rng);
    }

    public Tensor Forward(Tensor x) => linear2.Forward(linear1.Forward(x).Clamp(min: 0f));
}

/// <summary>
/// The tutorial's DynamicNet: each forward reuses the middle layer a random 0–3 times, so the tape differs from
/// step to step and the middle layer's gradient accumulates over its uses.
/// </summary>
public sealed class DynamicNet : Module
{
    readonly Linear inputLinear;
    readonly Linear middleLinear;
    readonly Linear outputLinear;
    readonly Rng depthRng;

    public DynamicNet(int inputSize, int hiddenSize, int outputSize, Rng rng, Rng depthRng)
    {
        inputLinear = new Linear(inputSize, hiddenSize, rng: rng);
        middleLinear = new Linear(hiddenSize, hiddenSize, rng: rng);
        outputLinear = new Linear(hiddenSize, outputSize, rng: rng);
        this.depthRng = depthRng;
    }

    /// <summary>How many times the middle layer ran in each forward so far.</summary>
    public List<int> Depths { get; } = new();

    public Tensor Forward(Tensor x)
    {
        var hRelu = inputLinear.Forward(x).Clamp(min: 0f);
        int depth = depthRng.NextInt(0, 4);
        Depths.Add(depth);
        for (int i = 0; i < depth; i++) hRelu = middleLinear.Forward(hRelu).Clamp(min: 0f);
        return outputLinear.Forward(hRelu);
    }
}
