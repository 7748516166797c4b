namespace Kiln;

public static partial class Ops
{
    /// <summary>
    /// torch.nn.functional.binary_cross_entropy_with_logits: −[t·log σ(x) + (1 − t)·log(1 − σ(x))] per element, computed
    /// stably from the logits as max(x, 0) − x·t + log(1 + exp(−|x|)). Input and target have the same shape; targets are
    /// probabilities in [0, 1]. The input's gradient is (σ(x) − t) scaled by the reduction, the target's −x likewise.
    /// </summary>
    public static Tensor BceWithLogits(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (!ShapeUtil.SameShape(input.Dims, target.Dims))
            throw new ArgumentException($"BceWithLogits: input {input.ShapeString} and target {target.ShapeString} differ.");
        if (reduction == Reduction.Mean && input.Count == 0) throw new ArgumentException("BceWithLogits: the input is empty.");
        var x = input.Storage;
        var t = target.Storage;
        var elementwise = Uninitialized(x.Length);
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double xi = x[i];
            double loss = Math.Max(xi, 0) - xi * t[i] + Math.Log(1 + Math.Exp(-Math.Abs(xi)));
            elementwise[i] = (float)loss;
            total += loss;
        }
        var output = reduction == Reduction.None
            ? Result(elementwise, input.Dims)
            : Result(new[] { (float)(reduction == Reduction.Mean ? total / x.Length : total) }, Array.Empty<int>());
        if (!Autograd.ShouldRecord(input, target)) return output;
        return Autograd.Record(output, "BceWithLogits", new[] { input, target }, g =>
        {
            float scale = reduction == Reduction.Mean ? g.Storage[0] / x.Length : reduction == Reduction.Sum ? g.Storage[0] : 1f;
            float[]? gi = input.RequiresGrad ? Uninitialized(x.Length) : null;
            float[]? gt = target.RequiresGrad ? Uninitialized(x.Length) : null;
            for (int i = 0; i < x.Length; i++)
            {
                float s = reduction == Reduction.None ? g.Storage[i] : scale;
                if (gi is not null) gi[i] = (1f / (1f + MathF.Exp(-x[i])) - t[i]) * s;
                if (gt is not null) gt[i] = -x[i] * s;
            }
            return new Tensor?[] { gi is null ? null : Result(gi, input.Dims), gt is null ? null : Result(gt, target.Dims) };
        });
    }

    /// <summary>torch.nn.functional.l1_loss: the mean (or sum, or elementwise) |input − target|; the gradient is sign(input − target), 0 where equal.</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (!ShapeUtil.SameShape(input.Dims, target.Dims))
            throw new ArgumentException($"L1Loss: input {input.ShapeString} and target {target.ShapeString} differ.");
        var diff = Abs(Sub(input, target));
        return reduction switch
        {
            Reduction.Mean => Mean(diff),
            Reduction.Sum => Sum(diff),
            _ => diff,
        };
    }

    /// <summary>
    /// torch.nn.functional.nll_loss on log-probabilities [N, C] (or [C]) and class labels [N]: −w[y]·input[i, y] per row.
    /// Rows whose label is <paramref name="ignoreIndex"/> contribute nothing; the mean divides by the summed weights of the
    /// rows that count (torch's weighted mean; NaN when every row is ignored, as torch). <paramref name="weight"/> is a
    /// rescaling per class [C] (no gradient), 1 when null.
    /// </summary>
    public static Tensor NllLoss(Tensor input, IntTensor labels, Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        var (logProbs, y, n, c) = CheckClassification(input, labels, weight, "NllLoss");
        var w = weight?.Storage;
        var lp = logProbs.Storage;
        var rows = new float[n];
        double total = 0, weightSum = 0;
        for (int i = 0; i < n; i++)
        {
            int label = y.Storage[i];
            if (label == ignoreIndex) continue;
            if ((uint)label >= (uint)c)
                throw new ArgumentOutOfRangeException(nameof(labels), $"NllLoss: label {label} at position {i} is outside [0, {c}) (and is not ignoreIndex {ignoreIndex}).");
            float wi = w is null ? 1f : w[label];
            rows[i] = -wi * lp[i * c + label];
            total += rows[i];
            weightSum += wi;
        }
        var output = reduction switch
        {
            Reduction.None => Result(rows, new[] { n }),
            Reduction.Sum => Result(new[] { (float)total }, Array.Empty<int>()),
            _ => Result(new[] { (float)(total / weightSum) }, Array.Empty<int>()),
        };
        if (input.Rank == 1 && reduction == Reduction.None) output = Result(output.Storage, Array.Empty<int>());
        if (!Autograd.ShouldRecord(input)) return output;
        return Autograd.Record(output, "NllLoss", new[] { input }, g =>
        {
            var gx = new float[n * c];
            for (int i = 0; i < n; i++)
            {
                int label = y.Storage[i];
                if (label == ignoreIndex) continue;
                float wi = w is null ? 1f : w[label];
                float upstream = reduction switch
                {
                    Reduction.None => g.Storage[i],
                    Reduction.Sum => g.Storage[0],
                    _ => (float)(g.Storage[0] / weightSum),
                };
                gx[i * c + label] = -wi * upstream;
            }
            return new Tensor?[] { Result(gx, input.Dims) };
        });
    }

    /// <summary>
    /// Cross-entropy with torch 1.13's options: per-class <paramref name="weight"/> [C], <paramref name="ignoreIndex"/>,
    /// <paramref name="labelSmoothing"/> ε in [0, 1] and the reduction. It is (1 − ε)·nll_loss(log_softmax(x)) + ε/C · the
    /// smoothing term −Σ_c w[c]·log_softmax(x)[i, c], both reduced alike: the weighted mean divides by the summed weights
    /// of the labels that are not ignored (the count of such rows without weights), ignored rows contribute 0.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, IntTensor labels, Tensor? weight = null, int ignoreIndex = -100, float labelSmoothing = 0f, Reduction reduction = Reduction.Mean)
    {
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"CrossEntropy: labelSmoothing must be in [0, 1], got {labelSmoothing}.");
        var (x, y, n, c) = CheckClassification(logits, labels, weight, "CrossEntropy");
        bool anyIgnored = y.Storage.AsSpan().Contains(ignoreIndex);
        if (weight is null && !anyIgnored && labelSmoothing == 0f && reduction == Reduction.Mean) return CrossEntropy(logits, labels);

        var logProbs = LogSoftmax(x, 1);
        var nll = NllLoss(logProbs, y, weight, ignoreIndex, reduction);
        if (labelSmoothing == 0f) return logits.Rank == 1 && reduction == Reduction.None ? Reshape(nll) : nll;

        var weighted = weight is null ? logProbs : Mul(logProbs, Reshape(weight, 1, c));
        var ignored = new float[n];
        float counted = 0;
        for (int i = 0; i < n; i++)
        {
            int label = y.Storage[i];
            if (label == ignoreIndex) ignored[i] = 1f;
            else counted += weight is null ? 1f : weight.Storage[label];
        }
        var smooth = MaskedFill(Neg(Sum(weighted, 1)), Tensor.Wrap(ignored, n), 0f);
        var smoothReduced = reduction switch
        {
            Reduction.None => smooth,
            Reduction.Sum => Sum(smooth),
            _ => Div(Sum(smooth), counted),
        };
        var loss = Add(Mul(nll, 1f - labelSmoothing), Mul(smoothReduced, labelSmoothing / c));
        return logits.Rank == 1 && reduction == Reduction.None ? Reshape(loss) : loss;
    }

    /// <summary>Brings [C] inputs to [1, C] and checks input [N, C], labels [N] and a weight of [C].</summary>
    static (Tensor Input, IntTensor Labels, int N, int C) CheckClassification(Tensor input, IntTensor labels, Tensor? weight, string op)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(labels);
        if (input.Rank == 1) input = Reshape(input, 1, input.Dims[0]);
        if (labels.Rank == 0) labels = labels.Reshape(1);
        if (input.Rank != 2)
            throw new ArgumentException($"{op}: input must be [N, C], got {input.ShapeString}.");
        if (labels.Rank != 1 || labels.Dims[0] != input.Dims[0])
            throw new ArgumentException($"{op}: input {input.ShapeString} and labels {ShapeUtil.Format(labels.Dims)}: expected labels of shape [{input.Dims[0]}].");
        int c = input.Dims[1];
        if (weight is not null && (weight.Rank != 1 || weight.Dims[0] != c))
            throw new ArgumentException($"{op}: weight {weight.ShapeString} must be [{c}], one per class of input {input.ShapeString}.");
        return (input, labels, input.Dims[0], c);
    }
}
