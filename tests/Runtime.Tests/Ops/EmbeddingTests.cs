using Kiln.Runtime.Tests.Support;

namespace Kiln.Runtime.Tests.OpTests;

public class EmbeddingTests
{
    public static TheoryData<string> EmbeddingCases => OpFixture.CasesOf("embedding");

    [Theory]
    [MemberData(nameof(EmbeddingCases))]
    public void EmbeddingMatchesPyTorch(string name)
    {
        var f = OpFixture.Load(name);
        var indices = f.Indices("indices");
        var weight = f.Leaf("weight");
        var padding = f.Attr("padding_idx");
        int? paddingIdx = padding.ValueKind == System.Text.Json.JsonValueKind.Null ? null : padding.GetInt32();
        f.CheckAll(("out", Ops.Embedding(indices, weight, paddingIdx)));
    }

    [Fact]
    public void GradientScatterAddsRepeatedIndices()
    {
        var indices = IntTensor.FromArray(new[] { 1, 3, 1, 0, 3, 3 }, 2, 3);
        GradCheck.Check(w => Ops.Embedding(indices, w), Tensor.Randn(new[] { 5, 3 }, new Rng(41)));

        var weight = Tensor.Randn(new[] { 5, 2 }, new Rng(42));
        weight.RequiresGrad = true;
        Ops.Sum(Ops.Embedding(indices, weight)).Backward();
        Assert.Equal(new float[] { 1, 1, 2, 2, 0, 0, 3, 3, 0, 0 }, weight.Grad!.ToArray());
    }

    [Fact]
    public void PaddingRowGetsNoGradient()
    {
        var indices = IntTensor.FromArray(new[] { 2, 0, 2, 4, 4 }, 5);
        var weight = Tensor.Randn(new[] { 5, 2 }, new Rng(43));
        weight.RequiresGrad = true;
        var output = Ops.Embedding(indices, weight, paddingIdx: -1); // row 4
        Assert.Equal(weight[4, 1], output[3, 1]);
        Ops.Sum(output).Backward();
        Assert.Equal(new float[] { 1, 1, 0, 0, 2, 2, 0, 0, 0, 0 }, weight.Grad!.ToArray());
        // the other rows' gradients are the true derivative (row 1 is the padding row but never looked up)
        GradCheck.Check(w => Ops.Embedding(indices, w, 1), Tensor.Randn(new[] { 5, 2 }, new Rng(44)));
    }

    [Fact]
    public void OutputShapeIsIndexShapePlusEmbeddingDim()
    {
        var weight = Tensor.Randn(new[] { 6, 3 }, new Rng(45));
        Assert.Equal(new[] { 3 }, Ops.Embedding(IntTensor.FromArray(new[] { 2 }), weight).Shape);
        Assert.Equal(new[] { 2, 1, 2, 3 }, Ops.Embedding(IntTensor.FromArray(new[] { 0, 1, 2, 5 }, 2, 1, 2), weight).Shape);
        Assert.Equal(new[] { 0, 3 }, Ops.Embedding(IntTensor.FromArray(Array.Empty<int>(), 0), weight).Shape);
        var row = Ops.Embedding(IntTensor.FromArray(new[] { 5 }, 1), weight).ToArray();
        Assert.Equal(new[] { weight[5, 0], weight[5, 1], weight[5, 2] }, row);
    }

