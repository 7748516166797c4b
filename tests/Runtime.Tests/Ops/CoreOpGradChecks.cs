using Kiln.Runtime.Tests.Support;

namespace Kiln.Runtime.Tests.OpTests;

/// <summary>
/// Finite-difference gradchecks for every core differentiable op. Each case is a named function of some leaves;
/// inputs are drawn so that no finite-difference step crosses a kink (relu, abs, clamp, max ties, log of ≤ 0).
/// </summary>
public class CoreOpGradChecks
{
    /// <param name="Atol">GradCheck's absolute tolerance, raised only where the forward itself is not accurate enough
    /// for finite differences at the default (the reason is written at the case).</param>
    sealed record Case(Func<Tensor[], Tensor[]> Function, Func<Rng, Tensor[]> Inputs, double Atol = 1e-5);

    static Case One(Func<Tensor, Tensor> f, Func<Rng, Tensor> x, double atol = 1e-5) => new(xs => new[] { f(xs[0]) }, r => new[] { x(r) }, atol);
    static Case Two(Func<Tensor, Tensor, Tensor> f, Func<Rng, Tensor> a, Func<Rng, Tensor> b) =>
        new(xs => new[] { f(xs[0], xs[1]) }, r => new[] { a(r), b(r) });

    static Func<Rng, Tensor> Normal(params int[] shape) => r => Tensor.Randn(shape, r);

    /// <summary>Values in [low, high): for log, sqrt, pow and division denominators.</summary>
    static Func<Rng, Tensor> Uniform(float low, float high, params int[] shape) => r =>
    {
        var t = Tensor.Rand(shape, r);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = low + (high - low) * d[i];
        return t;
    };

