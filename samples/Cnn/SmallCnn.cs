using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Samples.Cnn;

/// <summary>
/// Conv2d(1, 8, 3, padding 1) → ReLU → MaxPool2d(2) → Conv2d(8, 16, 3, padding 1) → ReLU → MaxPool2d(2) → Flatten →
/// Linear(16·7·7 = 784, 10). Called directly, <see cref="Loss"/> and <see cref="Logits"/> run on the tape; the
/// generator builds <c>LossGraph</c> and <c>LogitsGraph</c> from them.
/// </summary>
public partial class SmallCnn : Module
{
    readonly Sequential net;

    public SmallCnn(Rng rng) => net = new Sequential(
        new Conv2d(1, 8, 3, padding: 1, rng: rng), new ReLU(), new MaxPool2d(2),
        new Conv2d(8, 16, 3, padding: 1, rng: rng), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(16 * 7 * 7, 10, rng: rng));

    [Compile]
    public Tensor Loss([Shape("N", 1, 28, 28)] Tensor images, [Shape("N")] IntTensor labels) => CrossEntropy(net.Forward(images), labels);

    // Logits are [N, 10], not a scalar loss: the generator says so (KILN0103) and builds Forward only.
#pragma warning disable KILN0103
    [Compile]
    public Tensor Logits([Shape("N", 1, 28, 28)] Tensor images) => net.Forward(images);
#pragma warning restore KILN0103
}
