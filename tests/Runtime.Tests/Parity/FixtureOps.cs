namespace Kiln.Runtime.Tests.Parity;

/// <summary>The results of one case: float outputs (compared, and differentiated where they have an upstream) and int64 outputs.</summary>
public sealed class FixtureOutputs
{
    public Dictionary<string, Tensor> Floats { get; } = new();
    public Dictionary<string, IntTensor> Integers { get; } = new();

    /// <summary>
    /// Where the gradient of a fixture param lives when it is not the fixture's own tensor: a module copies the
    /// fixture's weights into its parameters (LoadStateDict), so their gradients accumulate there.
    /// </summary>
    public Dictionary<string, Tensor> GradientSources { get; } = new();

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
    /// <summary>
    /// torch arguments that Kiln's calls fix at torch's default. A fixture may spell them out; any other value has no
    /// Kiln equivalent and fails the case.
    /// </summary>
    static readonly Dictionary<string, (string Name, object? Default)[]> DefaultOnlyAttrs = new()
    {
        ["sum"] = new (string, object?)[] { ("dtype", null) },
        ["mean"] = new (string, object?)[] { ("dtype", null) },
        ["softmax"] = new (string, object?)[] { ("dtype", null) },
        ["log_softmax"] = new (string, object?)[] { ("dtype", null) },
        ["conv1d"] = new (string, object?)[] { ("dilation", 1), ("groups", 1), ("padding_mode", "zeros") },
        ["conv2d"] = new (string, object?)[] { ("dilation", 1), ("groups", 1), ("padding_mode", "zeros") },
        ["max_pool1d"] = new (string, object?)[] { ("ceil_mode", false), ("dilation", 1), ("return_indices", false) },
        ["max_pool2d"] = new (string, object?)[] { ("ceil_mode", false), ("dilation", 1), ("return_indices", false) },
        ["avg_pool1d"] = new (string, object?)[] { ("ceil_mode", false), ("count_include_pad", true) },
        ["avg_pool2d"] = new (string, object?)[] { ("ceil_mode", false), ("count_include_pad", true), ("divisor_override", null) },
        ["cross_entropy"] = new (string, object?)[] { ("weight", null), ("ignore_index", -100), ("label_smoothing", 0) },
        ["embedding"] = new (string, object?)[] { ("max_norm", null), ("scale_grad_by_freq", false), ("sparse", false) },
        ["layer_norm"] = new (string, object?)[] { ("elementwise_affine", true) },
        ["batch_norm1d"] = new (string, object?)[] { ("affine", true), ("track_running_stats", true) },
        ["rnn"] = new (string, object?)[] { ("dropout", 0), ("bidirectional", false) },
        ["lstm_cell"] = new (string, object?)[] { ("bias", true) },
        ["sgd"] = new (string, object?)[] { ("maximize", false) },
        ["adam"] = new (string, object?)[] { ("maximize", false), ("amsgrad", false) },
    };

    public static FixtureOutputs Run(Fixture f, FixtureValues v)
    {
        foreach (var (name, value) in DefaultOnlyAttrs.GetValueOrDefault(f.Op) ?? Array.Empty<(string, object?)>())
            f.ExpectDefaultIfPresent(name, value);
        return Map(f, v);
    }

