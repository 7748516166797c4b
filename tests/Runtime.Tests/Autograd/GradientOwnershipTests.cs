using Kiln.Nn;
using static Kiln.Runtime.Tests.Support.TestTensors;

namespace Kiln.Runtime.Tests.AutogradBehaviour;

/// <summary>
/// The engine takes over fresh gradients instead of copying them, sums into them in place, and lets Linear/MatMul
/// write a parameter's zeroed gradient directly. None of that may ever alias a tensor someone else can see.
/// </summary>
public class GradientOwnershipTests
{
    [Fact]
    public void AFullGradientPoolMakesRoomForTheShapesInUseNow()
    {
        // A model trained earlier on this thread leaves its arrays behind (here 40 of a length nothing asks for again):
        // the next model's returned gradients must still be kept and handed out, not dropped because the pool is full.
        for (int i = 0; i < 40; i++) GradientPool.Return(new float[4099]);
        var current = new float[4111];
        GradientPool.Return(current);
        Assert.Same(current, GradientPool.TryRent(4111));
        Assert.Null(GradientPool.TryRent(4111));
    }

    [Fact]
    public void TwoLeavesFedTheSamePassThroughGradientGetSeparateStorage()
    {
        var a = Leaf(new[] { 1f, 2f }, 2);
        var b = Leaf(new[] { 3f, 4f }, 2);
        Ops.Sum(Ops.Add(a, b)).Backward();
        a.Grad!.Data[0] = 100f;
        Assert.Equal(new[] { 1f, 1f }, b.Grad!.ToArray());
    }

    [Fact]
    public void AnInputUsedTwiceByOneOpGetsTheSumOfBothGradients()
    {
        var x = Leaf(new[] { 1f, -2f }, 2);
        var doubled = Ops.Add(x, x);
        Ops.Sum(Ops.Mul(Ops.Add(doubled, doubled), 3f)).Backward();
        Assert.Equal(new[] { 12f, 12f }, x.Grad!.ToArray());
    }

    [Fact]
    public void TheCallersGradientIsNeverTakenOverOrWrittenInto()
    {
        var x = Leaf(new[] { 1f, 2f, 3f }, 3);
        var upstream = Tensor.FromArray(new[] { 0.5f, -1f, 2f }, 3);
        Ops.Add(x, 1f).Backward(upstream);                    // Add with a scalar passes the gradient through
        upstream.Data[0] = 7f;
        Assert.Equal(new[] { 0.5f, -1f, 2f }, x.Grad!.ToArray());

        var y = Leaf(new[] { 1f, 2f, 3f }, 3);
        var z = Ops.Add(Ops.Reshape(Ops.Add(y, 0f), 3), Ops.Mul(y, 2f));
        var g = Tensor.FromArray(new[] { 1f, 1f, 1f }, 3);
        z.Backward(g);
        Assert.Equal(new[] { 1f, 1f, 1f }, g.ToArray());
        Assert.Equal(new[] { 3f, 3f, 3f }, y.Grad!.ToArray());
    }

    sealed class ReturnsItsSavedTensor : Function
    {
        public readonly Tensor Saved = Tensor.FromArray(new[] { 5f, 6f }, 2);

        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => Ops.Mul(inputs[0], 1f);

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => new Tensor?[] { Saved };
    }

    [Fact]
    public void AGradientReturnedByUserCodeIsCopiedIntoTheLeaf()
    {
        var x = Leaf(new[] { 1f, 2f }, 2);
        var function = new ReturnsItsSavedTensor();
        Ops.Sum(function.Apply(x)).Backward();
        Assert.NotSame(function.Saved.Storage, x.Grad!.Storage);
        x.Grad.Data[0] = -1f;
        Assert.Equal(new[] { 5f, 6f }, function.Saved.ToArray());
    }

    [Fact]
    public void ZeroedParameterGradientsAreUpdatedInPlaceWithTheFreshValues()
    {
        var rng = new Rng(4);
        var layer = new Linear(6, 3, rng: rng);
        var x = Tensor.Randn(new[] { 5, 6 }, rng);
        Ops.Sum(Ops.Square(layer.Forward(x))).Backward();
        var fresh = layer.Weight.Grad!.ToArray();
        var freshBias = layer.Bias!.Grad!.ToArray();

        var gradObject = layer.Weight.Grad;
        layer.ZeroGrad();
        Ops.Sum(Ops.Square(layer.Forward(x))).Backward();
        Assert.Same(gradObject, layer.Weight.Grad);
        Assert.Equal(fresh, layer.Weight.Grad!.ToArray());
        Assert.Equal(freshBias, layer.Bias.Grad!.ToArray());

        // Without zeroing, the second backward adds to the first.
        Ops.Sum(Ops.Square(layer.Forward(x))).Backward();
        var twice = layer.Weight.Grad!.ToArray();
        for (int i = 0; i < fresh.Length; i++) Assert.Equal(fresh[i] + fresh[i], twice[i]);
    }

