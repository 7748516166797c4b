using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>A log that turns a negative input into NaN: what anomaly mode must point at in both modes.</summary>
public partial class AnomalyNet : Module
{
    readonly Parameter w = Parameter.Randn(3);

    [Compile]
    public Tensor Loss([Shape("N", 3)] Tensor x) => (Log(Relu(x) + 1f) + Log(x) * 0f + w).Sum();
}
