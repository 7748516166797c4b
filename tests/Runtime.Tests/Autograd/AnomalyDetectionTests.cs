using Kiln.Compiled;
using static Kiln.Runtime.Tests.Support.TestTensors;

namespace Kiln.Runtime.Tests.AutogradBehaviour;

/// <summary>Autograd.DetectAnomaly: the first op or gradient rule that produces NaN or infinity throws, naming itself.</summary>
public class AnomalyDetectionTests
{
    [Fact]
    public void OffByDefaultNonFiniteValuesPassThrough()
    {
        Assert.False(Autograd.AnomalyDetectionEnabled);
        var x = Leaf(new[] { 1f, -1f }, 2);
        var y = Ops.Log(x); // log(-1) = NaN, silently, as in torch without detect_anomaly
        Assert.True(float.IsNaN(y[1]));
    }

    [Fact]
    public void ScopeTurnsTheModeOnForThisThreadAndNests()
    {
        using (Autograd.DetectAnomaly())
        {
            Assert.True(Autograd.AnomalyDetectionEnabled);
            using (Autograd.DetectAnomaly()) Assert.True(Autograd.AnomalyDetectionEnabled);
            Assert.True(Autograd.AnomalyDetectionEnabled);
            bool otherThread = true;
            var thread = new Thread(() => otherThread = Autograd.AnomalyDetectionEnabled);
            thread.Start();
            thread.Join();
            Assert.False(otherThread);
        }
        Assert.False(Autograd.AnomalyDetectionEnabled);
    }

    [Fact]
    public void ForwardNamesTheFirstOpThatProducedANonFiniteValue()
    {
        var x = Leaf(new[] { 1f, 2f, -3f, 4f, 5f, 6f }, 2, 3);
        using var _ = Autograd.DetectAnomaly();
        var error = Assert.Throws<AnomalyDetectedException>(() => Ops.Relu(Ops.Log(x)));
        Assert.Equal("Log", error.Operation);
        Assert.Equal("Anomaly detected: Log returned nan values in its output [2,3]: first at index 2 (NaN); every input was finite.", error.Message);
    }

    [Fact]
    public void ForwardNamesAnInputThatWasAlreadyNonFinite()
    {
        // A NaN in the data: the first op that sees it is reported, with the input that carried it.
        var data = Tensor.FromArray(new[] { 1f, float.NaN, 3f, 4f }, 2, 2);
        var weight = Leaf(new[] { 1f, 0f, 0f, 1f }, 2, 2);
        using var _ = Autograd.DetectAnomaly();
        var error = Assert.Throws<AnomalyDetectedException>(() => Ops.MatMul(data, weight));
        Assert.Equal("MatMul", error.Operation);
        Assert.Contains("input 0 [2,2] already held NaN at index 1", error.Message);
    }

    [Fact]
    public void ForwardChecksOpsThatDoNotRecordAndInfinity()
    {
        var x = Tensor.FromArray(new[] { 1f, 0f }, 2); // no grad, and under NoGrad too
        using var _ = Autograd.DetectAnomaly();
        using var noGrad = Autograd.NoGrad();
        var error = Assert.Throws<AnomalyDetectedException>(() => Ops.Div(1f, x));
        Assert.Equal("Anomaly detected: Div returned inf values in its output [2]: first at index 1 (∞); every input was finite.",
            error.Message.Replace("Infinity", "∞"));
    }

    [Fact]
    public void FiniteComputationsRunUnchangedInsideTheScope()
    {
        var x = Leaf(new[] { 1f, 2f, 3f }, 3);
        using (Autograd.DetectAnomaly()) Ops.Sum(Ops.Mul(Ops.Exp(x), x)).Backward();
        var expected = new[] { 1f, 2f, 3f }.Select(v => MathF.Exp(v) * (1 + v)).ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], x.Grad![i], 4);
    }

    [Fact]
    public void BackwardNamesTheGradientRuleAndItsOutput()
    {
        // sqrt(0) is finite, its gradient 1/(2·sqrt(0)) is not: the forward passes, the backward names SqrtBackward.
        var x = Leaf(new[] { 4f, 0f, 1f }, 3);
        using var _ = Autograd.DetectAnomaly();
        var y = Ops.Sum(Ops.Sqrt(x));
        var error = Assert.Throws<AnomalyDetectedException>(() => y.Backward());
        Assert.Equal("SqrtBackward", error.Operation);
        Assert.StartsWith("Function 'SqrtBackward' returned inf values in its 0th output", error.Message);
        Assert.Contains("first at index 1", error.Message);
        Assert.Null(x.Grad);
    }

    [Fact]
    public void BackwardNamesTheInputIndexOfABinaryRule()
    {
        // d(a·b)/db = a·g: an infinite upstream gradient times a = 0 is NaN in Mul's 1st output (and inf in the 0th).
        var a = Leaf(new[] { 0f, 1f }, 2);
        var b = Leaf(new[] { 2f, 3f }, 2);
        var product = Ops.Mul(b, a);
        using var _ = Autograd.DetectAnomaly();
        var error = Assert.Throws<AnomalyDetectedException>(() => product.Backward(Tensor.FromArray(new[] { 1f, float.PositiveInfinity }, 2)));
        Assert.StartsWith("Function 'MulBackward' returned inf values in its 0th output", error.Message);
    }

    [Fact]
    public void NaNInputStopsTheFirstTrainingStepBeforeTheWeightsChange()
    {
        var model = new Kiln.Nn.Linear(3, 2, rng: new Rng(3));
        var before = model.Weight.ToArray();
        var optimizer = new Kiln.Optim.Sgd(model.Parameters(), 0.1f);
        var x = Tensor.FromArray(new[] { 1f, float.NaN, 0f }, 1, 3);
        using (Autograd.DetectAnomaly())
        {
            var error = Assert.Throws<AnomalyDetectedException>(() => Ops.Sum(model.Forward(x)).Backward());
            Assert.Equal("Linear", error.Operation);
            Assert.Contains("input 0 [1,3] already held NaN at index 1", error.Message);
        }
        Assert.Equal(before, model.Weight.ToArray());
        Assert.Null(model.Weight.Grad);
    }

    [Fact]
    public void CheckFiniteNamesTheKernelIndexAndValue()
    {
        CompiledGraph.CheckFinite(new[] { 0f, -1f, float.MaxValue, float.Epsilon }, "kernel 0: never");
        CompiledGraph.CheckFinite(ReadOnlySpan<float>.Empty, "kernel 0: empty");
        var values = new float[37];
        values[33] = float.NegativeInfinity; // past the vector body: the scalar tail is checked too
        var error = Assert.Throws<AnomalyDetectedException>(() => CompiledGraph.CheckFinite(values, "kernel 3: relu [4,8]"));
        Assert.Equal("kernel 3: relu [4,8]", error.Operation);
        Assert.StartsWith("Anomaly detected: kernel 3: relu [4,8] returned inf values in its output of 37 elements: first at index 33", error.Message);
        for (int i = 0; i < values.Length; i++)
        {
            Array.Clear(values);
            values[i] = float.NaN;
            Assert.Contains($"first at index {i} (NaN)", Assert.Throws<AnomalyDetectedException>(() => CompiledGraph.CheckFinite(values, "k")).Message);
        }
    }
}
