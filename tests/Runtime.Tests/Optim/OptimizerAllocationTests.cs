using Kiln.Nn;
using Kiln.Optim;

namespace Kiln.Runtime.Tests.Optim;

public class OptimizerAllocationTests
{
    [Fact]
    public void SteadyStateStepsAllocateNothing()
    {
        var p = new Parameter(Tensor.Ones(10));
        p.Grad = Tensor.Full(0.5f, 10);
        var optimizers = new Optimizer[]
        {
            new Sgd(new[] { p }, lr: 1e-4f),
            new Sgd(new[] { p }, lr: 1e-4f, momentum: 0.9f, dampening: 0.1f, weightDecay: 0.01f),
            new Adam(new[] { p }, lr: 1e-3f),
        };
        foreach (var optimizer in optimizers)
            Assert.Equal(0, Kiln.Tests.Shared.SteadyState.AllocatedBytes(optimizer.Step));
    }
}
