namespace Kiln.Nn;

/// <summary>
/// y = x·Wᵀ + b (nn.Linear), with W in PyTorch's [out, in] layout. Default initialisation is PyTorch's:
/// kaiming_uniform(a = sqrt(5)) for W, i.e. U(-1/sqrt(in), 1/sqrt(in)), and the same bound for b.
/// </summary>
public sealed class Linear : Module, ITensorModule
{
    public Linear(int inFeatures, int outFeatures, bool bias = true, Rng? rng = null)
    {
        if (inFeatures < 0 || outFeatures < 0)
            throw new ArgumentOutOfRangeException(nameof(inFeatures), $"Linear: sizes must be non-negative, got in {inFeatures}, out {outFeatures}.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = new Parameter(Tensor.Zeros(outFeatures, inFeatures));
        Init.KaimingUniform(Weight, Math.Sqrt(5), rng);
        if (bias) Bias = new Parameter(Init.FanInUniform(Tensor.Zeros(outFeatures), inFeatures, rng));
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    public Tensor Forward(Tensor input) => Ops.Linear(input, Weight, Bias);

    protected override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={Py(Bias is not null)}";
}
