using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace Kiln.Accelerators.Kernels;

/// <summary>Logits [Rows, Classes] with labels; the upstream gradient is upstream[0] · UpstreamScale.</summary>
public struct CrossEntropyShape
{
    public int Rows, Classes, WriteLoss, WriteGradient;
    public float UpstreamScale;
}

/// <summary>
/// Softmax cross-entropy over class labels (Kiln.Kernels.CrossEntropy): loss = mean over rows of logsumexp − logit of
/// the label; gradient = (softmax − onehot) · upstream / rows. One group walks the rows, its threads striding over
/// them, and sums the per-row losses in shared memory, so the mean needs no second kernel and no atomics.
/// </summary>
public static class CrossEntropyKernels
{
    public const int MaxGroup = 256;

    public static void LossAndGradient(ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> loss, ArrayView<float> upstream,
        ArrayView<float> gradient, CrossEntropyShape s)
    {
        var partial = SharedMemory.Allocate1D<float>(MaxGroup);
        int thread = Group.IdxX, threads = Group.DimX;
        float scale = s.WriteGradient != 0 ? upstream[0] * s.UpstreamScale / s.Rows : 0f;
        float total = 0f;
        for (int i = thread; i < s.Rows; i += threads)
        {
            int label = labels[i];
            long row = (long)i * s.Classes;
            float max = logits[row];
            for (int j = 1; j < s.Classes; j++) max = XMath.Max(max, logits[row + j]);
            float sum = 0f;
            for (int j = 0; j < s.Classes; j++) sum += XMath.Exp(logits[row + j] - max);
            if (s.WriteGradient != 0)
                for (int j = 0; j < s.Classes; j++)
                    gradient[row + j] = XMath.Exp(logits[row + j] - max) * (scale / sum) - (j == label ? scale : 0f);
            total += max + XMath.Log(sum) - logits[row + label];
        }
        partial[thread] = total;
        Group.Barrier();
        for (int half = MaxGroup / 2; half > 0; half /= 2)
        {
            if (thread < half && thread + half < threads) partial[thread] += partial[thread + half];
            Group.Barrier();
        }
        if (thread == 0 && s.WriteLoss != 0) loss[0] = partial[0] / s.Rows;
    }
}
