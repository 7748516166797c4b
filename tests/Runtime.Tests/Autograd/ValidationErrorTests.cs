namespace Kiln.Runtime.Tests.AutogradBehaviour;

/// <summary>Bad inputs fail up front with the op's name and the shapes involved, never deep inside a loop.</summary>
public class ValidationErrorTests
{
    static T Fails<T>(Action action, params string[] fragments) where T : Exception
    {
        var error = Assert.Throws<T>(action);
        foreach (var fragment in fragments) Assert.Contains(fragment, error.Message);
        return error;
    }

    static Tensor Zeros(params int[] shape) => Tensor.Zeros(shape);

    [Theory]
    [InlineData(5)]
    [InlineData(-1)]
    [InlineData(100)]
    public void CrossEntropyRejectsLabelsOutsideTheClasses(int label) =>
        Fails<ArgumentOutOfRangeException>(() => Ops.CrossEntropy(Zeros(3, 5), IntTensor.FromArray(new[] { 0, label, 2 }, 3)),
            "CrossEntropy", $"label {label}", "[0, 5)");

    [Fact]
    public void CrossEntropyRejectsMismatchedLabelsAndWrongRanks()
    {
        Fails<ArgumentException>(() => Ops.CrossEntropy(Zeros(3, 5), IntTensor.FromArray(new[] { 0, 1 }, 2)), "CrossEntropy", "[3,5]", "[2]");
        Fails<ArgumentException>(() => Ops.CrossEntropy(Zeros(2, 3, 4), IntTensor.FromArray(new[] { 0, 1 }, 2)), "CrossEntropy", "[2,3,4]");
        Fails<ArgumentException>(() => Ops.CrossEntropy(Zeros(2, 3), IntTensor.FromArray(new[] { 0, 1 }, 2, 1)), "CrossEntropy", "[2,1]");
    }

    [Fact]
    public void NegativeSizesAreRejected()
    {
        Fails<ArgumentException>(() => Tensor.Zeros(2, -1), "negative size -1", "[2,-1]");
        Fails<ArgumentException>(() => Tensor.Ones(-3), "negative size -3");
        Fails<ArgumentException>(() => Tensor.Full(1f, 4, -2), "negative size -2");
        Fails<ArgumentException>(() => Tensor.Randn(new[] { -1, 2 }, new Rng(1)), "negative size -1");
        Fails<ArgumentException>(() => Tensor.FromArray(new float[0], -1), "negative size -1");
        Fails<ArgumentException>(() => IntTensor.FromArray(new int[0], 0, -4), "negative size -4");
        Fails<ArgumentException>(() => Ops.Reshape(Zeros(2, 3), -2, -3), "Reshape", "[2,3]");
        Fails<ArgumentException>(() => Ops.Reshape(Zeros(6), 3, -2), "Reshape", "negative size -2");
        Fails<ArgumentOutOfRangeException>(() => Ops.Narrow(Zeros(4, 3), 0, 1, -1), "Narrow", "[4,3]");
        Fails<ArgumentOutOfRangeException>(() => Ops.Narrow(Zeros(4, 3), 1, int.MaxValue, 2), "Narrow", "[4,3]");
        Fails<ArgumentOutOfRangeException>(() => Ops.Chunk(Zeros(4, 3), 0), "Chunk", "positive");
    }

    [Fact]
    public void DataThatDoesNotFillTheShapeIsRejected() =>
        Fails<ArgumentException>(() => Tensor.FromArray(new[] { 1f, 2f, 3f, 4f, 5f }, 2, 3), "5 values", "[2,3]");

