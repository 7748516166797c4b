using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace Kiln;

public enum Reduction { Mean, Sum, None }

public static partial class Ops
{
    /// <summary>
    /// Mean cross-entropy of logits [N, C] (or [C] for one sample) against class labels in [0, C), computed with
    /// log-sum-exp from the logits; the gradient is (softmax − onehot) / N. Both are <see cref="Kernels.CrossEntropy"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor CrossEntropy(Tensor logits, IntTensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (logits.Rank == 1) logits = Reshape(logits, 1, logits.Dims[0]);
        if (labels.Rank == 0) labels = labels.Reshape(1);
        if (logits.Rank != 2)
            throw new ArgumentException($"CrossEntropy: logits must be [N, C], got {logits.ShapeString}.");
        if (labels.Rank != 1 || labels.Dims[0] != logits.Dims[0])
            throw new ArgumentException($"CrossEntropy: logits {logits.ShapeString} and labels {ShapeUtil.Format(labels.Dims)}: expected labels of shape [{logits.Dims[0]}].");
        int n = logits.Dims[0], c = logits.Dims[1];
        // The same fused kernel generated code calls (it validates the labels); the backward recomputes each row's
        // max and log-sum-exp from the logits rather than keeping an [N, C] buffer alive on the tape.
        var labelData = labels.Storage;
        var loss = new float[1];
        Kernels.CrossEntropy.Forward(logits.Storage, labelData, n, c, loss);
        var output = Result(loss, Array.Empty<int>());
        if (!Autograd.ShouldRecord(logits)) return output;
        return Autograd.Record(output, "CrossEntropy", new[] { logits }, g =>
        {
            var gx = Uninitialized(n * c);
            Kernels.CrossEntropy.Backward(logits.Storage, labelData, n, c, g.Storage[0], gx);
            return new Tensor?[] { Result(gx, logits.Dims) };
        });
    }

    /// <summary>Mean (or summed) squared error between tensors of the same shape.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (!ShapeUtil.SameShape(input.Dims, target.Dims))
            throw new ArgumentException($"MseLoss: input {input.ShapeString} and target {target.ShapeString} differ.");
        var diff = new float[input.Count];
        TensorPrimitives.Subtract(input.Storage, target.Storage, diff);
        if (reduction == Reduction.None)
            return Mul(Square(Sub(input, target)), 1f);
        float sum = TensorPrimitives.Dot(diff, diff);
        float scale = reduction == Reduction.Mean ? 1f / input.Count : 1f;
        var output = Result(new[] { sum * scale }, Array.Empty<int>());
        if (!Autograd.ShouldRecord(input, target)) return output;
        return Autograd.Record(output, "MseLoss", new[] { input, target }, g =>
        {
            var gi = new float[diff.Length];
            TensorPrimitives.Multiply(diff, 2f * scale * g.Storage[0], gi);
            var gradInput = Result(gi, input.Dims);
            return new Tensor?[] { input.RequiresGrad ? gradInput : null, target.RequiresGrad ? Neg(gradInput) : null };
        });
    }
}
