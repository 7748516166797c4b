using Kiln.Samples.TreeLstm;
using Xunit.Abstractions;

namespace Kiln.Runtime.Tests.Samples;

/// <summary>
/// The TreeLstm sample, short: the trees follow the rule; the three encoders (shift-reduce on the tape, shift-reduce
/// with the compiled cell as tape nodes, depth-batched with the compiled cell) give the same root states and the same
/// gradients on random trees, one-leaf trees and a batch of one; and a few Adam steps lower the loss in every mode.
/// </summary>
public class TreeLstmSampleTests(ITestOutputHelper output)
{
    static readonly EncoderMode[] Modes = Enum.GetValues<EncoderMode>();

    [Fact]
    public void Trees_FollowTheRule()
    {
        var trees = Tree.Make(500, new Rng(3));
        foreach (var t in trees)
        {
            Assert.InRange(t.LeafCount, 2, 10);
            Assert.Equal(2 * t.LeafCount - 1, t.Count);
            Assert.Equal(t.LeafCount - 1, t.IsReduce.Count(r => r));
            int Value(int n) => t.IsLeaf(n) ? t.Token[n] : ((Value(t.Left[n]) - Value(t.Right[n])) % 5 + 5) % 5;
            Assert.Equal(Value(t.Root), t.Label);
        }
        for (int k = 0; k < Tree.Digits; k++) Assert.InRange(trees.Count(t => t.Label == k), 60, 140);
        var one = Tree.Random(new Rng(4), 1, 1);
        Assert.Equal(1, one.Count);
        Assert.Equal(one.Token[0], one.Label);
    }

    public static IEnumerable<object[]> Batches() => new[]
    {
        new object[] { "random trees", 2, 10, 12 },
        new object[] { "one-leaf trees among others", 1, 4, 9 },
        new object[] { "a batch of one", 2, 10, 1 },
        new object[] { "a batch of one one-leaf tree", 1, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Batches))]
    public void ThreeModes_GiveTheSameRootStatesAndGradients(string what, int minLeaves, int maxLeaves, int count)
    {
        var trees = Tree.Make(count, new Rng(7), minLeaves, maxLeaves);
        var roots = new List<(Tensor H, Tensor C)>();
        var gradients = new List<Dictionary<string, float[]>>();
        var calls = new List<int>();
        foreach (var mode in Modes)
        {
            var model = new TreeClassifier(new Rng(1));
            var (h, c) = model.Encode(trees, mode);
            calls.Add(model.CellCalls);
            roots.Add((h, c));
            var loss = Ops.CrossEntropy(model.Logits(trees, mode), IntTensor.FromArray(trees.Select(t => t.Label).ToArray(), trees.Length))
                + Ops.Mean(c * c);
            loss.Backward();
            gradients.Add(model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Grad?.ToArray() ?? new float[p.Parameter.Count]));
        }
        output.WriteLine($"{what}: cell calls {string.Join(" / ", Modes.Zip(calls, (m, n) => $"{m} {n}"))}");
        Assert.Equal(calls[0], calls[1]);
        Assert.True(calls[2] <= calls[0], "depth batching never needs more calls");
        for (int m = 1; m < Modes.Length; m++)
        {
            Close(roots[0].H.ToArray(), roots[m].H.ToArray(), $"{what}: {Modes[m]} root h");
            Close(roots[0].C.ToArray(), roots[m].C.ToArray(), $"{what}: {Modes[m]} root c");
            foreach (var (name, g) in gradients[0]) Close(g, gradients[m][name], $"{what}: {Modes[m]} gradient of {name}");
        }
        if (trees.All(t => t.Count == 1)) Assert.All(calls, n => Assert.Equal(0, n));
    }

    static void Close(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = Math.Max(1e-3f, expected.Select(Math.Abs).DefaultIfEmpty(0).Max());
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-5f * scale, $"{what}: element {i}: {expected[i]:R} vs {actual[i]:R}");
    }

    [Fact]
    public void AFewSteps_LowerTheLoss_InEveryMode()
    {
        var train = Tree.Make(640, new Rng(1));
        var test = Tree.Make(128, new Rng(2));
        var runs = Modes.Select(mode => Training.Train(train, test, mode, epochs: 2)).ToList();
        foreach (var run in runs)
        {
            output.WriteLine($"{run.Mode}: epoch losses {string.Join(" ", run.Epochs.Select(e => e.TrainLoss.ToString("F4")))}, " +
                $"accuracy {run.TestAccuracy:F3}, {run.MedianStepMilliseconds:F2} ms/step, {run.CellCallsPerBatch:F1} cell calls/batch");
            Assert.Equal(20, run.StepLosses.Count);
            Assert.True(run.StepLosses.Skip(15).Average() < run.StepLosses.Take(5).Average(), $"{run.Mode}: the loss falls");
        }
        for (int t = 0; t < runs[0].StepLosses.Count; t++)
            for (int m = 1; m < runs.Count; m++)
                Assert.True(Math.Abs(runs[0].StepLosses[t] - runs[m].StepLosses[t]) <= 1e-4f * Math.Abs(runs[0].StepLosses[t]),
                    $"step {t}: {runs[0].Mode} {runs[0].StepLosses[t]:R}, {runs[m].Mode} {runs[m].StepLosses[t]:R}");
        Assert.True(runs[2].CellCallsPerBatch < runs[0].CellCallsPerBatch);
    }
}
