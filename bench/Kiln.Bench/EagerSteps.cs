using Kiln.Nn;
using Kiln.Optim;
using Kiln.Samples.TwoLayer;
using static Kiln.Ops;

namespace Kiln.Bench;

/// <summary>
/// The dynamic runtime's training steps, written as the samples write them. A step is what PyTorch's reference
/// times: forward, loss (read with Item), zero_grad, backward and the update; batch gathering is excluded.
/// </summary>
public static class EagerSteps
{
    public static IEnumerable<StepBenchmark> All()
    {
        yield return new("linreg (batch 10)", "eager", LinearRegressionStep);
        yield return new("two-layer tensor manual", "eager", TwoLayerManualStep);
        yield return new("two-layer autograd", "eager", () => TwoLayerAutogradStep(h => h.Clamp(min: 0f)));
        yield return new("two-layer MyReLU", "eager", () =>
        {
            var relu = new MyReLU();
            return TwoLayerAutogradStep(h => relu.Apply(h));
        });
        yield return new("two-layer nn manual", "eager", TwoLayerNnManualStep);
        yield return new("two-layer nn + Adam", "eager", () =>
        {
            var model = SequentialModel(new Rng(0));
            return OptimizerStep(model.Forward, new Adam(model.Parameters(), lr: 1e-4f));
        });
        yield return new("two-layer custom module", "eager", () =>
        {
            var model = new TwoLayerNet(1000, 100, 10, new Rng(0));
            return OptimizerStep(model.Forward, new Sgd(model.Parameters(), lr: 1e-4f));
        });
        yield return new("two-layer dynamic net", "eager", () =>
        {
            var model = new DynamicNet(1000, 100, 10, new Rng(0), new Rng(1));
            return OptimizerStep(model.Forward, new Sgd(model.Parameters(), lr: 1e-4f, momentum: 0.9f));
        });
    }

    /// <summary>d2l's step: Linear(2,1) on a batch of 10, MSE, SGD(0.03), cycling through the 100 batches of an epoch.</summary>
    static Action LinearRegressionStep()
    {
        var rng = new Rng(0);
        var (features, labels) = Samples.LinearRegression.LinearRegressionTraining.SyntheticData(new[] { 2f, -3.4f }, 4.2f, 1000, rng);
        var batches = Enumerable.Range(0, 100).Select(b => (X: Narrow(features, 0, b * 10, 10), Y: Narrow(labels, 0, b * 10, 10))).ToArray();
        var net = new Linear(2, 1, rng: rng);
        var optimizer = new Sgd(net.Parameters(), lr: 0.03f);
        int next = 0;
        return () =>
        {
            var (x, y) = batches[next];
            next = (next + 1) % batches.Length;
            var loss = MseLoss(net.Forward(x), y);
            _ = loss.Item();
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
        };
    }

    static (Tensor X, Tensor Y) TwoLayerData(Rng rng) => (Tensor.Randn(new[] { 64, 1000 }, rng), Tensor.Randn(new[] { 64, 10 }, rng));

    static Action TwoLayerManualStep()
    {
        var rng = new Rng(0);
        var (x, y) = TwoLayerData(rng);
        var w1 = Tensor.Randn(new[] { 1000, 100 }, rng);
        var w2 = Tensor.Randn(new[] { 100, 10 }, rng);
        const float learningRate = 1e-6f;
        return () =>
        {
            var h = x.MatMul(w1);
            var hRelu = h.Clamp(min: 0f);
            var yPred = hRelu.MatMul(w2);
            _ = (yPred - y).Square().Sum().Item();
            var gradYPred = (yPred - y) * 2f;
            var gradW2 = hRelu.T().MatMul(gradYPred);
            var gradHRelu = gradYPred.MatMul(w2.T());
            var gradH = gradHRelu * GreaterThan(h, 0f);
            var gradW1 = x.T().MatMul(gradH);
            w1.SubInPlace(gradW1 * learningRate);
            w2.SubInPlace(gradW2 * learningRate);
        };
    }

    static Action TwoLayerAutogradStep(Func<Tensor, Tensor> activation)
    {
        var rng = new Rng(0);
        var (x, y) = TwoLayerData(rng);
        var w1 = Tensor.Randn(new[] { 1000, 100 }, rng);
        var w2 = Tensor.Randn(new[] { 100, 10 }, rng);
        w1.RequiresGrad = true;
        w2.RequiresGrad = true;
        const float learningRate = 1e-6f;
        return () =>
        {
            var yPred = activation(x.MatMul(w1)).MatMul(w2);
            var loss = (yPred - y).Square().Sum();
            _ = loss.Item();
            loss.Backward();
            using (Autograd.NoGrad())
            {
                w1.SubInPlace(w1.Grad! * learningRate);
                w2.SubInPlace(w2.Grad! * learningRate);
                w1.Grad = null;
                w2.Grad = null;
            }
        };
    }

    static Sequential SequentialModel(Rng rng) => new(new Linear(1000, 100, rng: rng), new ReLU(), new Linear(100, 10, rng: rng));

    static Action TwoLayerNnManualStep()
    {
        var rng = new Rng(0);
        var model = SequentialModel(rng);
        var parameters = model.Parameters().ToArray();
        var (x, y) = TwoLayerData(rng);
        return () =>
        {
            var loss = MseLoss(model.Forward(x), y, Reduction.Sum);
            _ = loss.Item();
            model.ZeroGrad();
            loss.Backward();
            using (Autograd.NoGrad())
                foreach (var parameter in parameters)
                    parameter.SubInPlace(parameter.Grad! * 1e-4f);
        };
    }

    static Action OptimizerStep(Func<Tensor, Tensor> forward, Optimizer optimizer)
    {
        var (x, y) = TwoLayerData(new Rng(2));
        return () =>
        {
            var loss = MseLoss(forward(x), y, Reduction.Sum);
            _ = loss.Item();
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
        };
    }
}
