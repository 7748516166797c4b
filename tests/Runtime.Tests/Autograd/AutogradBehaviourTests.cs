using Kiln.Runtime.Tests.Support;
using static Kiln.Runtime.Tests.Support.TestTensors;

namespace Kiln.Runtime.Tests.AutogradBehaviour;

/// <summary>What a PyTorch user relies on from the tape: accumulation, errors, NoGrad, Detach, reuse, control flow.</summary>
public class AutogradBehaviourTests
{
    static void AssertClose(float[] expected, Tensor? actual, float tolerance = 1e-5f)
    {
        Assert.NotNull(actual);
        var values = actual!.ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - values[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]}, actual {values[i]} (all: [{string.Join(", ", values)}])");
    }

    [Fact]
    public void GradientsAccumulateOverTwoBackwards()
    {
        var x = Leaf(new[] { 1f, -2f, 3f }, 3);
        Ops.Sum(Ops.Mul(x, x)).Backward();
        AssertClose(new[] { 2f, -4f, 6f }, x.Grad);
        Ops.Sum(Ops.Mul(x, 3f)).Backward();
        AssertClose(new[] { 5f, -1f, 9f }, x.Grad);
    }

    [Fact]
    public void ZeroingTheGradientStartsAFreshAccumulation()
    {
        var x = Leaf(new[] { 1f, 2f }, 2);
        Ops.Sum(Ops.Mul(x, 4f)).Backward();
        using (Autograd.NoGrad()) x.Grad!.ZeroInPlace();
        Ops.Sum(Ops.Mul(x, 3f)).Backward();
        AssertClose(new[] { 3f, 3f }, x.Grad);
    }

    [Fact]
    public void BackwardOnANonScalarNeedsAGradient()
    {
        var x = Leaf(new[] { 1f, 2f, 3f, 4f }, 2, 2);
        var y = Ops.Mul(x, 2f);
        var error = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("only for scalar outputs", error.Message);
        Assert.Contains("[2,2]", error.Message);
        Assert.Null(x.Grad);

        y.Backward(Tensor.FromArray(new[] { 1f, 0f, 0.5f, -1f }, 2, 2));
        AssertClose(new[] { 2f, 0f, 1f, -2f }, x.Grad);
    }

    [Fact]
    public void BackwardWithAGradientOfTheWrongShapeIsRejected()
    {
        var x = Leaf(new[] { 1f, 2f, 3f, 4f }, 2, 2);
        var y = Ops.Mul(x, 2f);
        var error = Assert.Throws<ArgumentException>(() => y.Backward(Tensor.Ones(4)));
        Assert.Contains("[4]", error.Message);
        Assert.Contains("[2,2]", error.Message);
    }

    [Fact]
    public void BackwardOnATensorOutsideTheTapeIsAnError()
    {
        var x = Tensor.FromArray(new[] { 1f, 2f }, 2);
        var error = Assert.Throws<InvalidOperationException>(() => Ops.Sum(x).Backward());
        Assert.Contains("does not require grad", error.Message);
    }

    [Fact]
    public void SecondBackwardThroughFreedGraphFailsClearly()
    {
        var x = Leaf(new[] { 0.5f, -1f }, 2);
        var loss = Ops.Sum(Ops.Mul(Ops.Exp(x), x));
        loss.Backward();
        var first = x.Grad!.ToArray();
        var error = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Contains("second time", error.Message);
        Assert.Contains("retainGraph", error.Message);
        // The failed attempt adds nothing.
        AssertClose(first, x.Grad);
    }

    [Fact]
    public void RetainGraphAllowsASecondBackwardThatAccumulates()
    {
        var x = Leaf(new[] { 0.5f, -1f }, 2);
        var loss = Ops.Sum(Ops.Mul(Ops.Exp(x), x));
        loss.Backward(retainGraph: true);
        var once = x.Grad!.ToArray();
        loss.Backward();
        AssertClose(once.Select(g => 2 * g).ToArray(), x.Grad);
        // d/dx (x e^x) = (1 + x) e^x
        AssertClose(new[] { 2 * 1.5f * MathF.Exp(0.5f), 0f }, x.Grad);
    }

    [Fact]
    public void PartOfAFreedGraphIsFreedToo()
    {
        var x = Leaf(new[] { 1f, 2f }, 2);
        var hidden = Ops.Tanh(x);
        Ops.Sum(hidden).Backward();
        var error = Assert.Throws<InvalidOperationException>(() => Ops.Sum(Ops.Mul(hidden, 2f)).Backward());
        Assert.Contains("Tanh", error.Message);
    }

    [Fact]
    public void NoGradRecordsNothing()
    {
        var x = Leaf(new[] { 1f, 2f }, 2);
        Tensor y, z;
        using (Autograd.NoGrad())
        {
            Assert.False(Autograd.IsEnabled);
            y = Ops.Sum(Ops.Exp(Ops.Mul(x, x)));
            using (Autograd.NoGrad()) z = Ops.Relu(x);
            // Leaving the inner scope does not re-enable recording inside the outer one.
            Assert.False(Autograd.IsEnabled);
            Assert.False(Ops.Neg(x).RequiresGrad);
        }
        Assert.True(Autograd.IsEnabled);
        Assert.False(y.RequiresGrad);
        Assert.True(y.IsLeaf);
        Assert.False(z.RequiresGrad);
        Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.True(Ops.Neg(x).RequiresGrad);
    }

    [Fact]
    public void NoGradScopeDisposedTwiceDoesNotUnbalanceRecording()
    {
        var outer = Autograd.NoGrad();
        var inner = Autograd.NoGrad();
        inner.Dispose();
        inner.Dispose();
        Assert.False(Autograd.IsEnabled);
        outer.Dispose();
        Assert.True(Autograd.IsEnabled);
    }

    [Fact]
    public void DetachCutsTheGraph()
    {
        var x = Leaf(new[] { 1f, 2f }, 2);
        var y = Ops.Mul(x, x);
        var detached = y.Detach();
        Assert.False(detached.RequiresGrad);
        Assert.True(detached.IsLeaf);
        Assert.Equal(y.ToArray(), detached.ToArray());
        // Only the attached path contributes: d/dx (x·x + stop(x·x)) = 2x.
        Ops.Sum(Ops.Add(y, Ops.Mul(detached, 5f))).Backward();
        AssertClose(new[] { 2f, 4f }, x.Grad);
    }

    [Fact]
    public void TensorUsedTwiceGetsTheSumOfBothGradients()
    {
        var x = Leaf(new[] { 0.3f, -0.7f }, 2);
        Ops.Sum(Ops.Add(x, x)).Backward();
        AssertClose(new[] { 2f, 2f }, x.Grad);

        // A diamond: h feeds two branches that meet again. d/dw (h² + 3h) with h = 2w is (2h + 3)·2.
        var w = Leaf(new[] { 0.3f, -0.7f }, 2);
        var h = Ops.Mul(w, 2f);
        var loss = Ops.Sum(Ops.Add(Ops.Mul(h, h), Ops.Mul(h, 3f)));
        loss.Backward();
        AssertClose(new[] { (2 * 0.6f + 3) * 2, (2 * -1.4f + 3) * 2 }, w.Grad);
    }

    [Fact]
    public void DiamondThroughMatMulAndBroadcastMatchesFiniteDifferences()
    {
        var rng = new Rng(5);
        GradCheck.Check(xs =>
        {
            var h = Ops.Tanh(Ops.MatMul(xs[0], xs[1]));
            var left = Ops.Sum(Ops.Mul(h, h), 1, keepDim: true);
            var right = Ops.Softmax(h, 1);
            return new[] { Ops.Add(Ops.Mul(right, left), h) };
        }, new[] { Tensor.Randn(new[] { 3, 4 }, rng), Tensor.Randn(new[] { 4, 5 }, rng) });
    }

    public static IEnumerable<object[]> TwoInputOps => new[]
    {
        "Add", "Sub", "Mul", "Div", "MatMul", "Linear", "Concat", "Stack", "MseLoss",
    }.Select(name => new object[] { name });

    static Tensor TwoInputOp(string name, Tensor a, Tensor b) => name switch
    {
        "Add" => Ops.Add(a, b),
        "Sub" => Ops.Sub(a, b),
        "Mul" => Ops.Mul(a, b),
        "Div" => Ops.Div(a, Ops.Add(Ops.Mul(b, b), 1f)),
        "MatMul" => Ops.MatMul(a, Ops.Transpose(b, 0, 1)),
        "Linear" => Ops.Linear(a, b),
        "Concat" => Ops.Concat(new[] { a, b }, 1),
        "Stack" => Ops.Stack(new[] { a, b }, 0),
        _ => Ops.MseLoss(a, b),
    };

    [Theory]
    [MemberData(nameof(TwoInputOps))]
    public void OnlyInputsThatRequireGradReceiveOne(string op)
    {
        var rng = new Rng(op.Length);
        var aData = Tensor.Randn(new[] { 3, 4 }, rng).ToArray();
        var bData = Tensor.Randn(new[] { 3, 4 }, rng).ToArray();
        var weights = Tensor.Randn(TwoInputOp(op, Tensor.FromArray(aData, 3, 4), Tensor.FromArray(bData, 3, 4)).Shape, rng);

        (Tensor? A, Tensor? B) Gradients(bool aRequires, bool bRequires)
        {
            var a = Tensor.FromArray(aData, 3, 4);
            var b = Tensor.FromArray(bData, 3, 4);
            a.RequiresGrad = aRequires;
            b.RequiresGrad = bRequires;
            Ops.Sum(Ops.Mul(TwoInputOp(op, a, b), weights)).Backward();
            return (a.Grad, b.Grad);
        }

        var both = Gradients(true, true);
        var onlyA = Gradients(true, false);
        var onlyB = Gradients(false, true);
        Assert.Null(onlyA.B);
        Assert.Null(onlyB.A);
        AssertClose(both.A!.ToArray(), onlyA.A);
        AssertClose(both.B!.ToArray(), onlyB.B);
    }

    [Fact]
    public void IntermediateResultsKeepNoGradient()
    {
        var x = Leaf(new[] { 1f, 2f }, 2);
        var hidden = Ops.Exp(x);
        Ops.Sum(hidden).Backward();
        Assert.NotNull(x.Grad);
        Assert.Null(hidden.Grad);
        Assert.False(hidden.IsLeaf);
    }

    [Fact]
    public void LoopsBuildTheTapeAsTheyRun()
    {
        var x = Leaf(new[] { 1.5f, -0.5f }, 2);
        var y = x;
        for (int i = 0; i < 3; i++) y = Ops.Mul(y, x);
        Ops.Sum(y).Backward();
        AssertClose(new[] { 4 * MathF.Pow(1.5f, 3), 4 * MathF.Pow(-0.5f, 3) }, x.Grad);
    }

    [Fact]
    public void BranchesOnValuesPickTheirGradient()
    {
        foreach (var (value, expected) in new[] { (2f, 3f), (-2f, 2 * -2f) })
        {
            var x = Leaf(new[] { value }, 1);
            // if (x > 0) 3x else x²: the gradient follows the branch taken.
            var y = x.Item() > 0 ? Ops.Mul(x, 3f) : Ops.Mul(x, x);
            Ops.Sum(y).Backward();
            AssertClose(new[] { expected }, x.Grad);
        }
    }

    static Tensor Power(Tensor x, int n) => n == 0 ? Tensor.Ones(x.Shape) : Ops.Mul(x, Power(x, n - 1));

    [Fact]
    public void RecursionBuildsTheTape()
    {
        var x = Leaf(new[] { 1.2f, 0.5f }, 2);
        Ops.Sum(Power(x, 5)).Backward();
        AssertClose(new[] { 5 * MathF.Pow(1.2f, 4), 5 * MathF.Pow(0.5f, 4) }, x.Grad, 1e-4f);
    }

    [Fact]
    public void ReusingOneLayerARandomNumberOfTimesMatchesFiniteDifferences()
    {
        // The tutorial's dynamic net (smooth activations, so finite differences never straddle a kink): the middle
        // layer is applied 0-3 times, chosen per forward.
        var rng = new Rng(11);
        foreach (int repeats in new[] { 0, 1, 3 })
            GradCheck.Check(xs =>
            {
                var h = Ops.Sigmoid(Ops.Linear(xs[0], xs[1]));
                for (int i = 0; i < repeats; i++) h = Ops.Tanh(Ops.Linear(h, xs[2]));
                return new[] { Ops.Linear(h, xs[3]) };
            }, new[]
            {
                Tensor.Randn(new[] { 4, 3 }, rng), Tensor.Randn(new[] { 5, 3 }, rng),
                Tensor.Randn(new[] { 5, 5 }, rng), Tensor.Randn(new[] { 2, 5 }, rng),
            });
    }

    /// <summary>The tutorial's MyReLU: clamp in the forward, zero the gradient where the input was negative.</summary>
    sealed class MyReLU : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return inputs[0].Clamp(min: 0);
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            var input = ctx.SavedTensors[0];
            return new Tensor?[] { Ops.Mul(gradOutput, Ops.GreaterThan(input, 0f)) };
        }
    }

    [Fact]
    public void UserDefinedFunctionMatchesTheBuiltInRelu()
    {
        var rng = new Rng(3);
        var data = Tensor.Randn(new[] { 4, 5 }, rng).ToArray();
        var weight = Tensor.Randn(new[] { 5, 5 }, rng);

        var a = Leaf(data, 4, 5);
        var mine = new MyReLU().Apply(Ops.MatMul(a, weight));
        Ops.Sum(Ops.Mul(mine, mine)).Backward();

        var b = Leaf(data, 4, 5);
        var builtIn = Ops.Relu(Ops.MatMul(b, weight));
        Ops.Sum(Ops.Mul(builtIn, builtIn)).Backward();

        Assert.Equal(builtIn.ToArray(), mine.ToArray());
        AssertClose(b.Grad!.ToArray(), a.Grad);
        Assert.Contains("grad_fn=<MyReLUBackward0>", mine.ToString());
    }

    /// <summary>x·y where only x gets a gradient (torch's "return grad_x, None").</summary>
    sealed class ScaleByConstant : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[1]);
            return Ops.Mul(inputs[0], inputs[1]);
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) =>
            new Tensor?[] { Ops.Mul(gradOutput, ctx.SavedTensors[0]), null };
    }

    [Fact]
    public void UserDefinedFunctionMayReturnNoGradientForAnInput()
    {
        var x = Leaf(new[] { 1f, 2f }, 2);
        var y = Leaf(new[] { 3f, -4f }, 2);
        Ops.Sum(new ScaleByConstant().Apply(x, y)).Backward();
        AssertClose(new[] { 3f, -4f }, x.Grad);
        Assert.Null(y.Grad);
    }

    sealed class WrongArity : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0].Clone();
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => new Tensor?[] { gradOutput, gradOutput };
    }

    sealed class WrongShape : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0].Clone();
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => new Tensor?[] { Tensor.Ones(7) };
    }

    [Fact]
    public void UserDefinedBackwardWithTheWrongNumberOrShapeOfGradientsFailsClearly()
    {
        var x = Leaf(new[] { 1f, 2f }, 2);
        var arity = Assert.Throws<InvalidOperationException>(() => Ops.Sum(new WrongArity().Apply(x)).Backward());
        Assert.Contains("WrongArity", arity.Message);
        Assert.Contains("2 gradients for 1 inputs", arity.Message);
        var shape = Assert.Throws<InvalidOperationException>(() => Ops.Sum(new WrongShape().Apply(x)).Backward());
        Assert.Contains("WrongShape", shape.Message);
        Assert.Contains("[7]", shape.Message);
        Assert.Contains("[2]", shape.Message);
    }

    [Fact]
    public void UserDefinedFunctionInsideNoGradRecordsNothing()
    {
        var x = Leaf(new[] { -1f, 2f }, 2);
        using (Autograd.NoGrad()) Assert.False(new MyReLU().Apply(x).RequiresGrad);
    }

    [Fact]
    public void InPlaceUpdateOfALeafThatRequiresGradIsRefusedWhileRecording()
    {
        var w = Leaf(new[] { 1f, 2f }, 2);
        var step = Tensor.FromArray(new[] { 0.5f, 0.5f }, 2);
        foreach (var update in new Action[]
        {
            () => w.SubInPlace(step), () => w.AddInPlace(step), () => w.MulInPlace(2f), () => w.FillInPlace(0f),
            () => w.ZeroInPlace(), () => w.CopyFrom(step), () => w[0] = 3f,
        })
        {
            var error = Assert.Throws<InvalidOperationException>(update);
            Assert.Contains("NoGrad", error.Message);
        }
        Assert.Equal(new[] { 1f, 2f }, w.ToArray());

        using (Autograd.NoGrad())
        {
            w.SubInPlace(step);
            w[1] = 7f;
        }
        Assert.Equal(new[] { 0.5f, 7f }, w.ToArray());
    }

    [Fact]
    public void ManualSgdStepInsideNoGradTrainsAParameter()
    {
        // The tutorial's "autograd" style: backward, then update the weights by hand inside NoGrad.
        var w = Leaf(new[] { 0f }, 1, 1);
        var x = Tensor.FromArray(new[] { 1f, 2f, 3f }, 3, 1);
        var y = Tensor.FromArray(new[] { 2f, 4f, 6f }, 3, 1);
        for (int i = 0; i < 100; i++)
        {
            var loss = Ops.MseLoss(Ops.MatMul(x, w), y);
            loss.Backward();
            using (Autograd.NoGrad())
            {
                w.SubInPlace(Ops.Mul(w.Grad!, 0.05f));
                w.Grad!.ZeroInPlace();
            }
        }
        Assert.Equal(2f, w.Item(), 3);
    }
}
