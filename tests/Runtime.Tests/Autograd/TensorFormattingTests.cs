namespace Kiln.Runtime.Tests.AutogradBehaviour;

/// <summary>ToString against strings printed by torch 1.13 for the same values.</summary>
public class TensorFormattingTests
{
    [Fact]
    public void MatrixPrintsFourDecimalsAndAlignsRows() =>
        Assert.Equal("tensor([[1.0000, 2.5000],\n        [3.0000, 4.0000]])",
            Tensor.FromArray(new[] { 1f, 2.5f, 3f, 4f }, 2, 2).ToString());

    [Fact]
    public void IntegralValuesPrintWithATrailingDot() =>
        Assert.Equal("tensor([1., 2., 3.])", Tensor.FromArray(new[] { 1f, 2f, 3f }, 3).ToString());

    [Fact]
    public void LeafThatRequiresGradSaysSo()
    {
        var x = Tensor.FromArray(new[] { 1f, 2f }, 2);
        x.RequiresGrad = true;
        Assert.Equal("tensor([1., 2.], requires_grad=True)", x.ToString());
    }

    [Fact]
    public void ResultOfAnOpNamesItsGradFn()
    {
        var x = Tensor.FromArray(new[] { 1f, 2f }, 2);
        x.RequiresGrad = true;
        Assert.Equal("tensor([2., 4.], grad_fn=<MulBackward0>)", Ops.Mul(x, 2f).ToString());
        using (Autograd.NoGrad()) Assert.Equal("tensor([2., 4.])", Ops.Mul(x, 2f).ToString());
    }

    [Theory]
    // Every element is padded to the widest one, as torch does.
    [InlineData(new[] { -1.5f, 2f }, new[] { 2 }, "tensor([-1.5000,  2.0000])")]
    [InlineData(new[] { 1f, 100f }, new[] { 2 }, "tensor([  1., 100.])")]
    [InlineData(new[] { 1f, -2.5f, 3f, 4f }, new[] { 2, 2 }, "tensor([[ 1.0000, -2.5000],\n        [ 3.0000,  4.0000]])")]
    [InlineData(new[] { 0.1f, 0.25f }, new[] { 2 }, "tensor([0.1000, 0.2500])")]
    [InlineData(new[] { 3.5f }, new int[0], "tensor(3.5000)")]
    [InlineData(new[] { 3f }, new int[0], "tensor(3.)")]
    [InlineData(new[] { 0f, 0f }, new[] { 2 }, "tensor([0., 0.])")]
    // Scientific notation once the magnitudes span more than 1000x or a value is below 1e-4.
    [InlineData(new[] { 1e-5f, 1f }, new[] { 2 }, "tensor([1.0000e-05, 1.0000e+00])")]
    [InlineData(new[] { 1f, 10000f }, new[] { 2 }, "tensor([1.0000e+00, 1.0000e+04])")]
    [InlineData(new[] { 2e8f, 1f }, new[] { 2 }, "tensor([2.0000e+08, 1.0000e+00])")]
    // Python rounds the exact binary value half-to-even: 0.03125 -> 0.0312, 0.09375 -> 0.0938.
    [InlineData(new[] { 0.03125f, 0.09375f }, new[] { 2 }, "tensor([0.0312, 0.0938])")]
    [InlineData(new[] { float.NaN, 1f }, new[] { 2 }, "tensor([nan, 1.])")]
    [InlineData(new[] { float.NegativeInfinity, 0.5f }, new[] { 2 }, "tensor([  -inf, 0.5000])")]
    [InlineData(new float[0], new[] { 0 }, "tensor([])")]
    [InlineData(new float[0], new[] { 2, 0 }, "tensor([], size=(2, 0))")]
    public void PrintsLikeTorch(float[] data, int[] shape, string expected) =>
        Assert.Equal(expected, Tensor.FromArray(data, shape).ToString());

    [Fact]
    public void ThreeDimensionalTensorSeparatesBlocksWithABlankLine() =>
        Assert.Equal("tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])",
            Tensor.Arange(8).Reshape(2, 2, 2).ToString());

    [Fact]
    public void LongRowsWrapAtEightyColumns()
    {
        // torch.arange(20.): 14 elements of width 3 fit in a line after the 8-column indent.
        Assert.Equal(
            "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n" +
            "        14., 15., 16., 17., 18., 19.])",
            Tensor.Arange(20).ToString());
    }

    [Fact]
    public void LargeTensorsAreSummarisedToTheirEdges()
    {
        // Only the printed edge items choose the format and width (torch's get_summarized_data).
        Assert.Equal("tensor([1000., 1001., 1002.,  ..., 2998., 2999., 3000.])", Ops.Add(Tensor.Arange(2001), 1000f).ToString());
        Assert.Equal(
            "tensor([[1000., 1001., 1002.,  ..., 1037., 1038., 1039.],\n" +
            "        [1040., 1041., 1042.,  ..., 1077., 1078., 1079.],\n" +
            "        [1080., 1081., 1082.,  ..., 1117., 1118., 1119.],\n" +
            "        ...,\n" +
            "        [2880., 2881., 2882.,  ..., 2917., 2918., 2919.],\n" +
            "        [2920., 2921., 2922.,  ..., 2957., 2958., 2959.],\n" +
            "        [2960., 2961., 2962.,  ..., 2997., 2998., 2999.]])",
            Ops.Add(Tensor.Arange(2000), 1000f).Reshape(50, 40).ToString());
        // 0..2000 spans more than 1000x, so torch switches to scientific notation and wraps after 6 items.
        Assert.Equal(
            "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9980e+03, 1.9990e+03,\n" +
            "        2.0000e+03])",
            Tensor.Arange(2001).ToString());
    }

    [Fact]
    public void SuffixMovesToItsOwnLineWhenTheRowIsFull()
    {
        var x = Tensor.Arange(12);
        x.RequiresGrad = true;
        // torch: "tensor([ 0.,  1.,  ..., 11.], requires_grad=True)" would pass 80 columns.
        Assert.Equal("tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11.],\n       requires_grad=True)", x.ToString());
    }

    [Fact]
    public void IntTensorsPrintPlainIntegersPadded() =>
        Assert.Equal("tensor([ 1, -2, 10])", IntTensor.FromArray(new[] { 1, -2, 10 }, 3).ToString());
}
