namespace Kiln.Nn;

/// <summary>
/// A tensor that is a learnable weight of a <see cref="Module"/> (torch.nn.Parameter): it requires grad, and a
/// module discovers it among its fields for <see cref="Module.Parameters"/> and the state dict.
/// </summary>
public class Parameter : Tensor
{
    /// <summary>Wraps <paramref name="values"/>' storage without copying, as nn.Parameter(t) shares t's storage.</summary>
    public Parameter(Tensor values, bool requiresGrad = true)
        : base((values ?? throw new ArgumentNullException(nameof(values))).Storage, (int[])values.Dims.Clone())
    {
        RequiresGrad = requiresGrad;
    }

    /// <summary>A parameter holding a copy of <paramref name="data"/>.</summary>
    public static new Parameter FromArray(float[] data, params int[] shape) => new(Tensor.FromArray(data, shape));

    public static new Parameter Randn(params int[] shape) => new(Tensor.Randn(shape, null));

    public static new Parameter Randn(int[] shape, Rng? rng) => new(Tensor.Randn(shape, rng));

    public static new Parameter Rand(params int[] shape) => new(Tensor.Rand(shape, null));

    public static new Parameter Rand(int[] shape, Rng? rng) => new(Tensor.Rand(shape, rng));

    public static new Parameter Zeros(params int[] shape) => new(Tensor.Zeros(shape));

    public static new Parameter Ones(params int[] shape) => new(Tensor.Ones(shape));

    public static new Parameter Full(float value, params int[] shape) => new(Tensor.Full(value, shape));

    /// <summary>As torch prints a parameter: <c>Parameter containing:</c>, then the tensor on its own line.</summary>
    public override string ToString() => "Parameter containing:\n" + base.ToString();
}
