using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Graph;
using Kiln.Generator.Models;
using Kiln.Generator.Ops.Definitions;

namespace Kiln.Generator.Ops;

/// <summary>A module's constructor arguments by parameter name, else by position (PyTorch's argument order), defaults included.</summary>
internal interface IModuleArguments
{
    /// <summary>The module's C# type name, for messages ("Linear").</summary>
    string TypeDisplay { get; }

    /// <summary>An int argument; without a fallback a missing one is an error naming the module and the argument.</summary>
    int Int(string name, int position, int? fallback = null);
    /// <summary>A size of a parameter: a constant, or a symbol when the constructor got a value known only at run time.</summary>
    DimSpec Size(string name, int position);
    int? OptionalInt(string name, int position);
    double Number(string name, int position, double fallback);
    bool Bool(string name, int position, bool fallback);
    /// <summary>An int or an int list argument (kernel sizes, LayerNorm's normalized shape); the fallback when absent or null (none: an error).</summary>
    ImmutableArray<int> Ints(string name, int position, params int[] fallback);
    bool IsNull(string name, int position);
    string? Text(string name, int position);
    string? EnumMember(string name, int position);
}

/// <summary>
/// What a module's lowering sees when the method calls its Forward: the constructor's arguments, the call's tensors,
/// the module's parameters as graph values, and a way to add ops. <typeparamref name="T"/> is the front end's value.
/// </summary>
internal interface IModuleCall<T> : IModuleArguments where T : class
{
    T Input { get; }
    /// <summary>The Forward call's further tensor arguments, tuples flattened (an Rnn's h0; an LstmCell's h and c).</summary>
    IReadOnlyList<T> State { get; }
    /// <summary>The value's dimensions when the front end can see them (-1 for a symbolic one), else null.</summary>
    int[]? Dims(T value);
    bool HasParameter(string torchName);
    T Parameter(string torchName);
    T TrainingFlag();
    T? Rng();
    T Op(string op, IReadOnlyList<T> inputs, params (string Name, string Value)[] attrs);
    /// <summary>Several results (a tuple), each built only when the method reads it.</summary>
    T Results(params Func<T>[] items);
    int ChildCount { get; }
    /// <summary>A fresh name for a loop (the "loop" attribute of its loop ops, see Passes/Loops.cs).</summary>
    string NewLoop();
    T ForwardChild(int index, T input);
    /// <summary>An error for the call (<paramref name="argument"/>: at that argument of Forward instead).</summary>
    Exception Unsupported(string message, int? argument = null);
}

/// <summary>One learnable parameter or buffer of a runtime module, in PyTorch's naming and layout.</summary>
internal sealed record ModuleParameter(string TorchName, CaptureKind Kind, ImmutableArray<DimSpec> Shape);

/// <summary>A constructor argument the module cannot work with (a size ≤ 0, ...); reported as KILN0012 at the argument.</summary>
internal sealed class InvalidModuleArgument : Exception
{
    public InvalidModuleArgument(string parameter, int position, string message) : base(message)
    {
        Parameter = parameter;
        Position = position;
    }

    public string Parameter { get; }
    public int Position { get; }
}

/// <summary>A module whose sizes cannot be read from its constructor call; reported as KILN0007 at the use.</summary>
internal sealed class ModuleArgumentMissing : Exception
{
    public ModuleArgumentMissing(string message) : base(message) { }
}

/// <summary>
/// The module table, beside the op registry: for each Kiln.Nn module the compiler understands, its parameters
/// (PyTorch names and layouts, sized from the constructor arguments) and the lowering of its Forward into ops.
/// </summary>
internal static class ModuleTable<T> where T : class
{
    public sealed record Entry(Func<IModuleArguments, IEnumerable<ModuleParameter>> Parameters, Func<IModuleCall<T>, T> Lower);

    static readonly IEnumerable<ModuleParameter> None = Array.Empty<ModuleParameter>();

