using Kiln.Samples.LinearRegression;

Console.WriteLine("Linear regression (d2l): 1000 points, w = [2, -3.4], b = 4.2, Linear(2,1), MSE, SGD lr 0.03, batch 10, 3 epochs");
var results = new List<(string Mode, LinearRegressionResult Result)>();
foreach (var (mode, compiled) in new[] { ("dynamic (tape)", false), ("static (LossGraph)", true) })
{
    Console.WriteLine();
    Console.WriteLine($"== {mode}");
    var result = LinearRegressionTraining.Train(epochs: 3, compiled: compiled,
        onEpoch: (epoch, loss) => Console.WriteLine($"epoch {epoch}, loss {loss:F6} ({loss:0.0000e+00})"));
    var w = result.Weight;
    Console.WriteLine($"learned w = [{w[0]:F6}, {w[1]:F6}], b = {result.Bias:F6}");
    Console.WriteLine($"error in estimating w: [{LinearRegressionTraining.TrueWeight[0] - w[0]:0.00e+00}, {LinearRegressionTraining.TrueWeight[1] - w[1]:0.00e+00}]");
    Console.WriteLine($"error in estimating b: {LinearRegressionTraining.TrueBias - result.Bias:0.00e+00}");
    results.Add((mode, result));
}

Console.WriteLine();
Console.WriteLine("PyTorch (shared/reference/RESULTS.md): epoch 3 loss 9.2878e-05, w error [-1.35e-04, -5.60e-04], b error 7.45e-04");
foreach (var (mode, result) in results)
    Console.WriteLine($"  {mode,-19} epoch 3 loss {result.EpochLosses[^1]:0.000000e+00}   w = [{result.Weight[0]:F6}, {result.Weight[1]:F6}]   " +
        $"b = {result.Bias:F6}   median step {result.MedianStep.TotalMicroseconds:F1} µs");
