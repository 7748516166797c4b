using Kiln.Kernels;

namespace Kiln.Runtime.Tests.Kernels;

/// <summary>The fused activation gradients give exactly the bits of the op-by-op formulas, vector body and tail alike.</summary>
public class ActivationKernelTests
{
    static readonly float[] Specials = { 0f, -0f, 1f, -1f, 0.5f, -2.5f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e-40f, -1e-40f, 3e38f };

    /// <summary>Random values with the special ones mixed in, long enough for several vectors plus a ragged tail.</summary>
    static float[] Values(int seed, int count = 75)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = i % 5 == 0 ? Specials[random.Next(Specials.Length)] : (float)(random.NextDouble() * 6 - 3);
        return values;
    }

    static void AssertSameBits(float[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Fact]
    public void ReluBackwardSelectsTheGradientWhereTheOutputIsPositive()
    {
        var g = Values(1);
        var y = Values(2);
        var actual = new float[g.Length];
        Activation.ReluBackward(g, y, actual);
        AssertSameBits(g.Select((v, i) => y[i] <= 0f ? 0f : v).ToArray(), actual);
    }

    [Fact]
    public void ClampBackwardIsGradientTimesTheInRangeMask()
    {
        var g = Values(3);
        var x = Values(4);
        var actual = new float[g.Length];
        Activation.ClampBackward(g, x, -1f, 2f, actual);
        AssertSameBits(g.Select((v, i) => v * (x[i] >= -1f && x[i] <= 2f ? 1f : 0f)).ToArray(), actual);
    }

    [Fact]
    public void GreaterThanMaskIsOneOrZero()
    {
        var x = Values(5);
        var actual = new float[x.Length];
        Activation.GreaterThanMask(x, 0.5f, actual);
        AssertSameBits(x.Select(v => v > 0.5f ? 1f : 0f).ToArray(), actual);
    }

    [Fact]
    public void SigmoidTanhAndSquareBackwardFollowTheUnfusedFormulas()
    {
        var g = Values(6);
        var y = Values(7);
        var actual = new float[g.Length];
        Activation.SigmoidBackward(g, y, actual);
        AssertSameBits(g.Select((v, i) => v * (y[i] * (1f - y[i]))).ToArray(), actual);
        Activation.TanhBackward(g, y, actual);
        AssertSameBits(g.Select((v, i) => v * (1f - y[i] * y[i])).ToArray(), actual);
        Activation.SquareBackward(g, y, actual);
        AssertSameBits(g.Select((v, i) => v * (y[i] * 2f)).ToArray(), actual);
    }

    [Fact]
    public void MismatchedLengthsAreRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => Activation.ReluBackward(new float[3], new float[4], new float[4]));
        Assert.Contains("lengths differ", error.Message);
    }
}