    static readonly Dictionary<string, Entry> Entries = new()
    {
        [TypeNames.Sequential] = new(_ => None, c =>
        {
            var current = c.Input;
            for (int i = 0; i < c.ChildCount; i++) current = c.ForwardChild(i, current);
            return current;
        }),
        // Activation modules: Forward is their op on the input, with constructor arguments as its attributes.
        [TypeNames.Linear] = new(LinearParameters, c => Linear(c, c.Input, c.Parameter("weight"), c.HasParameter("bias") ? c.Parameter("bias") : null)),
        ["Kiln.Nn.ReLU"] = Activation(Activations.Relu),
        ["Kiln.Nn.Sigmoid"] = Activation(MathOps.Sigmoid),
        ["Kiln.Nn.Tanh"] = Activation(MathOps.Tanh),
        ["Kiln.Nn.LeakyReLU"] = Activation(Activations.LeakyRelu, c => new[] { ("negative_slope", Float(c.Number("negativeSlope", 0, 0.01))) }),
        ["Kiln.Nn.GELU"] = Activation(Activations.Gelu, c => new[] { ("approximate", c.Text("approximate", 0) ?? "none") }),
        ["Kiln.Nn.Softplus"] = Activation(Activations.Softplus, c => new[] { ("beta", Float(c.Number("beta", 0, 1))), ("threshold", Float(c.Number("threshold", 1, 20))) }),
        ["Kiln.Nn.ELU"] = Activation(Activations.Elu, c => new[] { ("alpha", Float(c.Number("alpha", 0, 1))) }),
        ["Kiln.Nn.SiLU"] = Activation(Activations.Silu),
        [TypeNames.Flatten] = new(_ => None, c => c.Op(Layout.Flatten, new[] { c.Input },
            ("start_dim", Attrs.FormatInt(c.Int("startDim", 0, 1))), ("end_dim", Attrs.FormatInt(c.Int("endDim", 1, -1))))),
        [TypeNames.Dropout] = new(_ => None, c =>
        {
            var inputs = new List<T> { c.Input, c.TrainingFlag() };
            if (c.Rng() is { } rng) inputs.Add(rng);
            return c.Op(Normalization.Dropout, inputs, ("p", Float(c.Number("p", 0, 0.5))));
        }),
        [TypeNames.Conv1d] = new(c => ConvParameters(c, spatial: 1), c => Conv(c, Convolution.Conv1d)),
        [TypeNames.Conv2d] = new(c => ConvParameters(c, spatial: 2), c => Conv(c, Convolution.Conv2d)),
        [TypeNames.MaxPool1d] = Pool(Convolution.MaxPool1d),
        [TypeNames.MaxPool2d] = Pool(Convolution.MaxPool2d),
        [TypeNames.AvgPool1d] = Pool(Convolution.AvgPool1d),
        [TypeNames.AvgPool2d] = Pool(Convolution.AvgPool2d),
        [TypeNames.BatchNorm1d] = new(BatchNormParameters, BatchNorm),
        [TypeNames.BatchNorm2d] = new(BatchNormParameters, BatchNorm),
        [TypeNames.LayerNorm] = new(LayerNormParameters, c => c.Op(Normalization.LayerNorm, new[] { c.Input, c.Parameter("weight"), c.Parameter("bias") },
            ("normalized_shape", Attrs.FormatInts(c.Ints("normalizedShape", 0))), ("eps", Float(c.Number("eps", 1, 1e-5))))),
        [TypeNames.Embedding] = new(EmbeddingParameters,
            c => c.OptionalInt("paddingIdx", 2) is int padding
                ? c.Op(Embedding.Lookup, new[] { c.Input, c.Parameter("weight") }, ("padding_idx", Attrs.FormatInt(padding)))
                : c.Op(Embedding.Lookup, new[] { c.Input, c.Parameter("weight") })),
        // Loss modules: Forward(input, target) is the loss op on the call's two tensors.
        ["Kiln.Nn.MseLoss"] = new(_ => None, c => c.Op(Reductions.MseLoss, new[] { c.Input, Target(c) },
            ("reduction", (c.EnumMember("reduction", 0) ?? "Mean").ToLowerInvariant()))),
        ["Kiln.Nn.CrossEntropyLoss"] = new(_ => None, c =>
        {
            if (c.OptionalInt("ignoreIndex", 1) is int ignored && ignored != -100 || c.Number("labelSmoothing", 2, 0) != 0
                || (c.EnumMember("reduction", 3) ?? "Mean") != "Mean")
                throw c.Unsupported("CrossEntropyLoss with an ignore index, label smoothing or a reduction other than Mean is not compiled yet; " +
                    "use the default CrossEntropyLoss() or Ops.CrossEntropy(logits, labels)");
            return c.Op(Probabilities.CrossEntropy, new[] { c.Input, Target(c) });
        }),
        [TypeNames.Rnn] = new(RnnParameters, Rnn),
        [TypeNames.LstmCell] = new(LstmCellParameters, LstmCell),
    };

