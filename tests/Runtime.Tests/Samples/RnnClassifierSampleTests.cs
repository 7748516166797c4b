using System.Diagnostics;
using Kiln.Samples.RnnClassifier;
using Xunit.Abstractions;

namespace Kiln.Runtime.Tests.Samples;

/// <summary>
/// The RnnClassifier sample, short: 1 280 strings (20 steps of 64 per epoch), 3 epochs in each mode. Static ≡
/// dynamic (every step's loss within 1e-4 relative, the same evaluation accuracy through LogitsGraph), the loss
/// falls, the data is balanced and follows the rule, and a saved checkpoint loads into a new model that predicts the same.
/// </summary>
public class RnnClassifierSampleTests(ITestOutputHelper output)
{
    [Fact]
    public void Strings_AreBalancedAndLabelledByTheRule()
    {
        var (_, texts, labels) = Strings.Make(3000, new Rng(1));
        Assert.All(texts, t => Assert.InRange(t.Length, Strings.MinLength, Strings.MaxLength));
        Assert.Equal(labels, texts.Select(Strings.Label));
        for (int k = 0; k < 3; k++) Assert.InRange(labels.Count(l => l == k), 900, 1100);
        Assert.Equal(new[] { 1, 2, 3, 27, 52, 0 }, Strings.Encode("abcAZ"));
    }

    [Fact]
    public void ThreeShortEpochs_StaticMatchesDynamic_LossFalls_CheckpointRoundTrips()
    {
        var clock = Stopwatch.StartNew();
        var (train, _, _) = Strings.Make(1280, new Rng(1));
        var (eval, _, _) = Strings.Make(300, new Rng(2));
        var dynamicRun = StringTraining.Train(train, eval, epochs: 3, useStatic: false);
        var staticRun = StringTraining.Train(train, eval, epochs: 3, useStatic: true);
        output.WriteLine($"dynamic: {string.Join(" ", dynamicRun.Epochs.Select(e => $"{e.TrainLoss:F4}/{e.EvalAccuracy:F3}"))}; " +
            $"static: {string.Join(" ", staticRun.Epochs.Select(e => $"{e.TrainLoss:F4}/{e.EvalAccuracy:F3}"))}; {clock.Elapsed.TotalSeconds:F1} s");

        Assert.Equal(60, dynamicRun.StepLosses.Count);
        for (int t = 0; t < dynamicRun.StepLosses.Count; t++)
            Assert.True(Math.Abs(dynamicRun.StepLosses[t] - staticRun.StepLosses[t]) <= 1e-4 * Math.Abs(dynamicRun.StepLosses[t]),
                $"step {t}: tape {dynamicRun.StepLosses[t]:R}, graph {staticRun.StepLosses[t]:R}");
        Assert.Equal(dynamicRun.EvalAccuracy, staticRun.EvalAccuracy, 3);
        Assert.True(dynamicRun.Epochs[^1].TrainLoss < 0.9 * dynamicRun.Epochs[0].TrainLoss, "the loss falls");
        Assert.True(dynamicRun.StepLosses[^1] < dynamicRun.StepLosses[0], "the last step's loss is below the first's (ln 3 ≈ 1.1)");

        string path = Path.Combine(Path.GetTempPath(), $"kiln-rnn-classifier-{Guid.NewGuid():N}.kiln");
        try
        {
            staticRun.Trained.Save(path);
            var loaded = new StringClassifier(new Rng(99));
            loaded.Load(path);
            string[] texts = { "xyzabc", "QbRsT", "ccDEFG", "bbbbba" };
            Assert.Equal(StringTraining.Predict(staticRun.Trained, texts), StringTraining.Predict(loaded, texts));
            Assert.Equal(StringTraining.Evaluate(staticRun.Trained, eval, useStatic: false), StringTraining.Evaluate(loaded, eval, useStatic: false));
        }
        finally { File.Delete(path); }
    }
}
