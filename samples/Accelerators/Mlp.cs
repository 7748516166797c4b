using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Samples.Accelerators;

/// <summary>64 → 32 (ReLU) → 10 with cross-entropy on class labels; its Loss graph can be bound to any device.</summary>
public partial class Mlp : Module
{
    readonly Linear fc1;
    readonly Linear fc2;

    public Mlp(Rng rng)
    {
        fc1 = new Linear(64, 32, rng: rng);
        fc2 = new Linear(32, 10, rng: rng);
    }

    [Compile]
    public Tensor Loss([Shape("N", 64)] Tensor x, [Shape("N")] IntTensor y) => CrossEntropy(fc2.Forward(Relu(fc1.Forward(x))), y);
}