    public static bool IsKnown(string typeName) => Entries.ContainsKey(typeName);

    public static bool TryGet(string typeName, out Entry entry) => Entries.TryGetValue(typeName, out entry!);

    static string Float(double value) => Attrs.FormatFloat((float)value);

    static T Target(IModuleCall<T> c) => c.State.Count == 1 ? c.State[0] : throw c.Unsupported("a loss module's Forward takes the input and the target");

    /// <summary>An int argument that must be positive (a size, a layer count).</summary>
    static int Positive(IModuleArguments c, string name, int position, int? fallback = null)
    {
        int value = c.Int(name, position, fallback);
        if (value <= 0) throw new InvalidModuleArgument(name, position, $"{name} must be positive, got {value}");
        return value;
    }

    /// <summary>A parameter size that must be positive when it is a constant; a symbolic one is checked when the graph binds it.</summary>
    static DimSpec PositiveSize(IModuleArguments c, string name, int position)
    {
        var size = c.Size(name, position);
        if (!size.IsSymbolic && size.Size <= 0) throw new InvalidModuleArgument(name, position, $"{name} must be positive, got {size.Size}");
        return size;
    }

    static ImmutableArray<DimSpec> Dims(params DimSpec[] sizes) => sizes.ToImmutableArray();

    /// <summary>An int or int-list argument whose every value must be positive (kernel sizes, a normalized shape).</summary>
    static ImmutableArray<int> AllPositive(IModuleArguments c, string name, int position)
    {
        var values = c.Ints(name, position);
        foreach (int value in values)
            if (value <= 0) throw new InvalidModuleArgument(name, position, $"every value of {name} must be positive, got [{Attrs.FormatInts(values)}]");
        return values;
    }

    /// <summary>No parameters; checks the pooling window.</summary>
    static IEnumerable<ModuleParameter> PoolParameters(IModuleArguments c)
    {
        AllPositive(c, "kernelSize", 0);
        return None;
    }

    static ImmutableArray<DimSpec> Dims(params int[] sizes) => sizes.Select(DimSpec.Of).ToImmutableArray();

    static ImmutableArray<DimSpec> Dims(IEnumerable<int> sizes) => sizes.Select(DimSpec.Of).ToImmutableArray();

    static Entry Activation(string op, Func<IModuleCall<T>, (string, string)[]>? attrs = null) =>
        new(_ => None, c => c.Op(op, new[] { c.Input }, attrs?.Invoke(c) ?? Array.Empty<(string, string)>()));

    static Entry Pool(string op) => new(PoolParameters, c =>
    {
        var kernel = c.Ints("kernelSize", 0);
        return c.Op(op, new[] { c.Input },
            ("kernel", Attrs.FormatInts(kernel)), ("stride", Attrs.FormatInts(c.Ints("stride", 1, kernel.ToArray()))), ("padding", Attrs.FormatInts(c.Ints("padding", 2, 0))));
    });

    static T Linear(IModuleCall<T> c, T input, T weight, T? bias) =>
        c.Op(LinearAlgebra.Linear, bias is null ? new[] { input, weight } : new[] { input, weight, bias });

    static IEnumerable<ModuleParameter> LinearParameters(IModuleArguments c)
    {
        DimSpec input = PositiveSize(c, "inFeatures", 0), output = PositiveSize(c, "outFeatures", 1);
        yield return new ModuleParameter("weight", CaptureKind.Parameter, Dims(output, input));
        if (c.Bool("bias", 2, true)) yield return new ModuleParameter("bias", CaptureKind.Parameter, Dims(output));
    }