    [Fact]
    public void MatMulAddsIntoAZeroedLeafGradientOnlyWhenItIsAllZero()
    {
        var a = Leaf(new[] { 1f, 2f, 3f, 4f }, 2, 2);
        var b = Leaf(new[] { 1f, 0f, -1f, 2f }, 2, 2);
        Ops.Sum(Ops.MatMul(a, b)).Backward();
        var ga = a.Grad!.ToArray();
        var gb = b.Grad!.ToArray();

        using (Autograd.NoGrad())
        {
            a.Grad.ZeroInPlace();
            b.Grad!.FillInPlace(1f);
        }
        Ops.Sum(Ops.MatMul(a, b)).Backward();
        Assert.Equal(ga, a.Grad.ToArray());
        Assert.Equal(gb.Select(v => v + 1f).ToArray(), b.Grad.ToArray());
    }

    [Fact]
    public void AWeightUsedTwiceCollectsBothGradientsIntoItsZeroedGradient()
    {
        var w = Leaf(new[] { 0.5f, -1f, 2f, 1.5f }, 2, 2);
        var x = Tensor.FromArray(new[] { 1f, 2f, -1f, 0.5f }, 2, 2);
        Ops.Sum(Ops.MatMul(Ops.MatMul(x, w), w)).Backward();
        var expected = w.Grad!.ToArray();

        using (Autograd.NoGrad()) w.Grad.ZeroInPlace();
        Ops.Sum(Ops.MatMul(Ops.MatMul(x, w), w)).Backward();
        Assert.Equal(expected, w.Grad.ToArray());
    }

    sealed class FailsOnce : Function
    {
        public bool Fail = true;

        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => Ops.Mul(inputs[0], 1f);

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
        {
            if (Fail) throw new InvalidOperationException("first backward fails");
            return new Tensor?[] { gradOutput };
        }
    }

    [Fact]
    public void ABackwardThatThrewLeavesNoPendingGradientBehind()
    {
        var x = Leaf(new[] { 1f, 2f }, 2);
        var function = new FailsOnce();
        var h = Ops.Mul(x, 3f);
        var loss = Ops.Sum(Ops.Add(function.Apply(h), h));
        Assert.Throws<InvalidOperationException>(() => loss.Backward(retainGraph: true));
        function.Fail = false;
        x.Grad = null;
        loss.Backward();
        Assert.Equal(new[] { 6f, 6f }, x.Grad!.ToArray());
    }

    // Large enough (>= 4096 floats per gradient) for the engine to reuse dead gradients' storage between passes; the
    // input's gradient (8192 floats, below the large-object threshold) is adopted by the leaf, never reused.
    static (Tensor Loss, Tensor Input) ConvStep(Conv2d conv, Linear linear, Tensor images, bool inputRequiresGrad)
    {
        var x = images.Detach();
        x.RequiresGrad = inputRequiresGrad;
        var h = Ops.MaxPool2d(Ops.Relu(conv.Forward(x)), 2);
        var loss = Ops.Sum(Ops.Square(linear.Forward(Ops.Flatten(h, 1))));
        return (loss, x);
    }

    [Fact]
    public void ReusedGradientStorage_GivesTheSameGradientsPassAfterPass_AndNeverTouchesAGradientTheCallerHolds()
    {
        Rng.ManualSeed(3);
        var conv = new Conv2d(1, 8, 3, padding: 1);
        var linear = new Linear(8 * 16 * 16, 4);
        var rng = new Rng(5);
        var imagesA = Tensor.Randn(new[] { 8, 1, 32, 32 }, rng);
        var imagesB = Tensor.Randn(new[] { 8, 1, 32, 32 }, rng);

        float[] Pass(Tensor images, out float[] inputGrad)
        {
            conv.ZeroGrad();
            linear.ZeroGrad();
            var (loss, x) = ConvStep(conv, linear, images, inputRequiresGrad: true);
            loss.Backward();
            inputGrad = x.Grad!.Storage;
            return conv.Weight.Grad!.ToArray();
        }

        var first = Pass(imagesA, out var firstInputGrad);
        var firstInputCopy = (float[])firstInputGrad.Clone();
        var other = Pass(imagesB, out var otherInputGrad);   // a pass on other data, reusing the first pass's buffers
        var again = Pass(imagesA, out _);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(firstInputCopy, firstInputGrad);         // the input's gradient (adopted by the leaf) was never reused
        Assert.NotSame(firstInputGrad, otherInputGrad);

        // A retained graph backed twice sums the same gradient twice: its saved state (max-pool indices) is still there.
        conv.ZeroGrad();
        linear.ZeroGrad();
        var (retained, _) = ConvStep(conv, linear, imagesA, inputRequiresGrad: false);
        retained.Backward(retainGraph: true);
        retained.Backward();
        var twice = conv.Weight.Grad!.ToArray();
        for (int i = 0; i < first.Length; i++) Assert.Equal(2 * first[i], twice[i], 1e-4f * (1 + Math.Abs(twice[i])));
    }
}
