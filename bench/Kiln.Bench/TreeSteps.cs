using System.Diagnostics;
using Kiln.Optim;
using Kiln.Samples.TreeLstm;

namespace Kiln.Bench;

/// <summary>
/// samples/TreeLstm's training step in its three encoder modes, side by side: the sample's model (Embedding(5, 16) →
/// Linear(16, 64) leaves, the SPINN reduce cell of size 32, root h → Linear(32, 5)) with Adam(0.003), batches of 64
/// random digit trees of 2–10 leaves. The three models start from the same weights and cycle through the same 16 batches
/// (1024 trees); a step is forward, loss Item, zero-grad, backward, update. The modes are timed in alternating slices.
/// PyTorch's figure is bench/pytorch_reference.py's "tree-lstm spinn (batch 64)": the same sizes, SPINN's shift-reduce
/// loop with each transition step's REDUCEs batched into one cell call (what the Hybrid and Dynamic modes do).
/// </summary>
public static class TreeSteps
{
    public const string PyTorchWorkload = "tree-lstm spinn (batch 64)";
    const int Batches = 16;

    public static void Run(TimeSpan warmup, TimeSpan budget)
    {
        var trees = Tree.Make(Batches * Training.BatchSize, new Rng(1));
        var batches = Enumerable.Range(0, Batches).Select(b => trees.Skip(b * Training.BatchSize).Take(Training.BatchSize).ToArray()).ToArray();
        var modes = Enum.GetValues<EncoderMode>();
        var steps = new Action[modes.Length];
        var cellCalls = new double[modes.Length];
        for (int m = 0; m < modes.Length; m++)
        {
            var mode = modes[m];
            var model = new TreeClassifier(new Rng(1));
            var adam = new Adam(model.Parameters(), lr: Training.LearningRate);
            long calls = 0;
            foreach (var batch in batches)
            {
                using (Autograd.NoGrad()) model.Encode(batch, mode);
                calls += model.CellCalls;
            }
            cellCalls[m] = (double)calls / Batches;
            int next = 0;
            steps[m] = () =>
            {
                var loss = model.Loss(batches[next], mode);
                next = (next + 1) % Batches;
                loss.Item();
                adam.ZeroGrad();
                loss.Backward();
                adam.Step();
            };
        }

        foreach (var step in steps) Measurement.WarmUp(step, warmup);
        const int rounds = 4;
        var samples = modes.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < rounds; r++)
            for (int m = 0; m < modes.Length; m++)
                samples[m].AddRange(Measurement.Sample(steps[m], budget / (rounds * modes.Length), minRuns: 2 * Batches / rounds));
        var timings = samples.Select(Timing.From).ToArray();

        double? torch = PyTorchReference.StepSeconds(PyTorchWorkload);
        Console.WriteLine($"TreeLSTM training step (samples/TreeLstm: batch {Training.BatchSize} random trees of 2-10 leaves, Embedding(5,16) -> Linear(16,64) leaves,");
        Console.WriteLine($"  reduce cell {ReduceCell.Size}, root -> Linear(32,5), Adam {Training.LearningRate}; {Batches} batches cycled; median after warm-up, modes interleaved;");
        Console.WriteLine($"  Kiln.Threads.Max {Kiln.Threads.Max}; PyTorch: \"{PyTorchWorkload}\", median, 1 thread, from {PyTorchReference.Source})");
        Console.WriteLine($"  {"mode",-14} {"median µs",10} {"min µs",10} {"cell calls/batch",16} {"vs Dynamic",10} {"PyTorch/this",12} {"runs",6}");
        for (int m = 0; m < modes.Length; m++)
        {
            var t = timings[m];
            string ratio = torch is double s ? $"{s / t.Median:F2}x" : "-";
            Console.WriteLine($"  {modes[m],-14} {t.Median * 1e6,10:F0} {t.Min * 1e6,10:F0} {cellCalls[m],16:F1} " +
                $"{timings[0].Median / t.Median,9:F2}x {ratio,12} {t.Runs,6}");
        }
        Console.WriteLine($"  {"PyTorch",-14} {(torch is double p ? (p * 1e6).ToString("F0", System.Globalization.CultureInfo.InvariantCulture) : "-"),10} {"",10} {cellCalls[0],16:F1}");
        Console.WriteLine();
    }
}