    static IEnumerable<ModuleParameter> EmbeddingParameters(IModuleArguments c)
    {
        DimSpec rows = PositiveSize(c, "numEmbeddings", 0), dim = PositiveSize(c, "embeddingDim", 1);
        // As torch: a negative paddingIdx counts from the end, and either way it must index the table (a table sized at
        // run time is checked by the module's constructor).
        if (!rows.IsSymbolic && c.OptionalInt("paddingIdx", 2) is int padding && (padding < -rows.Size || padding >= rows.Size))
            throw new InvalidModuleArgument("paddingIdx", 2, $"paddingIdx {padding} is outside the table of {rows.Size} rows (allowed: {-rows.Size} to {rows.Size - 1})");
        yield return new ModuleParameter("weight", CaptureKind.Parameter, Dims(rows, dim));
    }

    static IEnumerable<ModuleParameter> ConvParameters(IModuleArguments c, int spatial)
    {
        DimSpec input = PositiveSize(c, "inChannels", 0), output = PositiveSize(c, "outChannels", 1);
        var kernel = AllPositive(c, "kernelSize", 2);
        var shape = new List<DimSpec> { output, input };
        for (int i = 0; i < spatial; i++) shape.Add(DimSpec.Of(kernel.Length == spatial ? kernel[i] : kernel[0]));
        yield return new ModuleParameter("weight", CaptureKind.Parameter, shape.ToImmutableArray());
        if (c.Bool("bias", 5, true)) yield return new ModuleParameter("bias", CaptureKind.Parameter, Dims(output));
    }

    static T Conv(IModuleCall<T> c, string op)
    {
        var inputs = new List<T> { c.Input, c.Parameter("weight") };
        if (c.HasParameter("bias")) inputs.Add(c.Parameter("bias"));
        return c.Op(op, inputs, ("stride", Attrs.FormatInts(c.Ints("stride", 3, 1))), ("padding", Attrs.FormatInts(c.Ints("padding", 4, 0))));
    }

    static IEnumerable<ModuleParameter> BatchNormParameters(IModuleArguments c)
    {
        var features = PositiveSize(c, "numFeatures", 0);
        if (!c.Bool("affine", 3, true) || !c.Bool("trackRunningStats", 4, true))
            throw new ModuleArgumentMissing("only BatchNorm with affine: true and trackRunningStats: true is compiled");
        yield return new ModuleParameter("weight", CaptureKind.Parameter, Dims(features));
        yield return new ModuleParameter("bias", CaptureKind.Parameter, Dims(features));
        yield return new ModuleParameter("running_mean", CaptureKind.Buffer, Dims(features));
        yield return new ModuleParameter("running_var", CaptureKind.Buffer, Dims(features));
        yield return new ModuleParameter("num_batches_tracked", CaptureKind.Buffer, ImmutableArray<DimSpec>.Empty);
    }

    static T BatchNorm(IModuleCall<T> c)
    {
        var inputs = new[]
        {
            c.Input, c.Parameter("running_mean"), c.Parameter("running_var"), c.Parameter("weight"), c.Parameter("bias"),
            c.TrainingFlag(), c.Parameter("num_batches_tracked"),
        };
        // momentum: null is torch's cumulative average over the batches seen (hence num_batches_tracked).
        string momentum = c.IsNull("momentum", 2) ? "none" : Float(c.Number("momentum", 2, 0.1));
        return c.Op(Normalization.BatchNorm, inputs, ("momentum", momentum), ("eps", Float(c.Number("eps", 1, 1e-5))));
    }

    static IEnumerable<ModuleParameter> LayerNormParameters(IModuleArguments c)
    {
        var shape = AllPositive(c, "normalizedShape", 0);
        if (!c.Bool("elementwiseAffine", 2, true))
            throw new ModuleArgumentMissing("only LayerNorm with elementwiseAffine: true is compiled");
        yield return new ModuleParameter("weight", CaptureKind.Parameter, Dims(shape));
        yield return new ModuleParameter("bias", CaptureKind.Parameter, Dims(shape));
    }

