namespace Kiln.Runtime.Tests.OpTests;

/// <summary>Result shapes and values where torch has a specific rule (0-d results, promoted vectors, chunk sizes).</summary>
public class TorchShapeSemanticsTests
{
    static Tensor Ramp(params int[] shape) => Ops.Reshape(Tensor.Arange(shape.Aggregate(1, (p, s) => p * s)), shape);

    [Fact]
    public void FullReductionsAndReductionsOfVectorsAreZeroDimensional()
    {
        Assert.Empty(Ops.Sum(Ramp(2, 3)).Shape);
        Assert.Empty(Ops.Mean(Ramp(2, 3)).Shape);
        Assert.Empty(Ops.Sum(Ramp(4), 0).Shape);
        var (values, indices) = Ops.Max(Ramp(4), 0);
        Assert.Empty(values.Shape);
        Assert.Empty(indices.Shape);
        Assert.Equal(3, indices.Item());
        Assert.Equal(new[] { 1, 3, 1 }, Ops.Sum(Ramp(2, 3, 4), new[] { 0, 2 }, keepDim: true).Shape);
        Assert.Equal(new[] { 3 }, Ops.Mean(Ramp(2, 3, 4), new[] { 0, -1 }).Shape);
    }

    [Fact]
    public void MaxPicksTheFirstOfTiedValuesAndSendsTheGradientThere()
    {
        var x = Tensor.FromArray(new[] { 1f, 3f, 3f, 2f }, 4);
        x.RequiresGrad = true;
        var (values, indices) = Ops.Max(x, 0);
        Assert.Equal(1, indices.Item());
        values.Backward();
        Assert.Equal(new[] { 0f, 1f, 0f, 0f }, x.Grad!.ToArray());
    }

    [Fact]
    public void MaxPropagatesNaNLikeTorch()
    {
        var (values, indices) = Ops.Max(Tensor.FromArray(new[] { 1f, float.NaN, 5f, 2f, 7f, 0f }, 2, 3), 1);
        Assert.True(float.IsNaN(values.ToArray()[0]));
        Assert.Equal(new[] { 1, 1 }, indices.ToArray());
        Assert.Equal(7f, values.ToArray()[1]);
    }

    [Fact]
    public void SoftmaxOfAZeroDimensionalTensorIsOne()
    {
        var x = Tensor.Scalar(3f);
        Assert.Empty(Ops.Softmax(x, 0).Shape);
        Assert.Equal(1f, Ops.Softmax(x, 0).Item());
        Assert.Equal(0f, Ops.LogSoftmax(x, -1).Item());
    }

    [Theory]
    [InlineData(new[] { 4 }, new[] { 4 }, new int[0])]
    [InlineData(new[] { 3, 4 }, new[] { 4 }, new[] { 3 })]
    [InlineData(new[] { 4 }, new[] { 4, 5 }, new[] { 5 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4 }, new[] { 2, 3 })]
    [InlineData(new[] { 4 }, new[] { 2, 4, 5 }, new[] { 2, 5 })]
    [InlineData(new[] { 2, 1, 3, 4 }, new[] { 5, 4, 2 }, new[] { 2, 5, 3, 2 })]
    public void MatMulPromotesVectorsAndBroadcastsBatches(int[] a, int[] b, int[] expected) =>
        Assert.Equal(expected, Ops.MatMul(Tensor.Ones(a), Tensor.Ones(b)).Shape);

    [Fact]
    public void MatMulOfVectorsIsTheirDotProduct() =>
        Assert.Equal(0 * 3 + 1 * 4 + 2 * 5, Ops.MatMul(Ramp(3), Ops.Add(Ramp(3), 3f)).Item());

    [Fact]
    public void LinearOfAVectorIsAVector() =>
        Assert.Equal(new[] { 3 }, Ops.Linear(Tensor.Ones(5), Tensor.Ones(3, 5), Tensor.Ones(3)).Shape);

    [Fact]
    public void CrossEntropyOfOneSampleIsZeroDimensional()
    {
        var loss = Ops.CrossEntropy(Tensor.FromArray(new[] { 1f, 2f, 3f }, 3), IntTensor.FromArray(new[] { 2 }));
        Assert.Empty(loss.Shape);
        // -log softmax([1,2,3])[2] = log(e^-2 + e^-1 + 1)
        Assert.Equal(MathF.Log(MathF.Exp(-2) + MathF.Exp(-1) + 1), loss.Item(), 5);
    }

    [Theory]
    [InlineData(5, 4, new[] { 2, 2, 1 })]
    [InlineData(6, 4, new[] { 2, 2, 2 })]
    [InlineData(7, 3, new[] { 3, 3, 1 })]
    [InlineData(10, 5, new[] { 2, 2, 2, 2, 2 })]
    [InlineData(2, 5, new[] { 1, 1 })]
    public void ChunkSizesFollowTorch(int size, int chunks, int[] expected)
    {
        var pieces = Ops.Chunk(Ramp(size, 2), chunks, 0);
        Assert.Equal(expected, pieces.Select(p => p.Shape[0]).ToArray());
        Assert.Equal(Ramp(size, 2).ToArray(), pieces.SelectMany(p => p.ToArray()).ToArray());
    }

    [Fact]
    public void StackAndConcatPlaceValuesLikeTorch()
    {
        var a = Ramp(2, 2);
        var b = Ops.Add(Ramp(2, 2), 10f);
        Assert.Equal(new[] { 0f, 1f, 10f, 11f, 2f, 3f, 12f, 13f }, Ops.Concat(new[] { a, b }, 1).ToArray());
        Assert.Equal(new[] { 0f, 10f, 1f, 11f, 2f, 12f, 3f, 13f }, Ops.Stack(new[] { a, b }, -1).ToArray());
        Assert.Equal(new[] { 2, 2, 2 }, Ops.Stack(new[] { a, b }, 1).Shape);
        Assert.Equal(new[] { 0f, 1f, 10f, 11f, 2f, 3f, 12f, 13f }, Ops.Stack(new[] { a, b }, 1).ToArray());
    }

    [Fact]
    public void SelectNarrowSqueezeUnsqueezeShapes()
    {
        var x = Ramp(2, 4, 3);
        Assert.Equal(new[] { 2, 3 }, Ops.Select(x, 1, -1).Shape);
        Assert.Equal(new[] { 9f, 10f, 11f, 21f, 22f, 23f }, Ops.Select(x, 1, -1).ToArray());
        Assert.Equal(new[] { 2, 2, 3 }, Ops.Narrow(x, 1, 1, 2).Shape);
        Assert.Equal(new[] { 2, 4, 3 }, Ops.Squeeze(x, 1).Shape);
        Assert.Equal(new[] { 2, 4, 1, 3 }, Ops.Unsqueeze(x, -2).Shape);
        Assert.Equal(new[] { 24 }, Ops.Flatten(x).Shape);
        Assert.Equal(new[] { 24 }, x.Flatten().Shape);
        Assert.Equal(new[] { 2, 12 }, Ops.Flatten(x, 1).Shape);
        Assert.Equal(new[] { 2, 12 }, new Kiln.Nn.Flatten().Forward(x).Shape);
    }
}
