using ScottPlot;

namespace Kiln.Samples.RnnClassifier;

/// <summary>The per-epoch curves as SVG and PNG: mean training loss and evaluation accuracy, static dashed over dynamic.</summary>
public static class Plots
{
    const int Width = 900, Height = 520;

    /// <returns>The files written.</returns>
    public static IEnumerable<string> Write(IReadOnlyList<TrainingRun> runs, string folder)
    {
        var loss = new Plot();
        var accuracy = new Plot();
        foreach (var run in runs)
        {
            var epochs = run.Epochs.Select(e => (double)e.Epoch).ToArray();
            var lossLine = loss.Add.Scatter(epochs, run.Epochs.Select(e => e.TrainLoss).ToArray());
            var accuracyLine = accuracy.Add.Scatter(epochs, run.Epochs.Select(e => e.EvalAccuracy).ToArray());
            foreach (var line in new[] { lossLine, accuracyLine })
            {
                line.LegendText = run.Mode;
                line.LineWidth = run.Static ? 1.5f : 3f;
                if (run.Static) line.LinePattern = LinePattern.Dashed;
            }
        }
        loss.Title("RNN string classifier: mean training loss per epoch");
        loss.XLabel("epoch");
        loss.YLabel("cross-entropy");
        loss.ShowLegend(Alignment.UpperRight);
        accuracy.Title("RNN string classifier: evaluation accuracy after each epoch");
        accuracy.XLabel("epoch");
        accuracy.YLabel("accuracy");
        accuracy.ShowLegend(Alignment.LowerRight);

        var files = new List<string>();
        foreach (var (name, plot) in new[] { ("loss", loss), ("accuracy", accuracy) })
        {
            string svg = Path.Combine(folder, name + ".svg"), png = Path.Combine(folder, name + ".png");
            plot.SaveSvg(svg, Width, Height);
            plot.SavePng(png, Width, Height);
            files.Add(svg);
            files.Add(png);
        }
        return files;
    }
}
