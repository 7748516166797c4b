using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

/// <summary>A small CNN on 8×8 single-channel images: Conv2d, ReLU, MaxPool2d, Flatten, Linear, cross-entropy.</summary>
public partial class Cnn : Module
{
    readonly Sequential features = new(
        new Conv2d(1, 4, 3, padding: 1),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten());
    readonly Linear classifier = new(4 * 4 * 4, 10);

    [Compile]
    public Tensor Loss([Shape("N", 1, 8, 8)] Tensor images, [Shape("N")] IntTensor labels) =>
        CrossEntropy(classifier.Forward(features.Forward(images)), labels);
}
