namespace Kiln.Runtime.Tests.Parity;

/// <summary>The results of one case: float outputs (compared, and differentiated where they have an upstream) and int64 outputs.</summary>
public sealed class FixtureOutputs
{
    public Dictionary<string, Tensor> Floats { get; } = new();
    public Dictionary<string, IntTensor> Integers { get; } = new();

    public static FixtureOutputs Out(Tensor output) => new FixtureOutputs().With("out", output);

    public FixtureOutputs With(string name, Tensor output)
    {
        Floats.Add(name, output);
        return this;
    }

    public FixtureOutputs With(string name, IntTensor output)
    {
        Integers.Add(name, output);
        return this;
    }
}

/// <summary>
/// The one place where the fixtures' vocabulary (<c>op</c> and <c>attrs</c>, PyTorch's names) meets Kiln's calls.
/// Every attribute is read (or checked against the tensors it describes): an attribute this table does not
/// consume, a value Kiln has no mapping for, or an unknown op fails the case instead of being skipped.
/// </summary>
public static class FixtureOps
{
    public static FixtureOutputs Run(Fixture f, FixtureValues v) => f.Op switch
    {
        "add" => Out(Ops.Add(v["a"], v["b"])),
        "sub" => Out(Ops.Sub(v["a"], v["b"])),
        "mul" => Out(Ops.Mul(v["a"], v["b"])),
        "div" => Out(Ops.Div(v["a"], v["b"])),
        "exp" => Out(Ops.Exp(v["x"])),
        "log" => Out(Ops.Log(v["x"])),
        "neg" => Out(Ops.Neg(v["x"])),
        "relu" => Out(Ops.Relu(v["x"])),
        "sigmoid" => Out(Ops.Sigmoid(v["x"])),
        "tanh" => Out(Ops.Tanh(v["x"])),
        "softmax" => Out(Ops.Softmax(v["x"], f.Int("dim"))),
        "log_softmax" => Out(Ops.LogSoftmax(v["x"], f.Int("dim"))),
        "sum" => Out(f.HasAttr("dim") ? Ops.Sum(v["x"], f.Ints("dim"), f.Bool("keepdim")) : Ops.Sum(v["x"])),
        "mean" => Out(f.HasAttr("dim") ? Ops.Mean(v["x"], f.Ints("dim"), f.Bool("keepdim")) : Ops.Mean(v["x"])),
        "max" => Max(f, v),
        "matmul" => Out(Ops.MatMul(v["a"], v["b"])),
        "linear" => Linear(f, v),
        "reshape" => Out(Ops.Reshape(v["x"], f.Ints("shape"))),
        "flatten" => Out(Ops.Flatten(v["x"], f.Int("start_dim"), f.Int("end_dim"))),
        "transpose" => Out(Ops.Transpose(v["x"], f.Int("dim0"), f.Int("dim1"))),
        "concat" => Out(Ops.Concat(v.FloatInputsInOrder.ToArray(), f.Int("dim"))),
        "chunk" => Chunk(f, v),
        "cross_entropy" => CrossEntropy(f, v),
        "mse_loss" => Out(Ops.MseLoss(v["input"], v["target"], Reduction(f))),
        "tree_lstm_reduce" => TreeLstmReduce(f, v),
        "conv1d" => Conv1d(f, v),
        "conv2d" => Conv2d(f, v),
        "max_pool1d" => Pool1d(f, v, Ops.MaxPool1d),
        "avg_pool1d" => Pool1d(f, v, Ops.AvgPool1d),
        "max_pool2d" => Pool2d(f, v, Ops.MaxPool2d),
        "avg_pool2d" => Pool2d(f, v, Ops.AvgPool2d),
        _ => throw new NotSupportedException(
            $"{f.Case}: fixture op '{f.Op}' ({f.TorchCall}) has no mapping to a Kiln call in FixtureOps."),
    };

    static FixtureOutputs Out(Tensor output) => FixtureOutputs.Out(output);

    static FixtureOutputs Max(Fixture f, FixtureValues v)
    {
        var (values, indices) = Ops.Max(v["x"], f.Int("dim"), f.Bool("keepdim"));
        return new FixtureOutputs().With("values", values).With("indices", indices);
    }

    static FixtureOutputs Linear(Fixture f, FixtureValues v)
    {
        var weight = v["weight"];
        var bias = f.Bool("bias") ? v["bias"] : null;
        f.Expect("out_features", weight.Shape[0]);
        f.Expect("in_features", weight.Shape[1]);
        return Out(Ops.Linear(v["x"], weight, bias));
    }

