namespace Kiln.Nn;

public sealed class ReLU : Module, ITensorModule
{
    public Tensor Forward(Tensor input) => Ops.Relu(input);
}

public sealed class Sigmoid : Module, ITensorModule
{
    public Tensor Forward(Tensor input) => Ops.Sigmoid(input);
}

public sealed class Tanh : Module, ITensorModule
{
    public Tensor Forward(Tensor input) => Ops.Tanh(input);
}

/// <summary>nn.LeakyReLU: x &gt; 0 ? x : x · negativeSlope.</summary>
public sealed class LeakyReLU(float negativeSlope = 0.01f) : Module, ITensorModule
{
    public float NegativeSlope { get; } = negativeSlope;

    public Tensor Forward(Tensor input) => Ops.LeakyRelu(input, NegativeSlope);

    protected override string ExtraRepr() => $"negative_slope={PyFloat(NegativeSlope)}";
}

/// <summary>nn.GELU: exact (approximate "none") or tanh-approximated (approximate "tanh").</summary>
public sealed class GELU : Module, ITensorModule
{
    public GELU(string approximate = "none")
    {
        if (approximate is not ("none" or "tanh"))
            throw new ArgumentException($"GELU: approximate must be \"none\" or \"tanh\", got \"{approximate}\".", nameof(approximate));
        Approximate = approximate;
    }

    public string Approximate { get; }

    public Tensor Forward(Tensor input) => Ops.Gelu(input, Approximate);

    protected override string ExtraRepr() => $"approximate='{Approximate}'";
}

/// <summary>nn.Softplus: log(1 + exp(β · x)) / β, linear where β · x &gt; threshold.</summary>
public sealed class Softplus(float beta = 1f, float threshold = 20f) : Module, ITensorModule
{
    public float Beta { get; } = beta;
    public float Threshold { get; } = threshold;

    public Tensor Forward(Tensor input) => Ops.Softplus(input, Beta, Threshold);

    // torch's defaults are the ints 1 and 20, so its repr prints "beta=1, threshold=20"; PyFloat prints those the same.
    protected override string ExtraRepr() => $"beta={PyFloat(Beta)}, threshold={PyFloat(Threshold)}";
}

/// <summary>nn.ELU: x &gt; 0 ? x : α · (exp(x) − 1).</summary>
public sealed class ELU(float alpha = 1f) : Module, ITensorModule
{
    public float Alpha { get; } = alpha;

    public Tensor Forward(Tensor input) => Ops.Elu(input, Alpha);

    // torch's alpha is a Python float (default 1.0), printed with a decimal point.
    protected override string ExtraRepr()
    {
        var text = PyFloat(Alpha);
        return $"alpha={(float.IsFinite(Alpha) && Alpha == MathF.Round(Alpha) && !text.Contains('e') ? text + ".0" : text)}";
    }
}

/// <summary>Merges dimensions startDim..endDim (nn.Flatten: by default everything but the batch dimension).</summary>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module, ITensorModule
{
    public int StartDim { get; } = startDim;
    public int EndDim { get; } = endDim;

    public Tensor Forward(Tensor input) => Ops.Flatten(input, StartDim, EndDim);

    protected override string ExtraRepr() => $"start_dim={StartDim}, end_dim={EndDim}";
}

/// <summary>nn.Softmax along <c>dim</c>.</summary>
public sealed class Softmax(int dim) : Module, ITensorModule
{
    public int Dim { get; } = dim;

    public Tensor Forward(Tensor input) => Ops.Softmax(input, Dim);

    protected override string ExtraRepr() => $"dim={Dim}";
}

/// <summary>nn.LogSoftmax along <c>dim</c>.</summary>
public sealed class LogSoftmax(int dim) : Module, ITensorModule
{
    public int Dim { get; } = dim;

    public Tensor Forward(Tensor input) => Ops.LogSoftmax(input, Dim);

    protected override string ExtraRepr() => $"dim={Dim}";
}

/// <summary>nn.SiLU: x · σ(x).</summary>
public sealed class SiLU : Module, ITensorModule
{
    public Tensor Forward(Tensor input) => Ops.Silu(input);
}
