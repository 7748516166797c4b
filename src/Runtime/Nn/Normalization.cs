namespace Kiln.Nn;

/// <summary>
/// The shared body of <see cref="BatchNorm1d"/> and <see cref="BatchNorm2d"/> (torch's _BatchNorm): per-channel
/// weight (ones) and bias (zeros), and the buffers running_mean (zeros), running_var (ones) and
/// num_batches_tracked. In training the batch statistics normalise and the running ones are updated
/// (running_var with the unbiased variance); in evaluation the running statistics normalise.
/// </summary>
/// <remarks>num_batches_tracked is kept as a float32 scalar (torch's is int64), exact up to 2^24 batches; it is
/// in the state dict so PyTorch checkpoints load strictly.</remarks>
public abstract class BatchNormBase : Module, ITensorModule
{
    readonly string name;
    readonly int[] acceptedRanks;

    private protected BatchNormBase(string name, int[] acceptedRanks, int numFeatures, float eps, float? momentum, bool affine, bool trackRunningStats)
    {
        if (numFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(numFeatures), $"{name}: numFeatures must be positive, got {numFeatures}.");
        if (!(eps >= 0f)) throw new ArgumentOutOfRangeException(nameof(eps), $"{name}: eps must be non-negative, got {eps}.");
        if (momentum is float m && !(m >= 0f && m <= 1f)) throw new ArgumentOutOfRangeException(nameof(momentum), $"{name}: momentum must be in [0, 1], got {m}.");
        this.name = name;
        this.acceptedRanks = acceptedRanks;
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        if (affine)
        {
            Weight = Parameter.Ones(numFeatures);
            Bias = Parameter.Zeros(numFeatures);
        }
        if (trackRunningStats)
        {
            RunningMean = Tensor.Zeros(numFeatures);
            RunningVar = Tensor.Ones(numFeatures);
            NumBatchesTracked = Tensor.Scalar(0f);
        }
    }

    public int NumFeatures { get; }
    public float Eps { get; }

    /// <summary>The running-average factor; null means a cumulative average (factor 1 / num_batches_tracked), as torch's momentum=None.</summary>
    public float? Momentum { get; }

    public Parameter? Weight { get; }
    public Parameter? Bias { get; }
    [Buffer] public Tensor? RunningMean { get; }
    [Buffer] public Tensor? RunningVar { get; }
    [Buffer] public Tensor? NumBatchesTracked { get; }

    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!acceptedRanks.Contains(input.Rank))
            throw new ArgumentException($"{name}: expected a {string.Join(" or ", acceptedRanks.Select(r => r + "-D"))} input, got {input.ShapeString}.");
        if (input.Dims[1] != NumFeatures)
            throw new ArgumentException($"{name}: input {input.ShapeString} has {input.Dims[1]} channels, expected numFeatures {NumFeatures}.");
        float factor = Momentum ?? 0f;
        if (Training && NumBatchesTracked is not null)
        {
            NumBatchesTracked.Data[0] += 1f;
            if (Momentum is null) factor = 1f / NumBatchesTracked.Data[0];
        }
        // Without running statistics there is nothing to evaluate with, so batch statistics are used (as torch does).
        bool useBatchStatistics = Training || RunningMean is null;
        return Ops.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, useBatchStatistics, factor, Eps);
    }

    protected override string ExtraRepr() =>
        $"{NumFeatures}, eps={PyFloat(Eps)}, momentum={(Momentum is float m ? PyFloat(m) : "None")}, affine={Py(Weight is not null)}, track_running_stats={Py(RunningMean is not null)}";
}

/// <summary>nn.BatchNorm1d over [N, C] or [N, C, L].</summary>
public sealed class BatchNorm1d(int numFeatures, float eps = 1e-5f, float? momentum = 0.1f, bool affine = true, bool trackRunningStats = true)
    : BatchNormBase("BatchNorm1d", new[] { 2, 3 }, numFeatures, eps, momentum, affine, trackRunningStats);

/// <summary>nn.BatchNorm2d over [N, C, H, W].</summary>
public sealed class BatchNorm2d(int numFeatures, float eps = 1e-5f, float? momentum = 0.1f, bool affine = true, bool trackRunningStats = true)
    : BatchNormBase("BatchNorm2d", new[] { 4 }, numFeatures, eps, momentum, affine, trackRunningStats);

/// <summary>nn.LayerNorm over the trailing <c>normalizedShape</c> dimensions, with elementwise weight (ones) and bias (zeros).</summary>
public sealed class LayerNorm : Module, ITensorModule
{
    public LayerNorm(int normalizedShape, float eps = 1e-5f, bool elementwiseAffine = true)
        : this(new[] { normalizedShape }, eps, elementwiseAffine)
    {
    }

    public LayerNorm(int[] normalizedShape, float eps = 1e-5f, bool elementwiseAffine = true)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
            throw new ArgumentException($"LayerNorm: the normalized shape must be non-empty with positive sizes, got {ShapeUtil.Format(normalizedShape)}.");
        NormalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        if (elementwiseAffine)
        {
            Weight = Parameter.Ones(NormalizedShape);
            Bias = Parameter.Zeros(NormalizedShape);
        }
    }

    public int[] NormalizedShape { get; }
    public float Eps { get; }
    public Parameter? Weight { get; }
    public Parameter? Bias { get; }

    public Tensor Forward(Tensor input) => Ops.LayerNorm(input, NormalizedShape, Weight, Bias, Eps);

    protected override string ExtraRepr() =>
        $"({string.Join(", ", NormalizedShape)},), eps={PyFloat(Eps)}, elementwise_affine={Py(Weight is not null)}";
}
