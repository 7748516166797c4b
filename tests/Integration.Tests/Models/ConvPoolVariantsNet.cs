using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>
/// Convolution → (ReLU) → max-pool chains the static graph fuses into one conv2d_relu_max_pool2d and chains it must
/// leave alone, side by side on 8×8 images: fused without a bias, fused with an odd-sized convolution output (7×7,
/// whose last row and column no window covers), not fused without the ReLU, not fused with a 3×3 window at stride 1.
/// </summary>
public partial class ConvPoolVariantsNet : Module
{
    readonly Conv2d noBias = new(1, 4, 3, padding: 1, bias: false);
    readonly Conv2d oddOutput = new(1, 2, 2);
    readonly Conv2d withoutRelu = new(1, 3, 3, padding: 1);
    readonly Conv2d overlapping = new(1, 2, 3);
    readonly Linear fromNoBias = new(4 * 4 * 4, 5);
    readonly Linear fromOddOutput = new(2 * 3 * 3, 5);
    readonly Linear fromWithoutRelu = new(3 * 4 * 4, 5);
    readonly Linear fromOverlapping = new(2 * 4 * 4, 5);

    [Compile]
    public Tensor Loss([Shape("N", 1, 8, 8)] Tensor images, [Shape("N")] IntTensor labels)
    {
        var a = MaxPool2d(Relu(noBias.Forward(images)), 2);
        var b = MaxPool2d(Relu(oddOutput.Forward(images)), 2);
        var c = MaxPool2d(withoutRelu.Forward(images), 2);
        var d = MaxPool2d(Relu(overlapping.Forward(images)), 3, stride: 1);
        var logits = fromNoBias.Forward(Flatten(a, 1)) + fromOddOutput.Forward(Flatten(b, 1))
            + fromWithoutRelu.Forward(Flatten(c, 1)) + fromOverlapping.Forward(Flatten(d, 1));
        return CrossEntropy(logits, labels);
    }
}
