namespace Kiln.Nn;

public enum RnnNonlinearity { Tanh, Relu }

/// <summary>
/// A multi-layer Elman RNN (nn.RNN): per layer and time step h_t = act(x_t·W_ihᵀ + b_ih + h_{t-1}·W_hhᵀ + b_hh),
/// each layer's outputs being the next layer's inputs. Parameters are PyTorch's <c>weight_ih_l{k}</c> [H, in],
/// <c>weight_hh_l{k}</c> [H, H], <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c>, all initialised U(-1/sqrt(H), 1/sqrt(H)).
/// </summary>
/// <remarks>
/// Composed from differentiable ops, one Linear pair per step: the tape handles backpropagation through time.
/// Steps are kept as separate tensors between layers (not stacked and re-sliced), so the backward pass does not
/// pay for slicing a full sequence at every step.
/// </remarks>
public sealed class Rnn : Module
{
    // Registered one by one under torch's names in the constructor; unregistered here so they are not listed twice.
    [Unregistered] readonly Parameter[] weightIh, weightHh;
    [Unregistered] readonly Parameter?[] biasIh, biasHh;

    public Rnn(int inputSize, int hiddenSize, int numLayers = 1, bool batchFirst = false,
        RnnNonlinearity nonlinearity = RnnNonlinearity.Tanh, bool bias = true, Rng? rng = null)
    {
        if (inputSize <= 0 || hiddenSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(hiddenSize), $"Rnn: inputSize and hiddenSize must be positive, got {inputSize} and {hiddenSize}.");
        if (numLayers <= 0)
            throw new ArgumentOutOfRangeException(nameof(numLayers), $"Rnn: numLayers must be positive, got {numLayers}.");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        BatchFirst = batchFirst;
        Nonlinearity = nonlinearity;
        weightIh = new Parameter[numLayers];
        weightHh = new Parameter[numLayers];
        biasIh = new Parameter?[numLayers];
        biasHh = new Parameter?[numLayers];
        float bound = (float)(1.0 / Math.Sqrt(hiddenSize));
        Parameter Uniform(params int[] shape) => new(Init.Uniform(Tensor.Zeros(shape), -bound, bound, rng));
        // Drawn and registered in torch's order (per layer: w_ih, w_hh, b_ih, b_hh), which is also the state-dict order.
        for (int layer = 0; layer < numLayers; layer++)
        {
            int layerInput = layer == 0 ? inputSize : hiddenSize;
            RegisterParameter($"weight_ih_l{layer}", weightIh[layer] = Uniform(hiddenSize, layerInput));
            RegisterParameter($"weight_hh_l{layer}", weightHh[layer] = Uniform(hiddenSize, hiddenSize));
            if (bias)
            {
                RegisterParameter($"bias_ih_l{layer}", biasIh[layer] = Uniform(hiddenSize));
                RegisterParameter($"bias_hh_l{layer}", biasHh[layer] = Uniform(hiddenSize));
            }
        }
    }

    public int InputSize { get; }
    public int HiddenSize { get; }
    public int NumLayers { get; }
    public bool BatchFirst { get; }
    public RnnNonlinearity Nonlinearity { get; }

    public Parameter WeightIh(int layer) => weightIh[layer];
    public Parameter WeightHh(int layer) => weightHh[layer];
    public Parameter? BiasIh(int layer) => biasIh[layer];
    public Parameter? BiasHh(int layer) => biasHh[layer];

    /// <param name="input">[L, B, in] ([B, L, in] when batchFirst), or [L, in] for one unbatched sequence.</param>
    /// <param name="h0">[layers, B, H] ([layers, H] unbatched); zeros when null.</param>
    /// <returns>Output: the last layer's h_t for every t, [L, B, H] ([B, L, H] when batchFirst); HN: [layers, B, H].</returns>
    public (Tensor Output, Tensor HN) Forward(Tensor input, Tensor? h0 = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 2 && input.Rank != 3)
            throw new ArgumentException($"Rnn: input must be [L, B, {InputSize}] ([B, L, {InputSize}] with batchFirst) or unbatched [L, {InputSize}], got {input.ShapeString}.");
        if (input.Dims[^1] != InputSize)
            throw new ArgumentException($"Rnn: input {input.ShapeString} has {input.Dims[^1]} features, expected inputSize {InputSize}.");
        bool batched = input.Rank == 3;
        int timeDim = batched && BatchFirst ? 1 : 0;
        int steps = input.Dims[timeDim];
        int batch = batched ? input.Dims[1 - timeDim] : 1;
        if (steps == 0) throw new ArgumentException($"Rnn: input {input.ShapeString} has no time steps.");

        var expectedH0 = batched ? new[] { NumLayers, batch, HiddenSize } : new[] { NumLayers, HiddenSize };
        if (h0 is not null && !ShapeUtil.SameShape(h0.Dims, expectedH0))
            throw new ArgumentException($"Rnn: h0 {h0.ShapeString} does not match the expected {ShapeUtil.Format(expectedH0)} for input {input.ShapeString}.");

        var layerInputs = new Tensor[steps];
        for (int t = 0; t < steps; t++)
        {
            var xt = Ops.Select(input, timeDim, t);
            layerInputs[t] = batched ? xt : Ops.Unsqueeze(xt, 0);
        }

        var finalStates = new Tensor[NumLayers];
        for (int layer = 0; layer < NumLayers; layer++)
        {
            var h = h0 is null ? Tensor.Zeros(batch, HiddenSize)
                : batched ? Ops.Select(h0, 0, layer) : Ops.Unsqueeze(Ops.Select(h0, 0, layer), 0);
            var outputs = new Tensor[steps];
            for (int t = 0; t < steps; t++)
            {
                var preActivation = Ops.Add(Ops.Linear(layerInputs[t], weightIh[layer], biasIh[layer]), Ops.Linear(h, weightHh[layer], biasHh[layer]));
                h = Nonlinearity == RnnNonlinearity.Tanh ? Ops.Tanh(preActivation) : Ops.Relu(preActivation);
                outputs[t] = h;
            }
            finalStates[layer] = h;
            layerInputs = outputs;
        }

        if (!batched)
            return (Ops.Stack(layerInputs.Select(o => Ops.Squeeze(o, 0)).ToArray(), 0), Ops.Stack(finalStates.Select(s => Ops.Squeeze(s, 0)).ToArray(), 0));
        return (Ops.Stack(layerInputs, timeDim), Ops.Stack(finalStates, 0));
    }

    protected override string ExtraRepr() =>
        $"{InputSize}, {HiddenSize}" + (NumLayers != 1 ? $", num_layers={NumLayers}" : "") +
        (Nonlinearity != RnnNonlinearity.Tanh ? ", nonlinearity='relu'" : "") + (biasIh[0] is null ? ", bias=False" : "") +
        (BatchFirst ? ", batch_first=True" : "");
}