    static FixtureOutputs Map(Fixture f, FixtureValues v) => f.Op switch
    {
        "add" => Out(Ops.Add(v["a"], v["b"])),
        "sub" => Out(Ops.Sub(v["a"], v["b"])),
        "mul" => Out(Ops.Mul(v["a"], v["b"])),
        "div" => Out(Ops.Div(v["a"], v["b"])),
        "exp" => Out(Ops.Exp(v["x"])),
        "log" => Out(Ops.Log(v["x"])),
        "neg" => Out(Ops.Neg(v["x"])),
        "relu" => Out(Ops.Relu(v["x"])),
        "leaky_relu" => Out(Ops.LeakyRelu(v["x"], f.Float("negative_slope"))),
        "gelu" => Out(Ops.Gelu(v["x"], f.String("approximate"))),
        "softplus" => Out(Ops.Softplus(v["x"], f.Float("beta"), f.Float("threshold"))),
        "elu" => Out(Ops.Elu(v["x"], f.Float("alpha"))),
        "silu" => Out(Ops.Silu(v["x"])),
        "sigmoid" => Out(Ops.Sigmoid(v["x"])),
        "tanh" => Out(Ops.Tanh(v["x"])),
        "softmax" => Out(Ops.Softmax(v["x"], f.Int("dim"))),
        "log_softmax" => Out(Ops.LogSoftmax(v["x"], f.Int("dim"))),
        "sum" => Reduce(f, v, Ops.Sum, Ops.Sum),
        "mean" => Reduce(f, v, Ops.Mean, Ops.Mean),
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
        "batch_norm1d" => BatchNorm(f, v),
        "layer_norm" => Out(Ops.LayerNorm(v["x"], f.Ints("normalized_shape"), v.Optional("weight"), v.Optional("bias"), f.Float("eps"))),
        "embedding" => Embedding(f, v),
        "rnn" => Rnn(f, v),
        "lstm_cell" => LstmCell(f, v),
        "sgd" => Optimize(f, v, parameters => new Kiln.Optim.Sgd(parameters, f.Float("lr"), f.Float("momentum"), f.Float("dampening"),
            f.Float("weight_decay"), f.Bool("nesterov"))),
        "adam" => Optimize(f, v, parameters =>
        {
            var betas = f.Doubles("betas");
            return new Kiln.Optim.Adam(parameters, f.Float("lr"), ((float)betas[0], (float)betas[1]), f.Float("eps"), f.Float("weight_decay"));
        }),
        _ => throw new NotSupportedException(
            $"{f.Case}: fixture op '{f.Op}' ({f.TorchCall}) has no mapping to a Kiln call in FixtureOps."),
    };

    static FixtureOutputs Out(Tensor output) => FixtureOutputs.Out(output);