    static FixtureOutputs Chunk(Fixture f, FixtureValues v)
    {
        var chunks = Ops.Chunk(v["x"], f.Int("chunks"), f.Int("dim"));
        var outputs = new FixtureOutputs();
        for (int i = 0; i < chunks.Length; i++) outputs.With($"chunk{i}", chunks[i]);
        return outputs;
    }

    static FixtureOutputs CrossEntropy(Fixture f, FixtureValues v)
    {
        // Kiln's CrossEntropy is torch's default reduction; any other reduction has no Kiln call.
        f.Expect("reduction", "mean");
        return Out(Ops.CrossEntropy(v["logits"], v.Int("target")));
    }

    static Reduction Reduction(Fixture f) => f.String("reduction") switch
    {
        "mean" => Kiln.Reduction.Mean,
        "sum" => Kiln.Reduction.Sum,
        "none" => Kiln.Reduction.None,
        var other => throw new NotSupportedException($"{f.Case}: reduction '{other}' has no Kiln equivalent."),
    };

    static FixtureOutputs Conv1d(Fixture f, FixtureValues v)
    {
        var weight = v["weight"];
        CheckConvolutionAttrs(f, weight);
        return Out(Ops.Conv1d(v["x"], weight, f.Bool("bias") ? v["bias"] : null, f.Int("stride"), f.Int("padding")));
    }

    static FixtureOutputs Conv2d(Fixture f, FixtureValues v)
    {
        var weight = v["weight"];
        CheckConvolutionAttrs(f, weight);
        return Out(Ops.Conv2d(v["x"], weight, f.Bool("bias") ? v["bias"] : null, Pair(f, "stride"), Pair(f, "padding")));
    }

    /// <summary>Kiln takes the channel counts and kernel size from the weight; the attrs must agree with it.</summary>
    static void CheckConvolutionAttrs(Fixture f, Tensor weight)
    {
        var shape = weight.Shape;
        f.Expect("out_channels", shape[0]);
        f.Expect("in_channels", shape[1]);
        var kernel = f.Ints("kernel_size");
        var weightKernel = shape[2..];
        if (!(kernel.Length == 1 ? weightKernel.All(k => k == kernel[0]) : kernel.SequenceEqual(weightKernel)))
            throw new InvalidOperationException($"{f.Case}: kernel_size [{string.Join(",", kernel)}] does not match weight {string.Join("x", shape)}.");
    }

    static FixtureOutputs Pool1d(Fixture f, FixtureValues v, Func<Tensor, int, int?, int, Tensor> pool)
    {
        CheckPoolingAttrs(f);
        return Out(pool(v["x"], f.Int("kernel_size"), f.Int("stride"), f.Int("padding")));
    }

    static FixtureOutputs Pool2d(Fixture f, FixtureValues v, Func<Tensor, (int, int), (int, int)?, (int, int), Tensor> pool)
    {
        CheckPoolingAttrs(f);
        return Out(pool(v["x"], Pair(f, "kernel_size"), Pair(f, "stride"), Pair(f, "padding")));
    }

    /// <summary>Kiln's pools are torch's defaults: floor mode, and averages that count the zero padding.</summary>
    static void CheckPoolingAttrs(Fixture f)
    {
        f.Expect("ceil_mode", false);
        if (f.Op.StartsWith("avg_", StringComparison.Ordinal)) f.Expect("count_include_pad", true);
    }

    /// <summary>torch's int-or-pair arguments as (height, width).</summary>
    static (int, int) Pair(Fixture f, string name)
    {
        var values = f.Ints(name);
        return values.Length switch
        {
            1 => (values[0], values[0]),
            2 => (values[0], values[1]),
            _ => throw new InvalidOperationException($"{f.Case}: {name} has {values.Length} values; a 2-D op takes one or two."),
        };
    }

    /// <summary>SPINN's Reduce (see the fixtures README), composed from Kiln ops as a user would write it.</summary>
    static FixtureOutputs TreeLstmReduce(Fixture f, FixtureValues v)
    {
        f.Expect("size", v["left_h"].Shape[^1]);
        var lstmIn = Ops.Add(
            Ops.Linear(v["left_h"], v["left.weight"], v["left.bias"]),
            Ops.Linear(v["right_h"], v["right.weight"]));
        var gates = Ops.Chunk(lstmIn, 5, 1);
        var (a, i, f1, f2, o) = (gates[0], gates[1], gates[2], gates[3], gates[4]);
        var c = Ops.Add(
            Ops.Add(Ops.Mul(Ops.Tanh(a), Ops.Sigmoid(i)), Ops.Mul(Ops.Sigmoid(f1), v["left_c"])),
            Ops.Mul(Ops.Sigmoid(f2), v["right_c"]));
        var h = Ops.Mul(Ops.Sigmoid(o), Ops.Tanh(c));
        return new FixtureOutputs().With("h", h).With("c", c);
    }
}
