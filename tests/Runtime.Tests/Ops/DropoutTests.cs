using Kiln.Runtime.Tests.Support;

namespace Kiln.Runtime.Tests.OpTests;

public class DropoutTests
{
    [Fact]
    public void TrainingZeroesAboutPAndScalesTheRest()
    {
        var x = Tensor.Full(2f, 100, 100);
        var y = Ops.Dropout(x, 0.3f, training: true, new Rng(51)).ToArray();
        int dropped = y.Count(v => v == 0f);
        Assert.InRange(dropped, 2700, 3300);
        Assert.All(y.Where(v => v != 0f), v => Assert.Equal(2f / 0.7f, v, 5));
    }

    [Fact]
    public void EvaluationAndZeroProbabilityReturnTheInput()
    {
        var x = Tensor.Randn(new[] { 3, 4 }, new Rng(52));
        Assert.Same(x, Ops.Dropout(x, 0.5f, training: false));
        Assert.Same(x, Ops.Dropout(x, 0f, training: true));
        Assert.Same(x, Ops.Dropout(x, 1f, training: false));
    }

    [Fact]
    public void ProbabilityOneGivesZerosAndZeroGradient()
    {
        var x = Tensor.Randn(new[] { 2, 5 }, new Rng(53));
        x.RequiresGrad = true;
        var y = Ops.Dropout(x, 1f, training: true, new Rng(1));
        Assert.All(y.ToArray(), v => Assert.Equal(0f, v));
        Ops.Sum(y).Backward();
        Assert.All(x.Grad!.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void SameSeedSameMaskDifferentSeedDifferentMask()
    {
        var x = Tensor.Randn(new[] { 8, 16 }, new Rng(54));
        var a = Ops.Dropout(x, 0.5f, true, new Rng(7)).ToArray();
        var b = Ops.Dropout(x, 0.5f, true, new Rng(7)).ToArray();
        var c = Ops.Dropout(x, 0.5f, true, new Rng(8)).ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void GradientUsesTheForwardMask()
    {
        var x = Tensor.Randn(new[] { 4, 6 }, new Rng(55));
        GradCheck.Check(t => Ops.Dropout(t, 0.4f, true, new Rng(9)), x);

        x.RequiresGrad = true;
        x.Grad = null;
        var y = Ops.Dropout(x, 0.25f, true, new Rng(10));
        Ops.Sum(y).Backward();
        var values = y.ToArray();
        var input = x.ToArray();
        var grad = x.Grad!.ToArray();
        for (int i = 0; i < grad.Length; i++) Assert.Equal(values[i] == 0f ? 0f : 1f / 0.75f, grad[i], 5);
        for (int i = 0; i < grad.Length; i++) Assert.Equal(input[i] * grad[i], values[i], 5);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void ProbabilityOutsideTheUnitIntervalIsRejected(float p)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Dropout(Tensor.Zeros(2, 3), p, training: true));
        Assert.StartsWith($"Dropout: probability p must be in [0, 1], got {p} (input [2,3]).", ex.Message);
        // an invalid p is an error even when dropout would be the identity
        Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Dropout(Tensor.Zeros(2, 3), p, training: false));
    }
}
