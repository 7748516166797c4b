using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Samples.LinearRegression;

/// <summary>
/// d2l's model, Linear(2, 1) with the mean squared error, with its loss marked <c>[Compile]</c>: called directly,
/// <see cref="Loss"/> runs eagerly on the tape; <c>LossGraph</c> is the static graph the generator built from it.
/// </summary>
public partial class LinearRegressionModel : Module
{
    readonly Linear linear;

    public LinearRegressionModel(Rng rng)
    {
        linear = new Linear(2, 1, rng: rng);
    }

    public Linear Layer => linear;

    [Compile]
    public Tensor Loss([Shape("N", 2)] Tensor x, [Shape("N", 1)] Tensor y) => MseLoss(linear.Forward(x), y);
}
