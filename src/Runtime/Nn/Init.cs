namespace Kiln.Nn;

/// <summary>
/// In-place initialisers (torch.nn.init). They write the values directly and record nothing on the tape; the
/// module constructors use them to reproduce PyTorch's default initialisations.
/// </summary>
public static class Init
{
    public static Tensor Uniform(Tensor tensor, float low = 0f, float high = 1f, Rng? rng = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!(low <= high)) throw new ArgumentException($"Init.Uniform: low {low} is greater than high {high}.");
        (rng ?? Rng.Default).FillUniform(tensor.Data, low, high);
        return tensor;
    }

    public static Tensor Normal(Tensor tensor, float mean = 0f, float std = 1f, Rng? rng = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!(std >= 0f)) throw new ArgumentException($"Init.Normal: std must be non-negative, got {std}.");
        (rng ?? Rng.Default).FillNormal(tensor.Data, mean, std);
        return tensor;
    }

    public static Tensor Constant(Tensor tensor, float value)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        tensor.Data.Fill(value);
        return tensor;
    }

    public static Tensor Zeros(Tensor tensor) => Constant(tensor, 0f);

    public static Tensor Ones(Tensor tensor) => Constant(tensor, 1f);

    /// <summary>
    /// fan_in and fan_out as torch computes them: dimension 1 and dimension 0, each times the receptive field
    /// (the product of the dimensions after the first two).
    /// </summary>
    public static (int FanIn, int FanOut) Fans(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank < 2)
            throw new ArgumentException($"Init: fan in and fan out need a tensor of at least 2 dimensions, got {tensor.ShapeString}.");
        int receptive = 1;
        for (int i = 2; i < tensor.Rank; i++) receptive *= tensor.Dims[i];
        return (tensor.Dims[1] * receptive, tensor.Dims[0] * receptive);
    }

    /// <summary>
    /// kaiming_uniform_(mode='fan_in', nonlinearity='leaky_relu'): U(-b, b) with b = gain·sqrt(3 / fan_in) and
    /// gain = sqrt(2 / (1 + a²)). With a = sqrt(5) (the nn.Linear and nn.Conv default) b is 1/sqrt(fan_in).
    /// </summary>
    public static Tensor KaimingUniform(Tensor tensor, double a = 0, Rng? rng = null)
    {
        var (fanIn, _) = Fans(tensor);
        double gain = Math.Sqrt(2.0 / (1 + a * a));
        float bound = fanIn == 0 ? 0f : (float)(gain * Math.Sqrt(3.0 / fanIn));
        return Uniform(tensor, -bound, bound, rng);
    }

    /// <summary>xavier_uniform_: U(-b, b) with b = gain·sqrt(6 / (fan_in + fan_out)).</summary>
    public static Tensor XavierUniform(Tensor tensor, double gain = 1, Rng? rng = null)
    {
        var (fanIn, fanOut) = Fans(tensor);
        float bound = fanIn + fanOut == 0 ? 0f : (float)(gain * Math.Sqrt(6.0 / (fanIn + fanOut)));
        return Uniform(tensor, -bound, bound, rng);
    }

    /// <summary>The bias initialisation of nn.Linear and nn.Conv: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).</summary>
    internal static Tensor FanInUniform(Tensor tensor, int fanIn, Rng? rng)
    {
        float bound = fanIn > 0 ? (float)(1.0 / Math.Sqrt(fanIn)) : 0f;
        return Uniform(tensor, -bound, bound, rng);
    }
}