    [Fact]
    public void Validation()
    {
        var weight = Tensor.Zeros(10, 4);
        Assert.Equal("Embedding: weight must be 2-D [num_embeddings, embedding_dim], got [10].",
            Assert.Throws<ArgumentException>(() => Ops.Embedding(IntTensor.FromArray(new[] { 1 }, 1), Tensor.Zeros(10))).Message);
        Assert.StartsWith("Embedding: index 10 at position 2 of indices [2,2] is outside the table of 10 rows (weight [10,4]).",
            Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Embedding(IntTensor.FromArray(new[] { 0, 9, 10, 1 }, 2, 2), weight)).Message);
        Assert.StartsWith("Embedding: index -1 at position 0 of indices [1] is outside the table of 10 rows (weight [10,4]).",
            Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Embedding(IntTensor.FromArray(new[] { -1 }, 1), weight)).Message);
        Assert.StartsWith("Embedding: padding index 10 is outside the table of 10 rows (weight [10,4]).",
            Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Embedding(IntTensor.FromArray(new[] { 1 }, 1), weight, 10)).Message);
        Assert.StartsWith("Embedding: padding index -11 is outside the table of 10 rows (weight [10,4]).",
            Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Embedding(IntTensor.FromArray(new[] { 1 }, 1), weight, -11)).Message);
    }
}

public class EmbeddingKernelIndexTests
{
    [Fact]
    public void GatherNamesIndexPositionAndTable()
    {
        var weight = new float[10 * 4];
        var output = new float[4 * 4];
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => global::Kiln.Kernels.Embedding.Gather(weight, 4, new[] { 0, 9, 10, 1 }, output, new[] { 2, 2 }));
        Assert.StartsWith("Embedding: index 10 at position 2 of indices [2,2] is outside the table of 10 rows (weight [10,4]).", error.Message);
        Assert.Equal("indices", error.ParamName);
        // Without the index shape (as generated code may call it) the indices are named by their length.
        Assert.StartsWith("Embedding: index -1 at position 3 of indices [4] is outside the table of 10 rows (weight [10,4]).",
            Assert.Throws<ArgumentOutOfRangeException>(() => global::Kiln.Kernels.Embedding.Gather(weight, 4, new[] { 0, 9, 1, -1 }, output)).Message);
    }

    [Fact]
    public void ScatterAddNamesIndexPositionAndTable()
    {
        var gradWeight = new float[6 * 2];
        var gradOutput = new float[3 * 2];
        Assert.StartsWith("Embedding: index 6 at position 1 of indices [3] is outside the table of 6 rows (weight [6,2]).",
            Assert.Throws<ArgumentOutOfRangeException>(() => global::Kiln.Kernels.Embedding.ScatterAdd(gradOutput, new[] { 5, 6, 0 }, 2, gradWeight)).Message);
        // The padding row does not exempt an index from the range check, and nothing was written before the throw.
        Assert.Throws<ArgumentOutOfRangeException>(() => global::Kiln.Kernels.Embedding.ScatterAdd(new float[] { 1, 1, 1, 1 }, new[] { 0, 7 }, 2, gradWeight, skippedRow: 7));
        Assert.All(gradWeight, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void EagerOpAndKernelGiveTheSameMessage()
    {
        var weight = Tensor.Zeros(10, 4);
        var indices = IntTensor.FromArray(new[] { 0, 9, 10, 1 }, 2, 2);
        var eager = Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Embedding(indices, weight)).Message;
        var kernel = Assert.Throws<ArgumentOutOfRangeException>(() =>
            global::Kiln.Kernels.Embedding.Gather(weight.ToArray(), 4, indices.ToArray(), new float[16], indices.Shape)).Message;
        Assert.Equal(eager, kernel);
        // A zero-width table still rejects indices past its rows.
        Assert.StartsWith("Embedding: index 3 at position 0 of indices [1] is outside the table of 3 rows (weight [3,0]).",
            Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Embedding(IntTensor.FromArray(new[] { 3 }, 1), Tensor.Zeros(3, 0))).Message);
    }

    [Fact]
    public void BackwardThroughTheKernelKeepsWorking()
    {
        var weight = Tensor.Randn(new[] { 4, 3 }, new Rng(46));
        weight.RequiresGrad = true;
        Ops.Sum(Ops.Embedding(IntTensor.FromArray(new[] { 3, 3, 0 }, 3), weight)).Backward();
        Assert.Equal(new float[] { 1, 1, 1, 0, 0, 0, 0, 0, 0, 2, 2, 2 }, weight.Grad!.ToArray());
    }
}
