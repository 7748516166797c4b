using ScottPlot;

namespace Kiln.Samples.FashionMnist;

/// <summary>The training curves as SVG and PNG: the loss per step (smoothed over an epoch's tenth) and the test accuracy per epoch.</summary>
public static class Plots
{
    const int Width = 900, Height = 520;

    /// <returns>The files written.</returns>
    public static IEnumerable<string> Write(IReadOnlyList<TrainingRun> runs, string folder)
    {
        var loss = new Plot();
        foreach (var run in runs)
        {
            var smoothed = Smooth(run.StepLosses, Math.Max(1, run.StepLosses.Count / run.Epochs.Count / 10));
            var line = loss.Add.Signal(smoothed);
            line.LegendText = $"{run.Model} ({run.Mode})";
            line.LineWidth = run.Static ? 1.5f : 3f;
            if (run.Static) line.LinePattern = LinePattern.Dashed;
        }
        loss.Title("Fashion-MNIST: training loss (static dashed over dynamic)");
        loss.XLabel("step");
        loss.YLabel("cross-entropy");
        loss.ShowLegend(Alignment.UpperRight);

        var accuracy = new Plot();
        foreach (var run in runs)
        {
            var points = accuracy.Add.Scatter(run.Epochs.Select(e => (double)e.Epoch).ToArray(), run.Epochs.Select(e => e.TestAccuracy).ToArray());
            points.LegendText = $"{run.Model} ({run.Mode})";
            points.LineWidth = run.Static ? 1.5f : 3f;
            if (run.Static) points.LinePattern = LinePattern.Dashed;
        }
        accuracy.Title("Fashion-MNIST: test accuracy after each epoch");
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

    /// <summary>Trailing mean over <paramref name="window"/> steps.</summary>
    static double[] Smooth(IReadOnlyList<float> values, int window)
    {
        var result = new double[values.Count];
        double sum = 0;
        for (int i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }
}
