namespace Kiln.Nn;

/// <summary>
/// What nn.LSTM and nn.GRU share: the per-layer parameters under PyTorch's names (<c>weight_ih_l{k}</c> [G·H, in],
/// <c>weight_hh_l{k}</c> [G·H, H], <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c> [G·H], with G gate blocks of H rows),
/// drawn U(-1/sqrt(H), 1/sqrt(H)) in torch's order, and the layout of the input (time-major, batch-first, unbatched).
/// </summary>
/// <remarks>
/// The layers are composed from the eager ops, one input projection for all steps and a few ops per step, so the
/// tape carries them step by step (unlike <see cref="Rnn"/>'s fused layer); gradients are the ops' own.
/// </remarks>
public abstract class GatedRecurrent : Module
{
    [Unregistered] readonly Parameter[] weightIh, weightHh;
    [Unregistered] readonly Parameter?[] biasIh, biasHh;
    readonly string name;

    private protected GatedRecurrent(string name, int gates, int inputSize, int hiddenSize, int numLayers, bool batchFirst, bool bias, Rng? rng)
    {
        this.name = name;
        if (inputSize <= 0 || hiddenSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(hiddenSize), $"{name}: inputSize and hiddenSize must be positive, got {inputSize} and {hiddenSize}.");
        if (numLayers <= 0)
            throw new ArgumentOutOfRangeException(nameof(numLayers), $"{name}: numLayers must be positive, got {numLayers}.");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        BatchFirst = batchFirst;
        weightIh = new Parameter[numLayers];
        weightHh = new Parameter[numLayers];
        biasIh = new Parameter?[numLayers];
        biasHh = new Parameter?[numLayers];
        float bound = (float)(1.0 / Math.Sqrt(hiddenSize));
        Parameter Uniform(params int[] shape) => new(Init.Uniform(Tensor.Zeros(shape), -bound, bound, rng));
        for (int layer = 0; layer < numLayers; layer++)
        {
            int layerInput = layer == 0 ? inputSize : hiddenSize;
            RegisterParameter($"weight_ih_l{layer}", weightIh[layer] = Uniform(gates * hiddenSize, layerInput));
            RegisterParameter($"weight_hh_l{layer}", weightHh[layer] = Uniform(gates * hiddenSize, hiddenSize));
            if (bias)
            {
                RegisterParameter($"bias_ih_l{layer}", biasIh[layer] = Uniform(gates * hiddenSize));
                RegisterParameter($"bias_hh_l{layer}", biasHh[layer] = Uniform(gates * hiddenSize));
            }
        }
    }

    public int InputSize { get; }
    public int HiddenSize { get; }
    public int NumLayers { get; }
    public bool BatchFirst { get; }

    public Parameter WeightIh(int layer) => weightIh[layer];
    public Parameter WeightHh(int layer) => weightHh[layer];
    public Parameter? BiasIh(int layer) => biasIh[layer];
    public Parameter? BiasHh(int layer) => biasHh[layer];

    /// <summary>The input as time-major [L, B, in], whether it is batched, and B.</summary>
    private protected (Tensor Sequence, bool Batched, int Batch) TimeMajor(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 2 && input.Rank != 3)
            throw new ArgumentException($"{name}: input must be [L, B, {InputSize}] ([B, L, {InputSize}] with batchFirst) or unbatched [L, {InputSize}], got {input.ShapeString}.");
        if (input.Dims[^1] != InputSize)
            throw new ArgumentException($"{name}: input {input.ShapeString} has {input.Dims[^1]} features, expected inputSize {InputSize}.");
        bool batched = input.Rank == 3;
        int timeDim = batched && BatchFirst ? 1 : 0;
        if (input.Dims[timeDim] == 0) throw new ArgumentException($"{name}: input {input.ShapeString} has no time steps.");
        int batch = batched ? input.Dims[1 - timeDim] : 1;
        var sequence = !batched ? Ops.Unsqueeze(input, 1) : BatchFirst ? Ops.Transpose(input, 0, 1) : input;
        return (sequence, batched, batch);
    }

    /// <summary>Layer <paramref name="layer"/>'s slice [B, H] of an initial state [layers, B, H] ([layers, H] unbatched), zeros when null.</summary>
    private protected Tensor InitialState(Tensor? state, string stateName, int layer, bool batched, int batch, Tensor input)
    {
        if (state is null) return Tensor.Zeros(batch, HiddenSize);
        var expected = batched ? new[] { NumLayers, batch, HiddenSize } : new[] { NumLayers, HiddenSize };
        if (!ShapeUtil.SameShape(state.Dims, expected))
            throw new ArgumentException($"{name}: {stateName} {state.ShapeString} does not match the expected {ShapeUtil.Format(expected)} for input {input.ShapeString}.");
        var slice = Ops.Select(state, 0, layer);
        return batched ? slice : Ops.Unsqueeze(slice, 0);
    }

    /// <summary>The time-major outputs [L, B, H] back in the input's layout.</summary>
    private protected Tensor OutputLayout(Tensor sequence, bool batched) =>
        !batched ? Ops.Squeeze(sequence, 1) : BatchFirst ? Ops.Transpose(sequence, 0, 1) : sequence;

    /// <summary>Final states [layers, B, H] ([layers, H] unbatched).</summary>
    private protected static Tensor StackStates(Tensor[] states, bool batched)
    {
        var stacked = Ops.Stack(states, 0);
        return batched ? stacked : Ops.Squeeze(stacked, 1);
    }

    protected override string ExtraRepr() =>
        $"{InputSize}, {HiddenSize}" + (NumLayers != 1 ? $", num_layers={NumLayers}" : "") +
        (biasIh[0] is null ? ", bias=False" : "") + (BatchFirst ? ", batch_first=True" : "");
}

