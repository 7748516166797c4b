using Kiln.Optim;

namespace Kiln.Runtime.Tests.Optim;

/// <summary>StepLR and CosineAnnealingLR against the rates torch 1.13 reports from get_last_lr().</summary>
public class SchedulerTests
{
    static Tensor Param()
    {
        var p = Tensor.Zeros(1);
        p.RequiresGrad = true;
        return p;
    }

    static void AssertRates(double[] torchRates, Optimizer optimizer, LRScheduler scheduler)
    {
        Assert.Equal((float)torchRates[0], scheduler.GetLastLr());
        for (int i = 1; i < torchRates.Length; i++)
        {
            optimizer.Step();
            scheduler.Step();
            Assert.Equal(i, scheduler.LastEpoch);
            Assert.Equal((float)torchRates[i], scheduler.GetLastLr());
            Assert.Equal((float)torchRates[i], optimizer.LearningRate);
        }
    }

    [Fact]
    public void StepLRHalvesEveryThreeEpochs()
    {
        var sgd = new Sgd(new[] { Param() }, lr: 0.1f);
        AssertRates(new[] { 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025 }, sgd, new StepLR(sgd, stepSize: 3, gamma: 0.5f));
    }

    [Fact]
    public void CosineAnnealingFollowsTheCosineAndRisesPastTMax()
    {
        var adam = new Adam(new[] { Param() }, lr: 0.1f);
        AssertRates(new[] { 0.1, 0.08681980515339464, 0.05500000000000001, 0.023180194846605363, 0.01, 0.023180194846605363,
            0.05500000000000002, 0.08681980515339469, 0.10000000000000006, 0.0868198051533947, 0.05500000000000005 },
            adam, new CosineAnnealingLR(adam, tMax: 4, etaMin: 0.01f));
    }

    [Fact]
    public void TheScheduledRateDrivesTheUpdate()
    {
        var p = Param();
        var sgd = new Sgd(new[] { p }, lr: 1f);
        var scheduler = new StepLR(sgd, stepSize: 1, gamma: 0.5f);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            p.Grad = Tensor.Ones(1);
            sgd.Step();
            scheduler.Step();
        }
        Assert.Equal(-1.75f, p.Item());   // 1 + 0.5 + 0.25
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(sgd, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(sgd, 0));
    }
}