    /// <summary>torch.sum/mean: over everything when no dim is given, else over the listed dims.</summary>
    static FixtureOutputs Reduce(Fixture f, FixtureValues v, Func<Tensor, Tensor> all, Func<Tensor, int[], bool, Tensor> overDims)
    {
        var dims = f.OptionalInts("dim");
        if (dims is not null) return Out(overDims(v["x"], dims, f.HasAttr("keepdim") && f.Bool("keepdim")));
        f.ExpectDefaultIfPresent("keepdim", false);
        return Out(all(v["x"]));
    }

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
        var stride = f.OptionalInts("stride");
        return Out(pool(v["x"], f.Int("kernel_size"), stride?[0], f.HasAttr("padding") ? f.Int("padding") : 0));
    }

    static FixtureOutputs Pool2d(Fixture f, FixtureValues v, Func<Tensor, (int, int), (int, int)?, (int, int), Tensor> pool)
    {
        (int, int)? stride = f.OptionalInts("stride") is null ? null : Pair(f, "stride");
        return Out(pool(v["x"], Pair(f, "kernel_size"), stride, f.HasAttr("padding") ? Pair(f, "padding") : (0, 0)));
    }

    static FixtureOutputs BatchNorm(Fixture f, FixtureValues v)
    {
        var x = v["x"];
        f.Expect("num_features", x.Shape[1]);
        bool training = f.Bool("training");
        // torch ignores momentum in evaluation; the eval fixtures leave it out.
        float momentum = training ? f.Float("momentum") : 0.1f;
        var runningMean = v["running_mean"];
        var runningVar = v["running_var"];
        var output = Ops.BatchNorm(x, runningMean, runningVar, v.Optional("weight"), v.Optional("bias"), training, momentum, f.Float("eps"));
        // The running statistics are updated in place: after the call they are the buffers torch reports.
        return Out(output).With("running_mean", runningMean).With("running_var", runningVar);
    }

    static FixtureOutputs Embedding(Fixture f, FixtureValues v)
    {
        var weight = v["weight"];
        f.Expect("num_embeddings", weight.Shape[0]);
        f.Expect("embedding_dim", weight.Shape[1]);
        return Out(Ops.Embedding(v.Int("indices"), weight, f.NullableInt("padding_idx")));
    }

    static FixtureOutputs Rnn(Fixture f, FixtureValues v)
    {
        var nonlinearity = f.String("nonlinearity") switch
        {
            "tanh" => Kiln.Nn.RnnNonlinearity.Tanh,
            "relu" => Kiln.Nn.RnnNonlinearity.Relu,
            var other => throw new NotSupportedException($"{f.Case}: RNN nonlinearity '{other}' has no Kiln equivalent."),
        };
        // The initial weights are overwritten by the fixture's; a private generator keeps Rng.Default untouched for
        // tests running in parallel that seed it.
        var rnn = new Kiln.Nn.Rnn(f.Int("input_size"), f.Int("hidden_size"), f.Int("num_layers"), f.Bool("batch_first"), nonlinearity,
            f.Bool("bias"), new Rng(0));
        var outputs = LoadModule(f, v, rnn);
        var h0 = f.Bool("h0_given") ? v["h0"] : null;
        var (output, hN) = rnn.Forward(v["x"], h0);
        return outputs.With("output", output).With("h_n", hN);
    }

    static FixtureOutputs LstmCell(Fixture f, FixtureValues v)
    {
        // Kiln's LstmCell splits the gates in torch's order; any other order in a fixture is a different cell.
        f.Expect("gate_order", "i,f,g,o");
        var cell = new Kiln.Nn.LstmCell(f.Int("input_size"), f.Int("hidden_size"), rng: new Rng(0));
        var outputs = LoadModule(f, v, cell);
        var (h1, c1) = cell.Forward(v["x"], (v["h0"], v["c0"]));
        return outputs.With("h1", h1).With("c1", c1);
    }

    /// <summary>
    /// Loads the fixture's params into <paramref name="module"/> by their PyTorch names (strict: every name must
    /// match) and points each param's gradient at the module's parameter of that name.
    /// </summary>
    static FixtureOutputs LoadModule(Fixture f, FixtureValues v, Kiln.Nn.Module module)
    {
        var stateDict = f.Params.Keys.ToDictionary(name => name, name => v[name]);
        module.LoadStateDict(stateDict);
        var outputs = new FixtureOutputs();
        foreach (var (name, parameter) in module.NamedParameters()) outputs.GradientSources[name] = parameter;
        return outputs;
    }

    /// <summary>
    /// The optimizer fixtures: for step k = 1, 2, …, each param's gradient is set to inputs["grad.step{k}.{p}"], then
    /// Step(); output "step{k}.{p}" is the param afterwards, and the final state is reported as "state.{name}.{p}".
    /// </summary>
    static FixtureOutputs Optimize(Fixture f, FixtureValues v, Func<Tensor[], Kiln.Optim.Optimizer> create)
    {
        var names = f.Params.Keys.ToArray();
        var parameters = names.Select(name => v[name]).ToArray();
        foreach (var p in parameters) p.RequiresGrad = true;
        var optimizer = create(parameters);
        var outputs = new FixtureOutputs();
        int steps = f.Inputs.Keys.Count(k => k.StartsWith("grad.step", StringComparison.Ordinal)) / names.Length;
        if (steps == 0) throw new InvalidOperationException($"{f.Case}: no grad.step{{k}}.{{param}} inputs.");
        for (int step = 1; step <= steps; step++)
        {
            for (int i = 0; i < names.Length; i++) parameters[i].Grad = v[$"grad.step{step}.{names[i]}"].Clone();
            optimizer.Step();
            for (int i = 0; i < names.Length; i++) outputs.With($"step{step}.{names[i]}", parameters[i].Clone());
        }
        for (int i = 0; i < names.Length; i++)
        {
            var (name, p) = (names[i], parameters[i]);
            switch (optimizer)
            {
                case Kiln.Optim.Sgd sgd when sgd.MomentumBuffer(p) is { } buffer:
                    outputs.With($"state.momentum_buffer.{name}", buffer);
                    break;
                case Kiln.Optim.Adam adam:
                    outputs.With($"state.step.{name}", Tensor.Scalar(adam.StepCount(p)));
                    if (adam.ExpAvg(p) is { } expAvg) outputs.With($"state.exp_avg.{name}", expAvg);
                    if (adam.ExpAvgSq(p) is { } expAvgSq) outputs.With($"state.exp_avg_sq.{name}", expAvgSq);
                    break;
            }
        }
        return outputs;
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
