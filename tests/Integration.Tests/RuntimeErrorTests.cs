using Kiln.Integration.Tests.Models;

namespace Kiln.Integration.Tests;

/// <summary>Bad values inside a compiled graph get the same clear answers as on the tape.</summary>
public sealed class RuntimeErrorTests
{
    [Fact]
    public void AnomalyMode_NamesTheKernelThatFirstProducedANaN_InBothModes()
    {
        var model = new AnomalyNet();
        var x = Tensor.FromArray(new[] { 1f, -2f, 3f, 0.5f, 0.25f, 2f }, 2, 3);

        // Off: NaN flows silently, as in PyTorch.
        Assert.True(float.IsNaN(model.LossGraph.Forward(x).Item()));
        Assert.True(float.IsNaN(model.Loss(x).Item()));

        using (Autograd.DetectAnomaly())
        {
            var dynamicError = Assert.Throws<AnomalyDetectedException>(() => model.Loss(x));
            Assert.Contains("Log", dynamicError.Message);
            var staticError = Assert.Throws<AnomalyDetectedException>(() => model.LossGraph.Forward(x));
            Assert.Contains("Kernel", staticError.Message);
            Assert.Contains("log", staticError.Message);
            Assert.Throws<AnomalyDetectedException>(() => model.LossGraph.ForwardBackward(x));
        }

        // Finite inputs pass under the mode.
        using (Autograd.DetectAnomaly())
            Assert.False(float.IsNaN(model.LossGraph.ForwardBackward(Tensor.FromArray(new[] { 1f, 2f, 3f, 0.5f, 0.25f, 2f }, 2, 3)).Item()));
    }

    [Fact]
    public void AnEmbeddingIndexOutOfRange_InACompiledGraph_NamesTheOpTheIndexAndTheTable()
    {
        var model = new LstmTagger();
        var tokens = IntTensor.FromArray(Enumerable.Range(0, 2 * 4).Select(i => i == 3 ? 1000 : i % 5).ToArray(), 2, 4);
        var labels = IntTensor.FromArray(new[] { 0, 1 }, 2);
        var dynamicError = Assert.Throws<ArgumentOutOfRangeException>(() => model.Loss(tokens, labels));
        var staticError = Assert.Throws<ArgumentOutOfRangeException>(() => model.LossGraph.Forward(tokens, labels));
        foreach (var message in new[] { dynamicError.Message, staticError.Message })
        {
            Assert.Contains("Embedding: index 1000 at position 3", message);
            Assert.Contains("outside the table", message);
        }
    }
}
