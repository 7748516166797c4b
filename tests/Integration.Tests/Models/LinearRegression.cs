using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>Least squares on 13 features (the Boston-housing shape): one Linear and an MSE loss.</summary>
public partial class LinearRegression : Module
{
    readonly Linear linear = new(13, 1);

    [Compile]
    public Tensor Loss([Shape("N", 13)] Tensor x, [Shape("N", 1)] Tensor y) => MseLoss(linear.Forward(x), y);
}
