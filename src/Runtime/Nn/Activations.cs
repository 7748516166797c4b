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
