using Kiln.Nn;
using Kiln.Runtime.Tests.Support;

namespace Kiln.Runtime.Tests.OpTests;

/// <summary>BceWithLogits, NllLoss, L1Loss and CrossEntropy's weight / ignoreIndex / labelSmoothing, against torch 1.13.</summary>
public class LossOptionTests
{
    static readonly float[] Logits = { 1.5f, -0.5f, 0.2f, 2.0f, 0.1f, 0.3f, -1.2f, 0.7f, -2.0f, 1.0f, 0.5f, 0.0f };
    static readonly Tensor ClassWeight = Tensor.FromArray(new[] { 0.5f, 2f, 1f, 3f }, 4);
    static readonly IntTensor WithIgnored = IntTensor.FromArray(new[] { 3, -100, 1 }, 3);

    static void AssertClose(float[] expected, float[] actual, float tolerance = 2e-6f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1f, Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    static void CheckCrossEntropy(Func<Tensor, Tensor> loss, float[] expectedLoss, float[] expectedGrad)
    {
        var x = TestTensors.Leaf(Logits, 3, 4);
        var l = loss(x);
        AssertClose(expectedLoss, l.ToArray());
        Ops.Sum(l).Backward();
        AssertClose(expectedGrad, x.Grad!.ToArray());
    }

    [Fact]
    public void WeightedMeanDividesBySummedWeightsOfCountedRows() => CheckCrossEntropy(
        x => Ops.CrossEntropy(x, WithIgnored, weight: ClassWeight),
        new[] { 0.6524489f },
        new[] { 0.1962973f, 0.026566f, 0.0534973f, -0.2763605f, 0, 0, 0, 0, 0.0098384f, -0.2023908f, 0.1198561f, 0.0726964f });

    [Fact]
    public void LabelSmoothingWithIgnoredRow() => CheckCrossEntropy(
        x => Ops.CrossEntropy(x, WithIgnored, labelSmoothing: 0.1f),
        new[] { 0.7774863f },
        new[] { 0.1510811f, 0.0096383f, 0.032081f, -0.1928004f, 0, 0, 0, 0, -0.000202f, -0.2154885f, 0.13732f, 0.0783704f });

    [Fact]
    public void LabelSmoothingWithWeight() => CheckCrossEntropy(
        x => Ops.CrossEntropy(x, WithIgnored, ClassWeight, labelSmoothing: 0.2f),
        new[] { 0.7284198f },
        new[] { 0.1733034f, 0.0041307f, 0.0385933f, -0.2160274f, 0, 0, 0, 0, 0.0044694f, -0.1498011f, 0.1053614f, 0.0399702f });

    static readonly float[] SumGrad = { 0.8665169f, 0.0206537f, 0.1929667f, -1.0801373f, 0, 0, 0, 0, 0.0223472f, -0.7490057f, 0.5268072f, 0.1998512f };

    [Fact]
    public void LabelSmoothingWithWeightSummed() => CheckCrossEntropy(
        x => Ops.CrossEntropy(x, WithIgnored, ClassWeight, labelSmoothing: 0.2f, reduction: Reduction.Sum), new[] { 3.6420994f }, SumGrad);

    [Fact]
    public void LabelSmoothingWithWeightUnreduced() => CheckCrossEntropy(
        x => Ops.CrossEntropy(x, WithIgnored, ClassWeight, labelSmoothing: 0.2f, reduction: Reduction.None), new[] { 2.0346408f, 0f, 1.6074584f }, SumGrad);

    [Fact]
    public void CustomIgnoreIndex() => CheckCrossEntropy(
        x => new CrossEntropyLoss(ignoreIndex: 0, labelSmoothing: 0.3f).Forward(x, IntTensor.FromArray(new[] { 3, 0, 1 }, 3)),
        new[] { 1.0099863f },
        new[] { 0.1260811f, -0.0153617f, 0.007081f, -0.1178004f, 0, 0, 0, 0, -0.025202f, -0.1404885f, 0.1123201f, 0.0533704f });

    [Fact]
    public void DefaultCrossEntropyUnchangedAndGradChecks()
    {
        var labels = IntTensor.FromArray(new[] { 3, 0, 1 }, 3);
        var x = Tensor.FromArray(Logits, 3, 4);
        Assert.Equal(Ops.CrossEntropy(x, labels).Item(), Ops.CrossEntropy(x, labels, ignoreIndex: -1).Item());
        GradCheck.Check(xs => new[] { Ops.CrossEntropy(xs[0], WithIgnored, ClassWeight, labelSmoothing: 0.25f) }, new[] { Tensor.Randn(new[] { 3, 4 }, new Rng(5)) });
        var loss = new CrossEntropyLoss(ClassWeight);
        Assert.Equal(new[] { "weight" }, loss.StateDict().Keys);
        Assert.Empty(new CrossEntropyLoss().StateDict());
    }

    [Fact]
    public void NllLossWeighted()
    {
        Tensor logProbs;
        using (Autograd.NoGrad()) logProbs = Ops.LogSoftmax(Tensor.FromArray(Logits, 3, 4), 1);
        logProbs.RequiresGrad = true;
        var l = new NllLoss(ClassWeight).Forward(logProbs, IntTensor.FromArray(new[] { 3, 0, 1 }, 3));
        Assert.Equal(0.7260754704f, l.Item(), 5);
        l.Backward();
        AssertClose(new[] { 0f, 0, 0, -0.5454545617f, -0.0909090936f, 0, 0, 0, 0, -0.3636363745f, 0, 0 }, logProbs.Grad!.ToArray());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ops.NllLoss(logProbs, IntTensor.FromArray(new[] { 4, 0, 1 }, 3)));
        Assert.Contains("NllLoss", e.Message);
        Assert.Throws<ArgumentException>(() => Ops.NllLoss(logProbs, IntTensor.FromArray(new[] { 0, 1 }, 2)));
    }

