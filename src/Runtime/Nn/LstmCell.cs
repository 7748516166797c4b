namespace Kiln.Nn;

/// <summary>
/// One LSTM step (nn.LSTMCell): gates = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh split into i, f, g, o (PyTorch's order,
/// blocks of H rows in <c>weight_ih</c> [4H, in] and <c>weight_hh</c> [4H, H]); c' = σ(f)·c + σ(i)·tanh(g),
/// h' = σ(o)·tanh(c'). Parameters are initialised U(-1/sqrt(H), 1/sqrt(H)).
/// </summary>
public sealed class LstmCell : Module
{
    public LstmCell(int inputSize, int hiddenSize, bool bias = true, Rng? rng = null)
    {
        if (inputSize <= 0 || hiddenSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(hiddenSize), $"LstmCell: inputSize and hiddenSize must be positive, got {inputSize} and {hiddenSize}.");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        float bound = (float)(1.0 / Math.Sqrt(hiddenSize));
        Parameter Uniform(params int[] shape) => new(Init.Uniform(Tensor.Zeros(shape), -bound, bound, rng));
        WeightIh = Uniform(4 * hiddenSize, inputSize);
        WeightHh = Uniform(4 * hiddenSize, hiddenSize);
        if (bias)
        {
            BiasIh = Uniform(4 * hiddenSize);
            BiasHh = Uniform(4 * hiddenSize);
        }
    }

    public int InputSize { get; }
    public int HiddenSize { get; }
    public Parameter WeightIh { get; }
    public Parameter WeightHh { get; }
    public Parameter? BiasIh { get; }
    public Parameter? BiasHh { get; }

    /// <param name="input">[B, in], or [in] unbatched.</param>
    /// <param name="state">(h, c), each [B, H] ([H] unbatched); zeros when null.</param>
    public (Tensor H, Tensor C) Forward(Tensor input, (Tensor H, Tensor C)? state = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if ((input.Rank != 1 && input.Rank != 2) || input.Dims[^1] != InputSize)
            throw new ArgumentException($"LstmCell: input must be [B, {InputSize}] or [{InputSize}], got {input.ShapeString}.");
        bool batched = input.Rank == 2;
        int batch = batched ? input.Dims[0] : 1;
        var expected = batched ? new[] { batch, HiddenSize } : new[] { HiddenSize };
        Tensor h, c;
        if (state is (Tensor h0, Tensor c0))
        {
            ArgumentNullException.ThrowIfNull(h0, "state.H");
            ArgumentNullException.ThrowIfNull(c0, "state.C");
            if (!ShapeUtil.SameShape(h0.Dims, expected) || !ShapeUtil.SameShape(c0.Dims, expected))
                throw new ArgumentException($"LstmCell: state h {h0.ShapeString} and c {c0.ShapeString} must both be {ShapeUtil.Format(expected)} for input {input.ShapeString}.");
            h = batched ? h0 : Ops.Unsqueeze(h0, 0);
            c = batched ? c0 : Ops.Unsqueeze(c0, 0);
        }
        else
        {
            h = Tensor.Zeros(batch, HiddenSize);
            c = Tensor.Zeros(batch, HiddenSize);
        }
        var x = batched ? input : Ops.Unsqueeze(input, 0);

        var gates = Ops.Chunk(Ops.Add(Ops.Linear(x, WeightIh, BiasIh), Ops.Linear(h, WeightHh, BiasHh)), 4, 1);
        var inputGate = Ops.Sigmoid(gates[0]);
        var forgetGate = Ops.Sigmoid(gates[1]);
        var candidate = Ops.Tanh(gates[2]);
        var outputGate = Ops.Sigmoid(gates[3]);
        var c1 = Ops.Add(Ops.Mul(forgetGate, c), Ops.Mul(inputGate, candidate));
        var h1 = Ops.Mul(outputGate, Ops.Tanh(c1));
        return batched ? (h1, c1) : (Ops.Squeeze(h1, 0), Ops.Squeeze(c1, 0));
    }

    protected override string ExtraRepr() => $"{InputSize}, {HiddenSize}" + (BiasIh is null ? ", bias=False" : "");
}
