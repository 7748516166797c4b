namespace Kiln.Nn;

/// <summary>nn.MSELoss: <c>loss_fn = nn.MSELoss(reduction='sum')</c> becomes <c>new MseLoss(Reduction.Sum)</c>.</summary>
public sealed class MseLoss(Reduction reduction = Reduction.Mean) : Module
{
    public Reduction Reduction { get; } = reduction;

    public Tensor Forward(Tensor input, Tensor target) => Ops.MseLoss(input, target, Reduction);

    protected override string ExtraRepr() => Reduction == Reduction.Mean ? "" : $"reduction={Reduction.ToString().ToLowerInvariant()}";
}

/// <summary>nn.CrossEntropyLoss with class-index targets and mean reduction, computed from the logits.</summary>
public sealed class CrossEntropyLoss : Module
{
    public Tensor Forward(Tensor logits, IntTensor labels) => Ops.CrossEntropy(logits, labels);
}