    [Fact]
    public void WrongRanksAreRejected()
    {
        Fails<ArgumentException>(() => Ops.Linear(Zeros(2, 3), Zeros(3)), "Linear", "2-D", "[3]");
        Fails<ArgumentException>(() => Ops.Linear(Tensor.Scalar(1f), Zeros(2, 1)), "Linear");
        Fails<ArgumentException>(() => Ops.MatMul(Tensor.Scalar(1f), Zeros(2, 2)), "MatMul", "[]", "[2,2]");
        Fails<ArgumentException>(() => Ops.Conv1d(Zeros(2, 3, 4, 5), Zeros(2, 3, 3)), "Conv1d", "[2,3,4,5]");
        Fails<ArgumentException>(() => Ops.Conv2d(Zeros(2, 3), Zeros(2, 2, 3, 3)), "Conv2d", "[2,3]");
        Fails<ArgumentException>(() => Ops.Embedding(IntTensor.FromArray(new[] { 0 }, 1), Zeros(4)), "Embedding", "2-D");
        Fails<ArgumentException>(() => Ops.Stack(new[] { Zeros(2, 3), Zeros(3, 2) }), "Stack", "[2,3]", "[3,2]");
        Fails<ArgumentException>(() => Ops.Concat(new[] { Zeros(2, 3), Zeros(2, 3, 1) }, 0), "Concat", "[2,3]", "[2,3,1]");
        Fails<ArgumentException>(() => Ops.Permute(Zeros(2, 3), 0), "Permute", "[2,3]");
    }

    [Theory]
    [InlineData("Softmax")]
    [InlineData("LogSoftmax")]
    [InlineData("Sum")]
    [InlineData("Mean")]
    [InlineData("Max")]
    [InlineData("Transpose")]
    [InlineData("Unsqueeze")]
    [InlineData("Select")]
    [InlineData("Flatten")]
    [InlineData("Chunk")]
    public void DimensionsOutOfRangeNameTheOp(string op)
    {
        var x = Zeros(2, 3);
        Action call = op switch
        {
            "Softmax" => () => Ops.Softmax(x, 2),
            "LogSoftmax" => () => Ops.LogSoftmax(x, -3),
            "Sum" => () => Ops.Sum(x, 2),
            "Mean" => () => Ops.Mean(x, new[] { 0, 5 }),
            "Max" => () => Ops.Max(x, 2),
            "Transpose" => () => Ops.Transpose(x, 0, 2),
            "Unsqueeze" => () => Ops.Unsqueeze(x, 4),
            "Select" => () => Ops.Select(x, 2, 0),
            "Flatten" => () => Ops.Flatten(x, 0, 3),
            _ => () => Ops.Chunk(x, 2, -3),
        };
        Fails<ArgumentOutOfRangeException>(call, op + ":", "out of range");
    }

    [Fact]
    public void RepeatedReductionDimensionIsRejected() =>
        Fails<ArgumentException>(() => Ops.Sum(Zeros(2, 3), new[] { 1, -1 }), "Sum", "twice");

    [Fact]
    public void SelectIndexOutOfRangeNamesSelect() =>
        Fails<ArgumentOutOfRangeException>(() => Ops.Select(Zeros(2, 4, 3), 1, 4), "Select", "index 4", "[2,4,3]");