    /// <summary>Normal values pushed at least 0.2 away from zero, for ops with a kink there.</summary>
    static Func<Rng, Tensor> AwayFromZero(params int[] shape) => r =>
    {
        var t = Tensor.Randn(shape, r);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++) d[i] = MathF.CopySign(0.2f + MathF.Abs(d[i]), d[i]);
        return t;
    };

    /// <summary>A shuffled 0.1-spaced ramp: every value distinct by far more than the finite-difference step.</summary>
    static Func<Rng, Tensor> Distinct(params int[] shape) => r =>
    {
        int n = shape.Aggregate(1, (p, s) => p * s);
        var order = r.Permutation(n);
        return Tensor.FromArray(order.Select(i => 0.1f * i - 0.05f * n).ToArray(), shape);
    };

    static readonly Dictionary<string, Case> Cases = new()
    {
        // ---- binary ops, every broadcast pattern ----
        ["Add same"] = Two(Ops.Add, Normal(3, 4), Normal(3, 4)),
        ["Add row"] = Two(Ops.Add, Normal(3, 4), Normal(4)),
        ["Add column"] = Two(Ops.Add, Normal(3, 4), Normal(3, 1)),
        ["Add outer"] = Two(Ops.Add, Normal(3, 1), Normal(1, 4)),
        ["Add 3d with 2d"] = Two(Ops.Add, Normal(2, 3, 4), Normal(3, 1)),
        ["Add lower rank left"] = Two(Ops.Add, Normal(4), Normal(2, 3, 4)),
        ["Add 0-d"] = Two(Ops.Add, Normal(), Normal(2, 3)),
        ["Add middle"] = Two(Ops.Add, Normal(2, 1, 4), Normal(2, 3, 1)),
        ["Sub same"] = Two(Ops.Sub, Normal(3, 4), Normal(3, 4)),
        ["Sub row"] = Two(Ops.Sub, Normal(3, 4), Normal(4)),
        ["Sub outer"] = Two(Ops.Sub, Normal(3, 1), Normal(1, 4)),
        ["Sub 3d with 2d"] = Two(Ops.Sub, Normal(3, 1), Normal(2, 3, 4)),
        ["Sub 0-d"] = Two(Ops.Sub, Normal(2, 3), Normal()),
        ["Mul same"] = Two(Ops.Mul, Normal(3, 4), Normal(3, 4)),
        ["Mul row"] = Two(Ops.Mul, Normal(4), Normal(3, 4)),
        ["Mul column"] = Two(Ops.Mul, Normal(3, 4), Normal(3, 1)),
        ["Mul outer"] = Two(Ops.Mul, Normal(3, 1), Normal(1, 4)),
        ["Mul 3d with 2d"] = Two(Ops.Mul, Normal(2, 3, 4), Normal(3, 1)),
        ["Mul 0-d"] = Two(Ops.Mul, Normal(), Normal(2, 3)),
        ["Mul middle"] = Two(Ops.Mul, Normal(2, 1, 4), Normal(2, 3, 1)),
        ["Mul self"] = One(x => Ops.Mul(x, x), Normal(3, 4)),
        ["Div same"] = Two(Ops.Div, Normal(3, 4), Uniform(0.5f, 2f, 3, 4)),
        ["Div row"] = Two(Ops.Div, Normal(3, 4), Uniform(0.5f, 2f, 4)),
        ["Div outer"] = Two(Ops.Div, Normal(3, 1), Uniform(0.5f, 2f, 1, 4)),
        ["Div 3d with 2d"] = Two(Ops.Div, Normal(2, 3, 4), Uniform(-2f, -0.5f, 3, 1)),
        ["Div numerator broadcast"] = Two(Ops.Div, Normal(4), Uniform(0.5f, 2f, 2, 3, 4)),
        ["Div 0-d"] = Two(Ops.Div, Normal(2, 3), Uniform(0.5f, 2f)),

        // ---- selection ----
        ["Where same"] = Two((a, b) => Ops.Where(Ops.Gt(a, 0f), a, b), AwayFromZero(3, 4), Normal(3, 4)),
        ["Where broadcast"] = Two((a, b) => Ops.Where(Tensor.FromArray(new[] { 1f, 0f, 0f, 1f }, 4), a, b), Normal(3, 4), Normal(3, 1)),
        ["Where scalar"] = One(x => Ops.Where(Ops.Lt(x, 0f), x, 0.5f), AwayFromZero(2, 3)),
        ["MaskedFill"] = One(x => Ops.MaskedFill(x, Tensor.FromArray(new[] { 0f, 1f, 0f }, 3), -2f), Normal(2, 3)),

        // ---- scalar overloads and operators ----
        ["Add scalar"] = One(x => Ops.Add(x, 1.5f), Normal(3, 4)),
        ["Sub scalar"] = One(x => Ops.Sub(x, 1.5f), Normal(3, 4)),
        ["Scalar sub"] = One(x => Ops.Sub(1.5f, x), Normal(3, 4)),
        ["Mul scalar"] = One(x => Ops.Mul(x, -2.5f), Normal(3, 4)),
        ["Div scalar"] = One(x => Ops.Div(x, 4f), Normal(3, 4)),
        ["Scalar div"] = One(x => Ops.Div(3f, x), Uniform(0.5f, 2f, 3, 4)),
        ["Operators"] = Two((a, b) => (2f * a - b / 3f + 1f) * (a + b) / (1f + b * b) - (-a) + (1f - a) + (2f / (b * b + 1f)),
            Normal(3, 4), Normal(4)),

        // ---- unary ops ----
        ["Neg"] = One(Ops.Neg, Normal(3, 4)),
        ["Exp"] = One(Ops.Exp, Normal(3, 4)),
        ["Log"] = One(Ops.Log, Uniform(0.1f, 3f, 3, 4)),
        ["Square"] = One(Ops.Square, Normal(3, 4)),
        ["Sqrt"] = One(Ops.Sqrt, Uniform(0.2f, 3f, 3, 4)),
        ["Abs"] = One(Ops.Abs, AwayFromZero(3, 4)),
        ["Sigmoid"] = One(Ops.Sigmoid, Normal(3, 4)),
        ["Tanh"] = One(Ops.Tanh, Normal(3, 4)),
        ["Relu"] = One(Ops.Relu, AwayFromZero(3, 4)),
        ["LeakyRelu default slope"] = One(x => Ops.LeakyRelu(x), AwayFromZero(3, 4)),
        ["LeakyRelu slope 0.2"] = One(x => Ops.LeakyRelu(x, 0.2f), AwayFromZero(2, 3, 4)),
        ["Gelu none"] = One(x => Ops.Gelu(x), Normal(3, 4)),
        // The exact gelu computes 0.5·x·(1 + erf(x/√2)) in float32, as PyTorch's CPU kernel does: for x < −4 the sum
        // cancels and the output (|y| < 1.3e-4) is off by up to ~5e-7 absolute (27% relative at −4.95), which a 1e-2
        // step turns into ~5e-5 of noise on the numeric derivative. The gradient rule itself is exact there.
        ["Gelu none wide"] = One(x => Ops.Gelu(x), Uniform(-5f, 5f, 4, 5), atol: 1e-4),
        ["Gelu tanh"] = One(x => Ops.Gelu(x, "tanh"), Normal(3, 4)),
        ["Gelu tanh wide"] = One(x => Ops.Gelu(x, "tanh"), Uniform(-5f, 5f, 4, 5)),
        ["Softplus default"] = One(x => Ops.Softplus(x), Uniform(-6f, 6f, 3, 4)),
        ["Softplus beta 2 threshold 5 below"] = One(x => Ops.Softplus(x, 2f, 5f), Uniform(-3f, 2.3f, 3, 4)),
        ["Softplus beta 2 threshold 5 above"] = One(x => Ops.Softplus(x, 2f, 5f), Uniform(2.7f, 6f, 3, 4)),
        ["Elu default"] = One(x => Ops.Elu(x), AwayFromZero(3, 4)),
        ["Elu alpha 0.5"] = One(x => Ops.Elu(x, 0.5f), AwayFromZero(2, 3, 4)),
        ["Silu"] = One(Ops.Silu, Uniform(-6f, 6f, 3, 4)),
        ["Pow 2"] = One(x => Ops.Pow(x, 2f), Normal(3, 4)),
        ["Pow 3"] = One(x => Ops.Pow(x, 3f), Normal(3, 4)),
        ["Pow 0.5"] = One(x => Ops.Pow(x, 0.5f), Uniform(0.2f, 3f, 3, 4)),
        ["Pow -1.5"] = One(x => Ops.Pow(x, -1.5f), Uniform(0.5f, 3f, 3, 4)),
        ["Clamp both"] = One(x => Ops.Clamp(x, -0.5f, 0.5f), ClampInput),
        ["Clamp min"] = One(x => Ops.Clamp(x, min: -0.5f), ClampInput),
        ["Clamp max"] = One(x => Ops.Clamp(x, max: 0.5f), ClampInput),

        // ---- reductions ----
        ["Sum all"] = One(Ops.Sum, Normal(2, 3, 4)),
        ["Sum dim 0"] = One(x => Ops.Sum(x, 0), Normal(2, 3, 4)),
        ["Sum dim 1"] = One(x => Ops.Sum(x, 1), Normal(2, 3, 4)),
        ["Sum dim -1 keepDim"] = One(x => Ops.Sum(x, -1, keepDim: true), Normal(2, 3, 4)),
        ["Sum dims 0,2"] = One(x => Ops.Sum(x, new[] { 0, 2 }), Normal(2, 3, 4)),
        ["Sum dims 2,0 keepDim"] = One(x => Ops.Sum(x, new[] { 2, 0 }, keepDim: true), Normal(2, 3, 4)),
        ["Sum of 1-d"] = One(x => Ops.Sum(x, 0), Normal(5)),
        ["Mean all"] = One(Ops.Mean, Normal(2, 3, 4)),
        ["Mean dim 0"] = One(x => Ops.Mean(x, 0), Normal(2, 3, 4)),
        ["Mean dim 1 keepDim"] = One(x => Ops.Mean(x, 1, keepDim: true), Normal(2, 3, 4)),
        ["Mean dims 1,2"] = One(x => Ops.Mean(x, new[] { 1, 2 }), Normal(2, 3, 4)),
        ["Mean dims -1,0 keepDim"] = One(x => Ops.Mean(x, new[] { -1, 0 }, keepDim: true), Normal(2, 3, 4)),
        ["Max dim 0"] = One(x => Ops.Max(x, 0).Values, Distinct(4, 3)),
        ["Max dim 1"] = One(x => Ops.Max(x, 1).Values, Distinct(2, 4, 3)),
        ["Max dim -1 keepDim"] = One(x => Ops.Max(x, -1, keepDim: true).Values, Distinct(2, 3, 4)),

        // ---- softmax ----
        ["Softmax dim 0"] = One(x => Ops.Softmax(x, 0), Normal(4, 3)),
        ["Softmax dim 1 of 3d"] = One(x => Ops.Softmax(x, 1), Normal(2, 4, 3)),
        ["Softmax dim -1"] = One(x => Ops.Softmax(x, -1), Normal(3, 5)),
        ["Softmax 1-d"] = One(x => Ops.Softmax(x, 0), Normal(6)),
        ["LogSoftmax 0-d"] = One(x => Ops.Mul(Ops.LogSoftmax(x, -1), x), Normal()),
        ["LogSoftmax dim 0"] = One(x => Ops.LogSoftmax(x, 0), Normal(4, 3)),
        ["LogSoftmax dim 1 of 3d"] = One(x => Ops.LogSoftmax(x, 1), Normal(2, 4, 3)),
        ["LogSoftmax dim -1"] = One(x => Ops.LogSoftmax(x, -1), Normal(3, 5)),
        ["LogSoftmax large logits"] = One(x => Ops.LogSoftmax(Ops.Add(x, 50f), -1), Normal(3, 5)),

        // ---- matmul and linear ----
        ["MatMul 2d"] = Two(Ops.MatMul, Normal(3, 4), Normal(4, 5)),
        ["MatMul batched"] = Two(Ops.MatMul, Normal(2, 3, 4), Normal(2, 4, 5)),
        ["MatMul 3d x 2d"] = Two(Ops.MatMul, Normal(2, 3, 4), Normal(4, 5)),
        ["MatMul 2d x 3d"] = Two(Ops.MatMul, Normal(3, 4), Normal(2, 4, 5)),
        ["MatMul batch broadcast"] = Two(Ops.MatMul, Normal(2, 1, 3, 4), Normal(3, 4, 2)),
        ["MatMul matvec"] = Two(Ops.MatMul, Normal(3, 4), Normal(4)),
        ["MatMul vecmat"] = Two(Ops.MatMul, Normal(4), Normal(4, 5)),
        ["MatMul vec.vec"] = Two(Ops.MatMul, Normal(4), Normal(4)),
        ["MatMul batched matvec"] = Two(Ops.MatMul, Normal(2, 3, 4), Normal(4)),
        ["MatMul vec x batched"] = Two(Ops.MatMul, Normal(4), Normal(2, 4, 5)),
        ["MatMul same operand"] = One(x => Ops.MatMul(x, x), Normal(3, 3)),
        ["Linear 2d"] = new(xs => new[] { Ops.Linear(xs[0], xs[1], xs[2]) }, r => new[] { Tensor.Randn(new[] { 4, 5 }, r), Tensor.Randn(new[] { 3, 5 }, r), Tensor.Randn(new[] { 3 }, r) }),
        ["Linear 3d input"] = new(xs => new[] { Ops.Linear(xs[0], xs[1], xs[2]) }, r => new[] { Tensor.Randn(new[] { 2, 3, 5 }, r), Tensor.Randn(new[] { 4, 5 }, r), Tensor.Randn(new[] { 4 }, r) }),
        ["Linear 1d input"] = new(xs => new[] { Ops.Linear(xs[0], xs[1], xs[2]) }, r => new[] { Tensor.Randn(new[] { 5 }, r), Tensor.Randn(new[] { 4, 5 }, r), Tensor.Randn(new[] { 4 }, r) }),
        ["Linear no bias"] = Two((x, w) => Ops.Linear(x, w), Normal(4, 5), Normal(3, 5)),
        ["Dot"] = Two(Ops.Dot, Normal(6), Normal(6)),

        // ---- shape ops (the random projection in GradCheck catches a permuted gradient) ----
        ["Reshape"] = One(x => Ops.Reshape(x, 3, 8), Normal(2, 3, 4)),
        ["Reshape infer"] = One(x => Ops.Reshape(x, -1, 6), Normal(2, 3, 4)),
        ["Flatten"] = One(x => Ops.Flatten(x, 1), Normal(2, 3, 2, 2)),
        ["Flatten all"] = One(x => Ops.Flatten(x), Normal(2, 3, 2)),
        ["Flatten middle"] = One(x => Ops.Flatten(x, 1, 2), Normal(2, 3, 2, 2)),
        ["Transpose 2d"] = One(x => Ops.Transpose(x, 0, 1), Normal(3, 5)),
        ["Transpose 3d"] = One(x => Ops.Transpose(x, 1, 2), Normal(2, 3, 4)),
        ["Transpose outer"] = One(x => Ops.Transpose(x, 0, -1), Normal(2, 3, 4)),
        ["Transpose 4d middle and inner"] = One(x => Ops.Transpose(x, 0, 2), Normal(2, 3, 2, 3)),
        ["Transpose 4d middle, no inner"] = One(x => Ops.Transpose(x, 1, 3), Normal(2, 3, 2, 4)),
        ["Tensor.T"] = One(x => x.T(), Normal(3, 4)),
        ["Permute"] = One(x => Ops.Permute(x, 2, 0, 1), Normal(2, 3, 4)),
        ["Permute 4d"] = One(x => Ops.Permute(x, 0, 2, 3, 1), Normal(2, 3, 2, 2)),
        ["Concat dim 0"] = new(xs => new[] { Ops.Concat(xs, 0) }, r => new[] { Tensor.Randn(new[] { 2, 3 }, r), Tensor.Randn(new[] { 1, 3 }, r), Tensor.Randn(new[] { 3, 3 }, r) }),
        ["Concat dim 1"] = new(xs => new[] { Ops.Concat(xs, 1) }, r => new[] { Tensor.Randn(new[] { 2, 3, 2 }, r), Tensor.Randn(new[] { 2, 1, 2 }, r) }),
        ["Concat dim -1"] = new(xs => new[] { Ops.Concat(xs, -1) }, r => new[] { Tensor.Randn(new[] { 2, 2 }, r), Tensor.Randn(new[] { 2, 3 }, r) }),
        ["Stack dim 0"] = new(xs => new[] { Ops.Stack(xs, 0) }, r => new[] { Tensor.Randn(new[] { 2, 3 }, r), Tensor.Randn(new[] { 2, 3 }, r) }),
        ["Stack dim 1"] = new(xs => new[] { Ops.Stack(xs, 1) }, r => new[] { Tensor.Randn(new[] { 2, 3 }, r), Tensor.Randn(new[] { 2, 3 }, r), Tensor.Randn(new[] { 2, 3 }, r) }),
        ["Stack last"] = new(xs => new[] { Ops.Stack(xs, -1) }, r => new[] { Tensor.Randn(new[] { 2, 3 }, r), Tensor.Randn(new[] { 2, 3 }, r) }),
        ["Chunk even"] = new(xs => Ops.Chunk(xs[0], 5, 1), r => new[] { Tensor.Randn(new[] { 2, 10 }, r) }),
        ["Chunk uneven"] = new(xs => Ops.Chunk(xs[0], 3, 0), r => new[] { Tensor.Randn(new[] { 7, 3 }, r) }),
        ["Chunk partly used"] = One(x => Ops.Chunk(x, 3, -1)[1], Normal(2, 3, 6)),
        ["Narrow"] = One(x => Ops.Narrow(x, 1, 1, 2), Normal(2, 4, 3)),
        ["Select"] = One(x => Ops.Select(x, 1, 2), Normal(2, 4, 3)),
        ["Select negative"] = One(x => Ops.Select(x, 0, -1), Normal(3, 4)),
        ["Unsqueeze"] = One(x => Ops.Mul(Ops.Unsqueeze(x, 1), Tensor.Arange(4)), Normal(3, 4)),
        ["Squeeze"] = One(x => Ops.Squeeze(x, 1), Normal(3, 1, 4)),

        // ---- losses ----
        ["CrossEntropy"] = One(x => Ops.CrossEntropy(x, IntTensor.FromArray(new[] { 0, 4, 2, 1 }, 4)), Normal(4, 5)),
        ["CrossEntropy single sample"] = One(x => Ops.CrossEntropy(x, IntTensor.FromArray(new[] { 2 }, 1)), Normal(1, 3)),
        ["CrossEntropy large logits"] = One(x => Ops.CrossEntropy(Ops.Mul(x, 30f), IntTensor.FromArray(new[] { 1, 0, 2 }, 3)), Normal(3, 3)),
        ["MseLoss mean"] = Two((a, b) => Ops.MseLoss(a, b), Normal(4, 3), Normal(4, 3)),
        ["MseLoss sum"] = Two((a, b) => Ops.MseLoss(a, b, Reduction.Sum), Normal(4, 3), Normal(4, 3)),
        ["MseLoss none"] = Two((a, b) => Ops.MseLoss(a, b, Reduction.None), Normal(4, 3), Normal(4, 3)),
    };

    /// <summary>Values at least 0.1 away from the clamp bounds ±0.5, on both sides of each.</summary>
    static Tensor ClampInput(Rng r)
    {
        var t = AwayFromZero(4, 5)(r);
        var d = t.Data;
        for (int i = 0; i < d.Length; i++)
            if (MathF.Abs(MathF.Abs(d[i]) - 0.5f) < 0.1f) d[i] = MathF.CopySign(0.3f, d[i]);
        return t;
    }

    public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(name => new object[] { name });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void GradientMatchesFiniteDifferences(string name)
    {
        var c = Cases[name];
        GradCheck.Check(c.Function, c.Inputs(new Rng(name.Aggregate(17, (h, ch) => h * 31 + ch))), atol: c.Atol);
    }

    [Fact]
    public void GradCheckCatchesAWrongGradient()
    {
        var wrong = new HalfGradient();
        Assert.Throws<Xunit.Sdk.XunitException>(() => GradCheck.Check(x => wrong.Apply(x), Tensor.Randn(new[] { 3, 4 }, new Rng(3))));
    }

    /// <summary>Identity forward with half the true gradient: the gradcheck itself must reject it.</summary>
    sealed class HalfGradient : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0].Clone();
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => new Tensor?[] { Ops.Mul(gradOutput, 0.5f) };
    }
}