    [Fact]
    public void BceWithLogitsIsStableForLargeLogits()
    {
        var z = TestTensors.Leaf(new[] { 0.5f, -30f, 40f, 0f, -1.5f, 2.5f }, 2, 3);
        var t = Tensor.FromArray(new[] { 1f, 0f, 0.5f, 0f, 1f, 1f }, 2, 3);
        var l = new BceWithLogitsLoss().Forward(z, t);
        Assert.Equal(3.824587821960449f, l.Item(), 5);
        l.Backward();
        AssertClose(new[] { -0.06292343884706497f, 1.5596039881098957e-14f, 0.0833333358168602f, 0.0833333358168602f, -0.1362624168395996f, -0.012643028981983662f }, z.Grad!.ToArray(), 1e-5f);
        AssertClose(new[] { 0.4740769863128662f, 0f, 20f, 0.6931471824645996f, 1.7014133930206299f, 0.07888974994421005f }, Ops.BceWithLogits(z, t, Reduction.None).ToArray(), 1e-6f);
        GradCheck.Check(xs => new[] { Ops.BceWithLogits(xs[0], xs[1]) }, new[] { Tensor.Randn(new[] { 2, 3 }, new Rng(4)), Tensor.Rand(new[] { 2, 3 }, new Rng(6)) });
    }

    [Fact]
    public void L1LossMeanAndGradient()
    {
        var a = TestTensors.Leaf(new[] { 1f, 2f, 3f, 4f }, 4);
        var l = new L1Loss().Forward(a, Tensor.FromArray(new[] { 0f, 2f, 5f, 1f }, 4));
        Assert.Equal(1.5f, l.Item());
        l.Backward();
        Assert.Equal(new[] { 0.25f, 0f, -0.25f, 0.25f }, a.Grad!.ToArray());
        Assert.Equal(6f, Ops.L1Loss(a, Tensor.FromArray(new[] { 0f, 2f, 5f, 1f }, 4), Reduction.Sum).Item());
        Assert.Contains("L1Loss", Assert.Throws<ArgumentException>(() => Ops.L1Loss(a, Tensor.Zeros(3))).Message);
    }
}