    static IEnumerable<ModuleParameter> RnnParameters(IModuleArguments c)
    {
        DimSpec input = PositiveSize(c, "inputSize", 0), hidden = PositiveSize(c, "hiddenSize", 1);
        int layers = Positive(c, "numLayers", 2, 1);
        bool bias = c.Bool("bias", 5, true);
        for (int layer = 0; layer < layers; layer++)
        {
            yield return new ModuleParameter($"weight_ih_l{layer}", CaptureKind.Parameter, Dims(hidden, layer == 0 ? input : hidden));
            yield return new ModuleParameter($"weight_hh_l{layer}", CaptureKind.Parameter, Dims(hidden, hidden));
            if (!bias) continue;
            yield return new ModuleParameter($"bias_ih_l{layer}", CaptureKind.Parameter, Dims(hidden));
            yield return new ModuleParameter($"bias_hh_l{layer}", CaptureKind.Parameter, Dims(hidden));
        }
    }

    /// <summary>
    /// An Elman Rnn (tanh or relu) as one loop over the sequence (its length may be symbolic: the body is compiled once),
    /// all layers in the body: per step and layer h = act(x_t W_ih^T + b_ih + h W_hh^T + b_hh), PyTorch's formula (the b
    /// terms absent with bias: false), with h_{-1} = h0 or zeros. Returns (output, h_n), each built when read: output is
    /// the last layer's state stacked over the steps, h_n the final states. The layer count shapes the body, so it stays
    /// a constructor constant; the sizes may be symbols (they appear only in shapes: the zero state, h0's and h_n's reshapes).
    /// </summary>
    static T Rnn(IModuleCall<T> c)
    {
        var hidden = c.Size("hiddenSize", 1);
        int layers = c.Int("numLayers", 2, 1);
        bool batchFirst = c.Bool("batchFirst", 3, false);
        int timeDim = batchFirst ? 1 : 0, batchDim = batchFirst ? 0 : 1;
        if (c.Dims(c.Input) is { } dims && dims.Length != 3)
            throw c.Unsupported($"an Rnn's input must be 3-D ({(batchFirst ? "batch, sequence" : "sequence, batch")}, features), not {dims.Length}-D", argument: 0);
        string activation = c.EnumMember("nonlinearity", 4) == "Relu" ? Activations.Relu : MathOps.Tanh;
        bool bias = c.Bool("bias", 5, true);
        var initial = c.State.Count > 0 ? c.State[0] : null;
        string loop = c.NewLoop();
        T Reshape(T x, string shape) => c.Op(OpNames.Reshape, new[] { x }, ("shape", shape));
        T Slice(T x, int dim, int start) => c.Op(Layout.Narrow, new[] { x }, ("dim", Attrs.FormatInt(dim)), ("start", Attrs.FormatInt(start)), ("length", "1"));
        T Add(T a, T b) => c.Op(OpNames.Add, new[] { a, b });
        T Invariant(T x) => c.Op(Loops.Invariant, new[] { x }, ("loop", loop));

        // The carried states first (their order is the order of the body's first outputs), then the sequence and the weights.
        var states = new List<T>(layers);
        for (int layer = 0; layer < layers; layer++)
            states.Add(initial is null
                ? c.Op(Loops.Carry, new[] { c.Input }, ("loop", loop), ("zeros", $"@0.{batchDim},{hidden}"))
                : c.Op(Loops.Carry, new[] { Reshape(Slice(initial, 0, layer), $"-1,{hidden}") }, ("loop", loop)));
        var step = c.Op(Loops.Sequence, new[] { c.Input }, ("loop", loop), ("dim", Attrs.FormatInt(timeDim)));
        for (int layer = 0; layer < layers; layer++)
        {
            var weightIh = Invariant(c.Parameter($"weight_ih_l{layer}"));
            var weightHh = Invariant(c.Parameter($"weight_hh_l{layer}"));
            var biasIh = bias ? Invariant(c.Parameter($"bias_ih_l{layer}")) : null;
            var biasHh = bias ? Invariant(c.Parameter($"bias_hh_l{layer}")) : null;
            states[layer] = c.Op(activation, new[] { Add(Linear(c, step, weightIh, biasIh), Linear(c, states[layer], weightHh, biasHh)) });
            step = states[layer];
        }
        var result = c.Op(Loops.Result, states, ("loop", loop));

        T Output(int layer, bool stacked, int dim = 0) =>
            c.Op(Loops.Output, new[] { result }, ("loop", loop), ("output", Attrs.FormatInt(layer)), ("stacked", stacked ? "true" : "false"), ("dim", Attrs.FormatInt(dim)));
        return c.Results(
            () => Output(layers - 1, stacked: true, timeDim),
            () =>
            {
                var finals = Enumerable.Range(0, layers).Select(layer => Reshape(Output(layer, stacked: false), $"1,-1,{hidden}")).ToList();
                return finals.Count == 1 ? finals[0] : c.Op(Layout.Concat, finals, ("dim", "0"));
            });
    }

