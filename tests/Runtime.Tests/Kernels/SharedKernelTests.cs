using Kiln.Kernels;

namespace Kiln.Runtime.Tests.Kernels;

/// <summary>
/// The kernels generated code and the eager ops share (cross-entropy, block copies, axis swaps, max along an axis):
/// index-arithmetic references, torch's tie and NaN rules, and the eager op computing exactly what the kernel does.
/// </summary>
public class SharedKernelTests
{
    static float[] Ramp(int n) => Enumerable.Range(0, n).Select(i => i * 0.5f - 3f).ToArray();

    [Theory]
    [InlineData(1, 5, 1, 7, 1)]     // 2-D transpose (blocked path)
    [InlineData(3, 9, 1, 10, 1)]    // batched 2-D transposes
    [InlineData(2, 3, 4, 5, 1)]     // a middle axis, single elements
    [InlineData(2, 3, 4, 5, 3)]     // a middle axis and inner runs
    [InlineData(1, 4, 1, 2, 6)]
    [InlineData(2, 0, 3, 4, 2)]     // empty
    public void SwapAxesMatchesIndexArithmetic(int outer, int a, int middle, int b, int inner)
    {
        var src = Ramp(outer * a * middle * b * inner);
        var dst = new float[src.Length];
        Layout.SwapAxes(src, dst, outer, a, middle, b, inner);
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < a; i++)
                for (int m = 0; m < middle; m++)
                    for (int j = 0; j < b; j++)
                        for (int k = 0; k < inner; k++)
                            Assert.Equal(src[(((o * a + i) * middle + m) * b + j) * inner + k], dst[(((o * b + j) * middle + m) * a + i) * inner + k]);
    }

    [Fact]
    public void CopyBlocksCopiesStridedBlocks()
    {
        var src = Ramp(12);   // [3, 4]: take columns 1..2
        var dst = new float[6];
        Layout.CopyBlocks(src, 4, 1, dst, 2, 0, 3, 2);
        Assert.Equal(new[] { src[1], src[2], src[5], src[6], src[9], src[10] }, dst);
    }

    [Fact]
    public void EagerTransposeIsSwapAxes()
    {
        var x = Tensor.FromArray(Ramp(2 * 3 * 4 * 5), 2, 3, 4, 5);
        var expected = new float[x.Count];
        Layout.SwapAxes(x.ToArray(), expected, 2, 3, 4, 5, 1);
        var y = Ops.Transpose(x, 3, 1);
        Assert.Equal(new[] { 2, 5, 4, 3 }, y.Shape);
        Assert.Equal(expected, y.ToArray());
        Assert.Equal(Ops.Permute(x, 0, 3, 2, 1).ToArray(), y.ToArray());
        Assert.Equal(x.ToArray(), Ops.Transpose(x, 2, 2).ToArray());
    }

    /// <summary>
    /// torch 1.13 on CPU (checked with the Debian build): max(dim) reports the first index among equal maxima
    /// ([1, 3, 3, 2] → 1; [5, 5, 5, 5] → 0; +0/−0 → 0), and a NaN beats every number with the first NaN's index
    /// ([nan, 1, nan, 2] → 0; [1, nan, 3, nan] → 1); the gradient goes only to the reported index.
    /// </summary>
    [Fact]
    public void MaxAlongFollowsTorchTiesAndNaN()
    {
        float nan = float.NaN;
        var x = new[] { 1f, 3f, 3f, 2f, 5f, 5f, 5f, 5f, nan, 1f, nan, 2f, 1f, nan, 3f, nan, -0f, 0f, 0f, 0f };
        var values = new float[5];
        var indices = new int[5];
        global::Kiln.Kernels.Reduction.MaxAlong(x, values, indices, 5, 4, 1);
        Assert.Equal(new[] { 1, 0, 0, 1, 0 }, indices);
        Assert.Equal(3f, values[0]);
        Assert.True(float.IsNaN(values[2]) && float.IsNaN(values[3]));
        Assert.True(float.IsNegative(values[4]), "the first of −0 and +0 is reported");

        var gradIn = new float[20];
        global::Kiln.Kernels.Reduction.MaxAlongBackward(x, new[] { 1f, 2f, 3f, 4f, 5f }, gradIn, 5, 4, 1);
        Assert.Equal(new[] { 0f, 1f, 0f, 0f, 2f, 0f, 0f, 0f, 3f, 0f, 0f, 0f, 0f, 4f, 0f, 0f, 5f, 0f, 0f, 0f }, gradIn);

        // Along a strided axis (inner > 1) and with values omitted (indices empty) it reports the same.
        var columns = new[] { 1f, 3f, 3f, 1f, 3f, 3f };   // [3, 2], reduce dim 0
        var columnValues = new float[2];
        var columnIndices = new int[2];
        global::Kiln.Kernels.Reduction.MaxAlong(columns, columnValues, columnIndices, 1, 3, 2);
        Assert.Equal(new[] { 1, 0 }, columnIndices);
        global::Kiln.Kernels.Reduction.MaxAlong(columns, columnValues, Span<int>.Empty, 1, 3, 2);
        Assert.Equal(new[] { 3f, 3f }, columnValues);
    }

    [Fact]
    public void EagerMaxUsesTheKernel()
    {
        var x = Tensor.FromArray(new[] { 1f, 3f, 3f, 2f, float.NaN, 1f, float.NaN, 2f }, 2, 4);
        x.RequiresGrad = true;
        var (values, indices) = Ops.Max(x, 1);
        Assert.Equal(new[] { 1, 0 }, indices.ToArray());
        Assert.Equal(new[] { 1, 0 }, Ops.ArgMax(x, 1).ToArray());
        Ops.Sum(values).Backward();
        Assert.Equal(new[] { 0f, 1f, 0f, 0f, 1f, 0f, 0f, 0f }, x.Grad!.ToArray());
    }

    [Fact]
    public void EagerCrossEntropyIsTheKernelBitForBit()
    {
        var rng = new Rng(5);
        var logits = Tensor.Randn(new[] { 6, 7 }, rng);
        logits.RequiresGrad = true;
        var labels = new[] { 0, 6, 3, 3, 1, 5 };
        var loss = Ops.CrossEntropy(logits, IntTensor.FromArray(labels, 6));
        Ops.Mul(loss, 0.75f).Backward();

        var expectedLoss = new float[1];
        var expectedGrad = new float[42];
        CrossEntropy.ForwardBackward(logits.ToArray(), labels, 6, 7, expectedLoss, 0.75f, expectedGrad);
        Assert.Equal(expectedLoss[0], loss.Item());
        Assert.Equal(expectedGrad, logits.Grad!.ToArray());

        var forwardOnly = new float[1];
        CrossEntropy.Forward(logits.ToArray(), labels, 6, 7, forwardOnly);
        Assert.Equal(expectedLoss[0], forwardOnly[0]);
        var backwardOnly = new float[42];
        CrossEntropy.Backward(logits.ToArray(), labels, 6, 7, 0.75f, backwardOnly);
        Assert.Equal(expectedGrad, backwardOnly);
    }

    [Fact]
    public void CrossEntropyRejectsLabelsOutOfRange()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ops.CrossEntropy(Tensor.Zeros(2, 3), IntTensor.FromArray(new[] { 0, 3 }, 2)));
        Assert.Contains("label 3 at position 1", e.Message);
    }
}