    [Fact]
    public void ReshapeToADifferentElementCountNamesBothShapes()
    {
        Fails<ArgumentException>(() => Ops.Reshape(Zeros(2, 3), 4, 2), "Reshape", "[2,3]", "[4,2]");
        Fails<ArgumentException>(() => Ops.Reshape(Zeros(2, 3), -1, 4), "Reshape", "[2,3]", "[-1,4]");
        Fails<ArgumentException>(() => Ops.Reshape(Zeros(2, 3), -1, -1), "Reshape", "only one dimension can be -1");
        Fails<ArgumentException>(() => Zeros(2, 3).View(7), "Reshape", "[2,3]", "[7]");
        Fails<ArgumentException>(() => IntTensor.FromArray(new[] { 1, 2, 3 }, 3).Reshape(2, 2), "Reshape", "[3]", "[2,2]");
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Sub")]
    [InlineData("Mul")]
    [InlineData("Div")]
    public void BroadcastMismatchNamesTheOpAndBothShapes(string op)
    {
        var (a, b) = (Zeros(2, 3), Zeros(4));
        Action call = op switch
        {
            "Add" => () => _ = a + b,
            "Sub" => () => _ = a - b,
            "Mul" => () => _ = a * b,
            _ => () => _ = a / b,
        };
        Fails<ArgumentException>(call, $"{op}: [2,3] and [4] cannot be broadcast");
    }

    [Fact]
    public void ShapeMismatchesInMatMulLinearAndLossesNameBothShapes()
    {
        Assert.Equal("MatMul: [64,1000] x [100,10]: inner dimensions 1000 and 100 differ.",
            Assert.Throws<ArgumentException>(() => Ops.MatMul(Zeros(64, 1000), Zeros(100, 10))).Message);
        Fails<ArgumentException>(() => Ops.MatMul(Zeros(3), Zeros(4)), "MatMul", "[3]", "[4]");
        Fails<ArgumentException>(() => Ops.MatMul(Zeros(2, 3, 4), Zeros(3, 4, 5)), "MatMul", "[2,3,4]", "[3,4,5]");
        Fails<ArgumentException>(() => Ops.Linear(Zeros(2, 3), Zeros(4, 5)), "Linear", "[2,3]", "[4,5]");
        Fails<ArgumentException>(() => Ops.Linear(Zeros(2, 5), Zeros(4, 5), Zeros(3)), "Linear", "[3]", "[4,5]");
        Fails<ArgumentException>(() => Ops.MseLoss(Zeros(2, 3), Zeros(3, 2)), "MseLoss", "[2,3]", "[3,2]");
        Fails<ArgumentException>(() => Ops.Concat(new[] { Zeros(2, 3), Zeros(2, 4) }, 0), "Concat", "[2,3]", "[2,4]");
    }

    [Fact]
    public void EmbeddingRejectsIndicesAndPaddingOutsideTheTable()
    {
        Fails<ArgumentOutOfRangeException>(() => Ops.Embedding(IntTensor.FromArray(new[] { 0, 4 }, 2), Zeros(4, 2)), "Embedding", "4");
        Fails<ArgumentOutOfRangeException>(() => Ops.Embedding(IntTensor.FromArray(new[] { 0 }, 1), Zeros(4, 2), paddingIdx: 4), "Embedding", "padding index 4");
    }

    [Fact]
    public void ModulesRejectBadSizesAndPaddingIndexAtConstruction()
    {
        Fails<ArgumentOutOfRangeException>(() => new Kiln.Nn.Embedding(4, 2, paddingIdx: 4), "Embedding", "padding index 4");
        Fails<ArgumentOutOfRangeException>(() => new Kiln.Nn.Embedding(4, 2, paddingIdx: -5), "Embedding", "padding index -5");
        Fails<ArgumentOutOfRangeException>(() => new Kiln.Nn.Embedding(-4, 2), "Embedding", "-4");
        Fails<ArgumentOutOfRangeException>(() => new Kiln.Nn.Linear(-1, 3), "Linear", "-1");
        Fails<ArgumentOutOfRangeException>(() => new Kiln.Nn.Conv2d(3, 4, 0), "Conv2d");
        Fails<ArgumentOutOfRangeException>(() => new Kiln.Nn.BatchNorm1d(0), "BatchNorm1d");
        Fails<ArgumentOutOfRangeException>(() => new Kiln.Nn.Rnn(3, -2), "Rnn", "-2");
    }

    [Fact]
    public void ModulesRejectInputsOfTheWrongRank()
    {
        Fails<ArgumentException>(() => new Kiln.Nn.MaxPool2d(2).Forward(Zeros(4, 4)), "MaxPool2d", "[4,4]");
        Fails<ArgumentException>(() => new Kiln.Nn.AvgPool1d(2).Forward(Zeros(4)), "AvgPool1d", "[4]");
        Fails<ArgumentException>(() => new Kiln.Nn.BatchNorm2d(3).Forward(Zeros(2, 3)), "BatchNorm2d", "[2,3]");
        Fails<ArgumentException>(() => new Kiln.Nn.Conv1d(3, 4, 2).Forward(Zeros(2, 3, 4, 4)), "Conv1d", "[2,3,4,4]");
    }

    [Fact]
    public void PoolingRejectsNonPositiveWindowsAndNegativePadding()
    {
        Fails<ArgumentOutOfRangeException>(() => Ops.MaxPool2d(Zeros(1, 1, 4, 4), 0), "MaxPool2d", "kernel size");
        Fails<ArgumentOutOfRangeException>(() => Ops.AvgPool1d(Zeros(1, 1, 4), 2, 0), "AvgPool1d", "stride");
        Fails<ArgumentOutOfRangeException>(() => Ops.MaxPool1d(Zeros(1, 1, 4), 2, 2, -1), "MaxPool1d", "padding");
    }

    [Fact]
    public void ItemOnAMultiElementTensorNamesTheShape() =>
        Fails<InvalidOperationException>(() => Zeros(2, 2).Item(), "Item", "[2,2]");
}
