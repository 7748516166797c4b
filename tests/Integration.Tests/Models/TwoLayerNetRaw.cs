using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>The same net with raw Parameters, MatMul and Clamp, as in the tutorial's "tensors and autograd" step.</summary>
public partial class TwoLayerNetRaw : Module
{
    readonly Parameter w1 = Parameter.Randn(1000, 100);
    readonly Parameter w2 = Parameter.Randn(100, 10);

    [Compile]
    public Tensor Loss([Shape("N", 1000)] Tensor x, [Shape("N", 10)] Tensor y)
    {
        var hidden = x.MatMul(w1).Clamp(min: 0);
        var prediction = hidden.MatMul(w2);
        return (prediction - y).Pow(2).Sum();
    }
}
