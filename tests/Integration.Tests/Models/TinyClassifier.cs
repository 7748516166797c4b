using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>A small classifier for the Compare tests: 6 features → 8 hidden (ReLU) → 3 classes, cross-entropy.</summary>
public partial class TinyClassifier : Module
{
    readonly Linear fc1;
    readonly Linear fc2;

    public TinyClassifier(Rng rng)
    {
        fc1 = new Linear(6, 8, rng: rng);
        fc2 = new Linear(8, 3, rng: rng);
    }

    [Compile]
    public Tensor Loss([Shape("N", 6)] Tensor x, [Shape("N")] IntTensor y) => CrossEntropy(fc2.Forward(Relu(fc1.Forward(x))), y);
}
