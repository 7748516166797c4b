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