/// <summary>
/// A multi-layer LSTM (nn.LSTM): per layer and step, gates = x_t·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh split into i, f, g, o
/// (PyTorch's order); c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c'); each layer's h_t feed the next layer. A torch
/// state_dict loads as is. <c>output, (h_n, c_n) = lstm(x)</c> becomes <c>var (output, (hn, cn)) = lstm.Forward(x);</c>.
/// </summary>
public sealed class Lstm(int inputSize, int hiddenSize, int numLayers = 1, bool batchFirst = false, bool bias = true, Rng? rng = null)
    : GatedRecurrent("Lstm", 4, inputSize, hiddenSize, numLayers, batchFirst, bias, rng)
{
    /// <param name="input">[L, B, in] ([B, L, in] when batchFirst), or [L, in] for one unbatched sequence.</param>
    /// <param name="state">(h0, c0), each [layers, B, H] ([layers, H] unbatched); zeros when null.</param>
    /// <returns>The last layer's h_t for every t ([L, B, H], or [B, L, H] when batchFirst) and the final (h, c) of every layer.</returns>
    public (Tensor Output, (Tensor H, Tensor C) State) Forward(Tensor input, (Tensor H, Tensor C)? state = null)
    {
        var (sequence, batched, batch) = TimeMajor(input);
        int steps = sequence.Dims[0];
        var finalH = new Tensor[NumLayers];
        var finalC = new Tensor[NumLayers];
        for (int layer = 0; layer < NumLayers; layer++)
        {
            var h = InitialState(state?.H, "h0", layer, batched, batch, input);
            var c = InitialState(state?.C, "c0", layer, batched, batch, input);
            var projected = Ops.Linear(sequence, WeightIh(layer), BiasIh(layer));   // [L, B, 4H], all steps at once
            var outputs = new Tensor[steps];
            for (int t = 0; t < steps; t++)
            {
                var gates = Ops.Chunk(Ops.Add(Ops.Select(projected, 0, t), Ops.Linear(h, WeightHh(layer), BiasHh(layer))), 4, 1);
                c = Ops.Add(Ops.Mul(Ops.Sigmoid(gates[1]), c), Ops.Mul(Ops.Sigmoid(gates[0]), Ops.Tanh(gates[2])));
                h = Ops.Mul(Ops.Sigmoid(gates[3]), Ops.Tanh(c));
                outputs[t] = h;
            }
            sequence = Ops.Stack(outputs, 0);
            finalH[layer] = h;
            finalC[layer] = c;
        }
        return (OutputLayout(sequence, batched), (StackStates(finalH, batched), StackStates(finalC, batched)));
    }
}

/// <summary>
/// A multi-layer GRU (nn.GRU): per layer and step, with the gate blocks in PyTorch's order r, z, n,
/// r = σ(W_ir·x + b_ir + W_hr·h + b_hr), z = σ(W_iz·x + b_iz + W_hz·h + b_hz),
/// n = tanh(W_in·x + b_in + r·(W_hn·h + b_hn)), h' = (1 − z)·n + z·h. A torch state_dict loads as is.
/// </summary>
public sealed class Gru(int inputSize, int hiddenSize, int numLayers = 1, bool batchFirst = false, bool bias = true, Rng? rng = null)
    : GatedRecurrent("Gru", 3, inputSize, hiddenSize, numLayers, batchFirst, bias, rng)
{
    /// <param name="input">[L, B, in] ([B, L, in] when batchFirst), or [L, in] for one unbatched sequence.</param>
    /// <param name="h0">[layers, B, H] ([layers, H] unbatched); zeros when null.</param>
    /// <returns>The last layer's h_t for every t ([L, B, H], or [B, L, H] when batchFirst) and every layer's final h.</returns>
    public (Tensor Output, Tensor HN) Forward(Tensor input, Tensor? h0 = null)
    {
        var (sequence, batched, batch) = TimeMajor(input);
        int steps = sequence.Dims[0];
        var finalH = new Tensor[NumLayers];
        for (int layer = 0; layer < NumLayers; layer++)
        {
            var h = InitialState(h0, "h0", layer, batched, batch, input);
            var projected = Ops.Linear(sequence, WeightIh(layer), BiasIh(layer));   // [L, B, 3H]
            var outputs = new Tensor[steps];
            for (int t = 0; t < steps; t++)
            {
                var gi = Ops.Chunk(Ops.Select(projected, 0, t), 3, 1);
                var gh = Ops.Chunk(Ops.Linear(h, WeightHh(layer), BiasHh(layer)), 3, 1);
                var r = Ops.Sigmoid(Ops.Add(gi[0], gh[0]));
                var z = Ops.Sigmoid(Ops.Add(gi[1], gh[1]));
                var n = Ops.Tanh(Ops.Add(gi[2], Ops.Mul(r, gh[2])));
                h = Ops.Add(Ops.Mul(Ops.Sub(1f, z), n), Ops.Mul(z, h));
                outputs[t] = h;
            }
            sequence = Ops.Stack(outputs, 0);
            finalH[layer] = h;
        }
        return (OutputLayout(sequence, batched), StackStates(finalH, batched));
    }
}
