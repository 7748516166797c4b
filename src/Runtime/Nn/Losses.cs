namespace Kiln.Nn;

/// <summary>nn.MSELoss: <c>loss_fn = nn.MSELoss(reduction='sum')</c> becomes <c>new MseLoss(Reduction.Sum)</c>.</summary>
public sealed class MseLoss(Reduction reduction = Reduction.Mean) : Module
{
    public Reduction Reduction { get; } = reduction;

    public Tensor Forward(Tensor input, Tensor target) => Ops.MseLoss(input, target, Reduction);

    protected override string ExtraRepr() => Reduction == Reduction.Mean ? "" : $"reduction={Reduction.ToString().ToLowerInvariant()}";
}

/// <summary>
/// nn.CrossEntropyLoss with class-index targets, computed from the logits; <c>nn.CrossEntropyLoss(weight=w,
/// ignore_index=0, label_smoothing=0.1)</c> becomes <c>new CrossEntropyLoss(w, ignoreIndex: 0, labelSmoothing: 0.1f)</c>
/// (see <see cref="Ops.CrossEntropy(Tensor, IntTensor, Tensor?, int, float, Reduction)"/>). The class weight is a
/// buffer named "weight", as in torch's state_dict.
/// </summary>
public sealed class CrossEntropyLoss : Module
{
    public CrossEntropyLoss(Tensor? weight = null, int ignoreIndex = -100, float labelSmoothing = 0f, Reduction reduction = Reduction.Mean)
    {
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"CrossEntropyLoss: labelSmoothing must be in [0, 1], got {labelSmoothing}.");
        Weight = weight;
        IgnoreIndex = ignoreIndex;
        LabelSmoothing = labelSmoothing;
        Reduction = reduction;
        RegisterBuffer("weight", weight);
    }

    [Unregistered] public Tensor? Weight { get; }
    public int IgnoreIndex { get; }
    public float LabelSmoothing { get; }
    public Reduction Reduction { get; }

    public Tensor Forward(Tensor logits, IntTensor labels) => Ops.CrossEntropy(logits, labels, Weight, IgnoreIndex, LabelSmoothing, Reduction);
}

/// <summary>nn.NLLLoss on log-probabilities (after LogSoftmax) with class-index targets; see <see cref="Ops.NllLoss"/>.</summary>
public sealed class NllLoss : Module
{
    public NllLoss(Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        Weight = weight;
        IgnoreIndex = ignoreIndex;
        Reduction = reduction;
        RegisterBuffer("weight", weight);
    }

    [Unregistered] public Tensor? Weight { get; }
    public int IgnoreIndex { get; }
    public Reduction Reduction { get; }

    public Tensor Forward(Tensor logProbs, IntTensor labels) => Ops.NllLoss(logProbs, labels, Weight, IgnoreIndex, Reduction);
}

/// <summary>nn.BCEWithLogitsLoss: binary cross-entropy on logits, numerically stable; see <see cref="Ops.BceWithLogits"/>.</summary>
public sealed class BceWithLogitsLoss(Reduction reduction = Reduction.Mean) : Module
{
    public Reduction Reduction { get; } = reduction;

    public Tensor Forward(Tensor logits, Tensor target) => Ops.BceWithLogits(logits, target, Reduction);
}

/// <summary>nn.L1Loss: mean absolute error; see <see cref="Ops.L1Loss"/>.</summary>
public sealed class L1Loss(Reduction reduction = Reduction.Mean) : Module
{
    public Reduction Reduction { get; } = reduction;

    public Tensor Forward(Tensor input, Tensor target) => Ops.L1Loss(input, target, Reduction);

    protected override string ExtraRepr() => Reduction == Reduction.Mean ? "" : $"reduction={Reduction.ToString().ToLowerInvariant()}";
}