    static IEnumerable<ModuleParameter> LstmCellParameters(IModuleArguments c)
    {
        DimSpec input = PositiveSize(c, "inputSize", 0), hidden = PositiveSize(c, "hiddenSize", 1), gates = hidden.Times(4);
        yield return new ModuleParameter("weight_ih", CaptureKind.Parameter, Dims(gates, input));
        yield return new ModuleParameter("weight_hh", CaptureKind.Parameter, Dims(gates, hidden));
        if (c.Bool("bias", 2, true))
        {
            yield return new ModuleParameter("bias_ih", CaptureKind.Parameter, Dims(gates));
            yield return new ModuleParameter("bias_hh", CaptureKind.Parameter, Dims(gates));
        }
    }

    /// <summary>One LSTM step in PyTorch's gate order (i, f, g, o); returns (h', c').</summary>
    static T LstmCell(IModuleCall<T> c)
    {
        if (c.State.Count is not (0 or 2)) throw c.Unsupported("LstmCell.Forward takes the input and optionally both h and c");
        var hidden = c.State.Count == 2 ? c.State[0] : null;
        var cell = c.State.Count == 2 ? c.State[1] : null;
        T Add(T a, T b) => c.Op(OpNames.Add, new[] { a, b });
        T Mul(T a, T b) => c.Op(OpNames.Mul, new[] { a, b });

        bool bias = c.HasParameter("bias_ih");
        var gates = Linear(c, c.Input, c.Parameter("weight_ih"), bias ? c.Parameter("bias_ih") : null);
        if (hidden is not null)
            gates = Add(gates, Linear(c, hidden, c.Parameter("weight_hh"), bias ? c.Parameter("bias_hh") : null));
        else if (bias)
            gates = Add(gates, c.Parameter("bias_hh"));

        // A gate is a quarter of the gates' columns. With a constant hidden size it is a narrow of them; a symbolic one
        // cannot be a narrow's start or length (ints in the kernels), so the gates are viewed as [batch, 4, hidden]
        // and the gate is a narrow of constant index along the 4.
        var hiddenSize = c.Size("hiddenSize", 1);
        var gatesByIndex = hiddenSize.IsSymbolic ? c.Op(OpNames.Reshape, new[] { gates }, ("shape", $"-1,4,{hiddenSize}")) : null;
        T Quarter(int index) => gatesByIndex is null
            ? c.Op(Layout.Narrow, new[] { gates }, ("dim", "1"), ("start", Attrs.FormatInt(index * hiddenSize.Size)), ("length", Attrs.FormatInt(hiddenSize.Size)))
            : c.Op(OpNames.Reshape, new[] { c.Op(Layout.Narrow, new[] { gatesByIndex }, ("dim", "1"), ("start", Attrs.FormatInt(index)), ("length", "1")) },
                ("shape", $"-1,{hiddenSize}"));
        T Gate(int index, string activation) => c.Op(activation, new[] { Quarter(index) });

        var inputGate = Gate(0, MathOps.Sigmoid);
        var candidate = Gate(2, MathOps.Tanh);
        var outputGate = Gate(3, MathOps.Sigmoid);
        var newCell = Mul(inputGate, candidate);
        // With no cell state c = 0, so the forget gate has nothing to scale and is not built.
        if (cell is not null) newCell = Add(Mul(Gate(1, MathOps.Sigmoid), cell), newCell);
        var newHidden = Mul(outputGate, c.Op(MathOps.Tanh, new[] { newCell }));
        var results = (newHidden, newCell);
        return c.Results(() => results.newHidden, () => results.newCell);
    }
}
