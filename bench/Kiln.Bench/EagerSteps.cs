using static Kiln.Ops;

namespace Kiln.Bench;

/// <summary>The dynamic runtime's steps, written the way the samples (and the PyTorch tutorials) write them.</summary>
public static class EagerSteps
{
    public static IEnumerable<StepBenchmark> All()
    {
        yield return new("linreg (batch 10)", "eager", LinearRegressionStep);
        yield return new("two-layer tensor manual", "eager", TwoLayerManualStep);
        yield return new("two-layer autograd", "eager", TwoLayerAutogradStep);
    }

    /// <summary>d2l's step: Linear(2,1) on a batch of 10, MSE, backward, SGD(0.03); cycles through 1000 points.</summary>
    static Action LinearRegressionStep()
    {
        var rng = new Rng(0);
        var (features, labels) = SyntheticRegression(rng);
        var weight = Tensor.Randn(new[] { 1, 2 }, rng) * 0.01f;
        weight.RequiresGrad = true;
        var bias = Tensor.Zeros(1);
        bias.RequiresGrad = true;
        int batch = 0;
        return () =>
        {
            var x = Narrow(features, 0, batch * 10, 10);
            var y = Narrow(labels, 0, batch * 10, 10);
            batch = (batch + 1) % 100;
            weight.Grad = null;
            bias.Grad = null;
            var loss = MseLoss(Linear(x, weight, bias), y);
            loss.Backward();
            SgdUpdate(weight, 0.03f);
            SgdUpdate(bias, 0.03f);
        };
    }

    /// <summary>"Learning PyTorch with Examples", tensors with a hand-written backward (no tape).</summary>
    static Action TwoLayerManualStep()
    {
        var (x, y, w1, w2) = TwoLayerData(requiresGrad: false);
        const float learningRate = 1e-6f;
        return () =>
        {
            var h = x.MatMul(w1);
            var hRelu = Relu(h);
            var yPred = hRelu.MatMul(w2);
            var loss = (yPred - y).Square().Sum();
            _ = loss.Item();
            var gradYPred = (yPred - y) * 2f;
            var gradW2 = hRelu.T().MatMul(gradYPred);
            var gradHRelu = gradYPred.MatMul(w2.T());
            var gradH = gradHRelu * GreaterThan(h, 0f);
            var gradW1 = x.T().MatMul(gradH);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(gradW1.Data, -learningRate, w1.Data, w1.Data);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(gradW2.Data, -learningRate, w2.Data, w2.Data);
        };
    }

    /// <summary>The same net with the tape computing the gradients.</summary>
    static Action TwoLayerAutogradStep()
    {
        var (x, y, w1, w2) = TwoLayerData(requiresGrad: true);
        const float learningRate = 1e-6f;
        return () =>
        {
            var yPred = Relu(x.MatMul(w1)).MatMul(w2);
            var loss = (yPred - y).Square().Sum();
            _ = loss.Item();
            loss.Backward();
            SgdUpdate(w1, learningRate);
            SgdUpdate(w2, learningRate);
        };
    }

    static void SgdUpdate(Tensor parameter, float learningRate)
    {
        var grad = parameter.Grad ?? throw new InvalidOperationException("no gradient after Backward");
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(grad.Data, -learningRate, parameter.Data, parameter.Data);
        parameter.Grad = null;
    }

    internal static (Tensor Features, Tensor Labels) SyntheticRegression(Rng rng)
    {
        var trueW = Tensor.FromArray(new[] { 2f, -3.4f }, 2, 1);
        var features = Tensor.Randn(new[] { 1000, 2 }, rng);
        var labels = features.MatMul(trueW) + 4.2f + Tensor.Randn(new[] { 1000, 1 }, rng) * 0.01f;
        return (features, labels);
    }

    internal static (Tensor X, Tensor Y, Tensor W1, Tensor W2) TwoLayerData(bool requiresGrad)
    {
        var rng = new Rng(0);
        var x = Tensor.Randn(new[] { 64, 1000 }, rng);
        var y = Tensor.Randn(new[] { 64, 10 }, rng);
        var w1 = Tensor.Randn(new[] { 1000, 100 }, rng);
        var w2 = Tensor.Randn(new[] { 100, 10 }, rng);
        w1.RequiresGrad = requiresGrad;
        w2.RequiresGrad = requiresGrad;
        return (x, y, w1, w2);
    }
}
