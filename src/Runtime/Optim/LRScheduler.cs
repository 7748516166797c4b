namespace Kiln.Optim;

/// <summary>
/// Base of the learning-rate schedulers (torch.optim.lr_scheduler). Construction records the optimizer's learning
/// rate as the base (torch's initial_lr) and sets epoch 0; each <see cref="Step"/> — call it after
/// <c>optimizer.Step()</c>, once per epoch — advances the epoch and writes the scheduled rate into
/// <see cref="Optimizer.LearningRate"/>. Rates are the closed forms of torch's schedulers, computed in double from
/// the base as written (0.1f is 0.1) and rounded to float once, so they do not drift with the number of steps.
/// Kiln's optimizers have one parameter group, so the rate is one number.
/// </summary>
public abstract class LRScheduler
{
    protected LRScheduler(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        BaseLr = optimizer.LearningRate;
        LastEpoch = 0;
    }

    public Optimizer Optimizer { get; }

    /// <summary>The optimizer's learning rate when the scheduler was made (torch's base_lrs[0]).</summary>
    public float BaseLr { get; }

    /// <summary>The number of <see cref="Step"/> calls so far (torch's last_epoch).</summary>
    public int LastEpoch { get; private set; }

    /// <summary>Advances one epoch and sets the optimizer's learning rate for it.</summary>
    public void Step()
    {
        LastEpoch++;
        Optimizer.LearningRate = (float)LearningRateAt(LastEpoch);
    }

    /// <summary>The learning rate the scheduler set last (torch's get_last_lr()[0]).</summary>
    public float GetLastLr() => (float)LearningRateAt(LastEpoch);

    /// <summary>The scheduled rate at <paramref name="epoch"/>, from <see cref="BaseLrAsWritten"/>.</summary>
    protected abstract double LearningRateAt(int epoch);

    /// <summary>The base rate as the double it was written as, as torch holds it.</summary>
    protected double BaseLrAsWritten => Optimizer.AsWritten(BaseLr);
}

/// <summary>torch.optim.lr_scheduler.StepLR: base · gamma^⌊epoch / stepSize⌋.</summary>
public sealed class StepLR : LRScheduler
{
    public StepLR(Optimizer optimizer, int stepSize, float gamma = 0.1f) : base(optimizer)
    {
        if (stepSize <= 0) throw new ArgumentOutOfRangeException(nameof(stepSize), $"StepLR: stepSize must be positive, got {stepSize}.");
        if (!(gamma >= 0f)) throw new ArgumentOutOfRangeException(nameof(gamma), $"StepLR: gamma must be non-negative, got {gamma}.");
        StepSize = stepSize;
        Gamma = gamma;
    }

    public int StepSize { get; }
    public float Gamma { get; }

    protected override double LearningRateAt(int epoch) => BaseLrAsWritten * Math.Pow(Optimizer.AsWritten(Gamma), epoch / StepSize);
}

/// <summary>
/// torch.optim.lr_scheduler.CosineAnnealingLR: etaMin + (base − etaMin) · (1 + cos(π · epoch / tMax)) / 2, the closed
/// form torch documents (past tMax it rises again along the cosine, as torch's).
/// </summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    public CosineAnnealingLR(Optimizer optimizer, int tMax, float etaMin = 0f) : base(optimizer)
    {
        if (tMax <= 0) throw new ArgumentOutOfRangeException(nameof(tMax), $"CosineAnnealingLR: tMax must be positive, got {tMax}.");
        TMax = tMax;
        EtaMin = etaMin;
    }

    public int TMax { get; }
    public float EtaMin { get; }

    protected override double LearningRateAt(int epoch)
    {
        double etaMin = Optimizer.AsWritten(EtaMin);
        return etaMin + (BaseLrAsWritten - etaMin) * (1 + Math.Cos(Math.PI * epoch / TMax)) / 2;
    }
}
