using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>Multinomial logistic regression against one-hot targets, the loss written out with LogSoftmax.</summary>
public partial class SoftmaxRegression : Module
{
    readonly Linear linear = new(784, 10);

    [Compile]
    public Tensor Loss([Shape("N", 784)] Tensor x, [Shape("N", 10)] Tensor target)
    {
        var logProbabilities = LogSoftmax(linear.Forward(x), 1);
        return -Mean(Sum(target * logProbabilities, 1));
    }
}
