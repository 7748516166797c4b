using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>A classifier whose graph also returns its predictions, so accuracy needs no second forward pass.</summary>
public partial class LossAndPredictionNet : Module
{
    readonly Linear fc1 = new(6, 8);
    readonly Linear fc2 = new(8, 4);

    [Compile]
    public (Tensor Loss, IntTensor Predicted) Step([Shape("N", 6)] Tensor x, [Shape("N")] IntTensor y)
    {
        var logits = fc2.Forward(Relu(fc1.Forward(x)));
        return (CrossEntropy(logits, y), ArgMax(logits, 1));
    }

    /// <summary>Max's values and indices both leave the graph: the best score per row and its class.</summary>
    [Compile]
    public (Tensor Loss, IntTensor Predicted, Tensor Best) Scores([Shape("N", 6)] Tensor x, [Shape("N")] IntTensor y)
    {
        var logits = fc2.Forward(Relu(fc1.Forward(x)));
        var (best, predicted) = Max(logits, 1);
        return (CrossEntropy(logits, y), predicted, best);
    }
}
