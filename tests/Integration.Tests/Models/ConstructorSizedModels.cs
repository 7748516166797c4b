using Kiln;
using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Integration.Tests.Models;

// The tutorials' models as they are written there: every size is a constructor argument. The generator makes each
// size it cannot see a symbol, equates it with the sizes it meets (an input's [Shape], the other layer) and binds
// what is left from the parameters' shapes when the graph is first called.

/// <summary>d2l's linear regression: <c>nn.Linear(num_inputs, 1)</c> and an MSE loss module, the feature count a [Shape] symbol.</summary>
public partial class SizedLinearRegression : Module
{
    readonly Linear net;
    readonly MseLoss loss = new();

    public SizedLinearRegression(int numInputs, Rng rng) => net = new Linear(numInputs, 1, rng: rng);

    [Compile]
    public Tensor Loss([Shape("N", "D")] Tensor x, [Shape("N", 1)] Tensor y) => loss.Forward(net.Forward(x), y);
}

/// <summary>d2l's softmax regression: Flatten, then <c>nn.Linear(num_inputs, num_outputs)</c>; the class count stays a symbol.</summary>
public partial class SizedSoftmaxRegression : Module
{
    readonly Flatten flatten = new();
    readonly Linear linear;
    readonly CrossEntropyLoss loss = new();

    public SizedSoftmaxRegression(int numInputs, int numOutputs, Rng rng) => linear = new Linear(numInputs, numOutputs, rng: rng);

    [Compile]
    public Tensor Loss([Shape("N", 1, 8, 8)] Tensor x, [Shape("N")] IntTensor y) => loss.Forward(linear.Forward(flatten.Forward(x)), y);
}

/// <summary>
/// Sizes kept in fields set from the constructor, and a second hidden size that must equal the first: the generator
/// equates hidden2 with hidden1 where the layers meet, so a model built with two different values fails at its
/// first call with an error naming the module and both shapes.
/// </summary>
public partial class SizedMlp : Module
{
    readonly int hidden1;
    readonly int hidden2;
    readonly Linear fc1;
    readonly Linear fc2;

    public SizedMlp(int inputs, int hidden1, int hidden2, int classes, Rng rng)
    {
        this.hidden1 = hidden1;
        this.hidden2 = hidden2;
        fc1 = new Linear(inputs, this.hidden1, rng: rng);
        fc2 = new Linear(this.hidden2, classes, rng: rng);
    }

    [Compile]
    public Tensor Loss([Shape("N", 6)] Tensor x, [Shape("N")] IntTensor y) => CrossEntropy(fc2.Forward(Tanh(fc1.Forward(x))), y);
}

/// <summary>
/// Sizes kept in fields and read by the method (d2l's <c>self.num_hiddens</c>): the hidden size is a symbol bound from
/// fc.weight's shape and checked against the field at each call; the input size, equated with the input's 5, is
/// checked against its field as a constant.
/// </summary>
public partial class FieldSizedNet : Module
{
    readonly int numInputs;
    readonly int numHiddens;
    readonly Linear fc;

    public FieldSizedNet(int inputs, int hiddenSize, Rng rng)
    {
        numInputs = inputs;
        numHiddens = hiddenSize;
        fc = new Linear(numInputs, hiddenSize, rng: rng);
    }

    [Compile]
    public Tensor Loss([Shape("N", 5)] Tensor x)
    {
        var rows = Tanh(fc.Forward(x.Reshape(-1, numInputs))).Reshape(-1, 1, numHiddens);
        return (Softmax(rows, 2) * rows).Sum();
    }
}

/// <summary>A layer sized by an expression (hidden + extra) that the method reshapes by the field numHiddens: the two agree only when extra is 0.</summary>
public partial class ExpressionSizedNet : Module
{
    readonly int numHiddens;
    readonly Linear fc;

    public ExpressionSizedNet(int hidden, int extra, Rng rng)
    {
        numHiddens = hidden;
        fc = new Linear(5, hidden + extra, rng: rng);
    }

    [Compile]
    public Tensor Loss([Shape("N", 5)] Tensor x) => Softmax(fc.Forward(x).Reshape(-1, 1, numHiddens), 2).Sum();
}

/// <summary>A module's size properties read by the method: fc.InFeatures is the constant 5, fc.OutFeatures the constructor's hidden.</summary>
public partial class ModulePropertyNet : Module
{
    readonly Linear fc;

    public ModulePropertyNet(int hidden, Rng rng) => fc = new Linear(5, hidden, rng: rng);

    [Compile]
    public Tensor Loss([Shape("N", 5)] Tensor x)
    {
        var rows = fc.Forward(x.Reshape(-1, fc.InFeatures)).Reshape(-1, 1, fc.OutFeatures);
        return (Softmax(rows, 2) * rows).Sum();
    }
}
