using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using Kiln.Kernels;

namespace Kiln.Nn;

public enum RnnNonlinearity { Tanh, Relu }

/// <summary>
/// A multi-layer Elman RNN (nn.RNN): per layer and time step h_t = act(x_t·W_ihᵀ + b_ih + h_{t-1}·W_hhᵀ + b_hh),
/// each layer's outputs being the next layer's inputs. Parameters are PyTorch's <c>weight_ih_l{k}</c> [H, in],
/// <c>weight_hh_l{k}</c> [H, H], <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c>, all initialised U(-1/sqrt(H), 1/sqrt(H)).
/// </summary>
/// <remarks>
/// Each layer is one tape node with a hand-written backpropagation through time (checked against PyTorch and by
/// finite differences): composing it from per-step Linear/Add/Tanh ops would put a dozen small ops and
/// allocations per step on the tape.
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

        // Layers run time-major ([L, B, features]); batch-first and unbatched inputs are rearranged around them.
        var sequence = !batched ? Ops.Unsqueeze(input, 1) : BatchFirst ? Ops.Transpose(input, 0, 1) : input;
        var finalStates = new Tensor[NumLayers];
        for (int layer = 0; layer < NumLayers; layer++)
        {
            var initial = h0 is null ? null : batched ? Ops.Select(h0, 0, layer) : Ops.Unsqueeze(Ops.Select(h0, 0, layer), 0);
            sequence = RunLayer(sequence, initial, weightIh[layer], weightHh[layer], biasIh[layer], biasHh[layer], Nonlinearity == RnnNonlinearity.Relu);
            finalStates[layer] = Ops.Select(sequence, 0, steps - 1);
        }
        var hn = Ops.Stack(finalStates, 0);
        if (!batched) return (Ops.Squeeze(sequence, 1), Ops.Squeeze(hn, 1));
        return (BatchFirst ? Ops.Transpose(sequence, 0, 1) : sequence, hn);
    }

    /// <summary>
    /// One layer over a time-major sequence x [L, B, in] from h0 [B, H] (zeros when null), as a single tape node
    /// whose output is every h_t, [L, B, H]. The input projection of all steps is one GEMM; each step adds
    /// h_{t-1}·W_hhᵀ. The backward pass is backpropagation through time: per step the pre-activation gradient
    /// and its contribution to W_hh and h_{t-1}, then the input-side gradients for all steps in one GEMM each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static Tensor RunLayer(Tensor x, Tensor? h0, Parameter weightIh, Parameter weightHh, Parameter? biasIh, Parameter? biasHh, bool relu)
    {
        int steps = x.Dims[0], batch = x.Dims[1], inputSize = x.Dims[2], hidden = weightHh.Dims[0];
        int rows = steps * batch, stepSize = batch * hidden;
        var h = GC.AllocateUninitializedArray<float>(rows * hidden); // every element written: bias rows or the GEMM's store
        bool hasBias = biasIh is not null && biasHh is not null;
        if (hasBias)
        {
            var bias = new float[hidden];
            TensorPrimitives.Add(biasIh!.Storage, biasHh!.Storage, bias);
            for (int r = 0; r < rows; r++) bias.CopyTo(h, r * hidden);
        }
        Gemm.Multiply(x.Storage, weightIh.Storage, h, rows, hidden, inputSize, transposeB: true, accumulate: hasBias);
        for (int t = 0; t < steps; t++)
        {
            var z = h.AsSpan(t * stepSize, stepSize);
            if (t > 0) Gemm.Multiply(h.AsSpan((t - 1) * stepSize, stepSize), weightHh.Storage, z, batch, hidden, hidden, transposeB: true, accumulate: true);
            else if (h0 is not null) Gemm.Multiply(h0.Storage, weightHh.Storage, z, batch, hidden, hidden, transposeB: true, accumulate: true);
            if (relu) TensorPrimitives.Max(z, 0f, z);
            else Activation.Tanh(z, z);
        }
        var output = Tensor.Wrap(h, new[] { steps, batch, hidden });

        var inputs = new List<Tensor> { x, weightIh, weightHh };
        if (h0 is not null) inputs.Add(h0);
        if (hasBias) { inputs.Add(biasIh!); inputs.Add(biasHh!); }
        var inputArray = inputs.ToArray();
        if (!Autograd.ShouldRecord(inputArray)) return output;
        // The reverse pass loops over the steps: compiled fully optimised on its first call, not as tier-0 code.
        return Autograd.Record(output, "Rnn", inputArray, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (Tensor g) =>
        {
            // dz is every step's pre-activation gradient, scratch that dies with this rule: borrowed from the
            // gradient pool and handed back below (every element is written before it is read).
            var dz = GradientPool.TryRent(rows * hidden) ?? GC.AllocateUninitializedArray<float>(rows * hidden);
            var dhNext = new float[stepSize];
            bool needH0 = h0 is not null && h0.RequiresGrad;
            var gWeightHh = weightHh.RequiresGrad ? new float[hidden * hidden] : null;
            for (int t = steps - 1; t >= 0; t--)
            {
                var dzt = dz.AsSpan(t * stepSize, stepSize);
                var ht = h.AsSpan(t * stepSize, stepSize);
                // dL/dh_t is the upstream gradient plus what step t+1 sent back; then through the nonlinearity.
                var gt = g.Storage.AsSpan(t * stepSize, stepSize);
                if (relu)
                {
                    for (int i = 0; i < stepSize; i++) dzt[i] = ht[i] > 0f ? gt[i] + dhNext[i] : 0f;
                }
                else
                {
                    for (int i = 0; i < stepSize; i++) dzt[i] = (gt[i] + dhNext[i]) * (1f - ht[i] * ht[i]);
                }
                ReadOnlySpan<float> previous = t > 0 ? h.AsSpan((t - 1) * stepSize, stepSize) : h0 is not null ? h0.Storage : default;
                if (gWeightHh is not null && !previous.IsEmpty)
                    Gemm.Multiply(dzt, previous, gWeightHh, hidden, hidden, batch, transposeA: true, accumulate: true);
                if (t > 0 || needH0) Gemm.Multiply(dzt, weightHh.Storage, dhNext, batch, hidden, hidden);
            }

            var grads = new Tensor?[inputArray.Length];
            if (x.RequiresGrad)
            {
                var gx = Ops.Uninitialized(x.Count); // overwritten by the GEMM; a fresh gradient the engine may pool
                Gemm.Multiply(dz, weightIh.Storage, gx, rows, inputSize, hidden);
                grads[0] = Tensor.Wrap(gx, x.Dims);
            }
            if (weightIh.RequiresGrad)
            {
                var gw = Ops.Uninitialized(weightIh.Count);
                Gemm.Multiply(dz, x.Storage, gw, hidden, inputSize, rows, transposeA: true);
                grads[1] = Tensor.Wrap(gw, weightIh.Dims);
            }
            if (gWeightHh is not null) grads[2] = Tensor.Wrap(gWeightHh, weightHh.Dims);
            int next = 3;
            if (h0 is not null)
            {
                if (needH0) grads[next] = Tensor.Wrap(dhNext, h0.Dims);
                next++;
            }
            if (hasBias)
            {
                var gb = new float[hidden];
                Elementwise.SumDim(dz, 1, rows, hidden, gb);
                if (biasIh!.RequiresGrad) grads[next] = Tensor.Wrap(gb, biasIh.Dims);
                if (biasHh!.RequiresGrad) grads[next + 1] = Tensor.Wrap((float[])gb.Clone(), biasHh.Dims);
            }
            GradientPool.Return(dz);
            return grads;
        });
    }

    protected override string ExtraRepr() =>
        $"{InputSize}, {HiddenSize}" + (NumLayers != 1 ? $", num_layers={NumLayers}" : "") +
        (Nonlinearity != RnnNonlinearity.Tanh ? ", nonlinearity='relu'" : "") + (biasIh[0] is null ? ", bias=False" : "") +
        (BatchFirst ? ", batch_first=True" : "");
}
