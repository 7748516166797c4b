using System.Numerics.Tensors;
using Kiln.Kernels;

namespace Kiln;

/// <summary>
/// The differentiable ops (torch / torch.nn.functional), for <c>using static Kiln.Ops;</c>. Each op validates its
/// inputs, computes with the shared kernels and, when recording, attaches its gradient rule to the output.
/// </summary>
public static partial class Ops
{
    public static Tensor Add(Tensor a, Tensor b) => Binary(BinaryOp.Add, a, b, "Add");
    public static Tensor Sub(Tensor a, Tensor b) => Binary(BinaryOp.Subtract, a, b, "Sub");
    public static Tensor Mul(Tensor a, Tensor b) => Binary(BinaryOp.Multiply, a, b, "Mul");
    public static Tensor Div(Tensor a, Tensor b) => Binary(BinaryOp.Divide, a, b, "Div");

    static Tensor Binary(BinaryOp op, Tensor a, Tensor b, string name)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var shape = ShapeUtil.SameShape(a.Dims, b.Dims) ? a.Dims : ShapeUtil.Broadcast(a.Dims, b.Dims, name);
        var result = Uninitialized(ShapeUtil.CountInt(shape));
        Elementwise.Binary(op, a.Storage, a.Dims, b.Storage, b.Dims, result, shape);
        var output = Result(result, shape);
        if (!Autograd.ShouldRecord(a, b)) return output;
        return Autograd.Record(output, name, new[] { a, b }, g =>
        {
            Tensor? ga = null, gb = null;
            switch (op)
            {
                case BinaryOp.Add:
                    if (a.RequiresGrad) ga = ReduceTo(g, a);
                    if (b.RequiresGrad) gb = ReduceTo(g, b);
                    break;
                case BinaryOp.Subtract:
                    if (a.RequiresGrad) ga = ReduceTo(g, a);
                    if (b.RequiresGrad) gb = ReduceTo(Neg(g), b);
                    break;
                case BinaryOp.Multiply:
                    if (a.RequiresGrad) ga = ReduceTo(Mul(g, b), a);
                    if (b.RequiresGrad) gb = ReduceTo(Mul(g, a), b);
                    break;
                default:
                    if (a.RequiresGrad) ga = ReduceTo(Div(g, b), a);
                    if (b.RequiresGrad) gb = ReduceTo(Neg(Div(Mul(g, output), b)), b);
                    break;
            }
            return new[] { ga, gb };
        });
    }

    /// <summary>Sums a gradient over the dimensions along which <paramref name="like"/> was broadcast.</summary>
    static Tensor ReduceTo(Tensor g, Tensor like) =>
        ShapeUtil.SameShape(g.Dims, like.Dims) ? g : Result(Elementwise.SumToShape(g.Storage, g.Dims, like.Dims), like.Dims);

    public static Tensor Add(Tensor a, float b) => ScalarMap(a, "Add", (x, d) => Elementwise.ApplyScalarRight(BinaryOp.Add, x, b, d), g => g);
    public static Tensor Sub(Tensor a, float b) => ScalarMap(a, "Sub", (x, d) => Elementwise.ApplyScalarRight(BinaryOp.Subtract, x, b, d), g => g);
    public static Tensor Sub(float a, Tensor b) => ScalarMap(b, "Sub", (x, d) => Elementwise.ApplyScalarLeft(BinaryOp.Subtract, a, x, d), Neg);
    public static Tensor Mul(Tensor a, float b) => ScalarMap(a, "Mul", (x, d) => Elementwise.ApplyScalarRight(BinaryOp.Multiply, x, b, d), g => Mul(g, b));
    public static Tensor Div(Tensor a, float b) => ScalarMap(a, "Div", (x, d) => Elementwise.ApplyScalarRight(BinaryOp.Divide, x, b, d), g => Div(g, b));

    public static Tensor Div(float a, Tensor b)
    {
        var output = Map(b, (x, d) => Elementwise.ApplyScalarLeft(BinaryOp.Divide, a, x, d));
        return Autograd.ShouldRecord(b) ? Autograd.Record(output, "Div", new[] { b }, g => new Tensor?[] { Neg(Div(Mul(g, output), b)) }) : output;
    }

    /// <summary>
    /// A result buffer left unzeroed (zeroing a fresh array costs as much as filling it): only for results whose
    /// every element the op then writes. During a backward pass, a dead gradient's array of the same length when the
    /// engine has one (<see cref="GradientPool"/>).
    /// </summary>
    internal static float[] Uninitialized(int count) =>
        (Autograd.InBackward ? GradientPool.TryRent(count) : null) ?? GC.AllocateUninitializedArray<float>(count);

    /// <summary>
    /// An op's result on <paramref name="dims"/> without copying them (Tensor.Wrap copies, for callers' arrays):
    /// only for a shape array the op built itself or an existing tensor's, which nothing ever mutates.
    /// </summary>
    internal static Tensor Result(float[] storage, int[] dims) => new(storage, dims);

    delegate void SpanMap(ReadOnlySpan<float> x, Span<float> destination);

    /// <summary>A gradient rule on spans: gradient of the input from the output's gradient g, the input x and the output y.</summary>
    delegate void SpanGradient(ReadOnlySpan<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> gradInput);

    static Tensor Map(Tensor x, SpanMap map)
    {
        ArgumentNullException.ThrowIfNull(x);
        var result = Uninitialized(x.Count);
        map(x.Storage, result);
        return Result(result, x.Dims);
    }

    static Tensor ScalarMap(Tensor x, string name, SpanMap map, Func<Tensor, Tensor> gradient)
    {
        var output = Map(x, map);
        return Autograd.ShouldRecord(x) ? Autograd.Record(output, name, new[] { x }, g => new Tensor?[] { gradient(g) }) : output;
    }

    /// <summary>A unary op whose gradient is g · f'(x, y), given as a rule on (g, x, y).</summary>
    static Tensor Unary(Tensor x, string name, SpanMap map, Func<Tensor, Tensor, Tensor, Tensor> gradient)
    {
        var output = Map(x, map);
        return Autograd.ShouldRecord(x) ? Autograd.Record(output, name, new[] { x }, g => new Tensor?[] { gradient(g, x, output) }) : output;
    }

    /// <summary>A unary op whose gradient is one fused pass over (g, x, y) into a fresh buffer.</summary>
    static Tensor Pointwise(Tensor x, string name, SpanMap map, SpanGradient gradient)
    {
        var output = Map(x, map);
        if (!Autograd.ShouldRecord(x)) return output;
        return Autograd.Record(output, name, new[] { x }, g =>
        {
            var gx = Uninitialized(x.Count);
            gradient(g.Storage, x.Storage, output.Storage, gx);
            return new Tensor?[] { Result(gx, x.Dims) };
        });
    }

    public static Tensor Neg(Tensor x) => Unary(x, "Neg", TensorPrimitives.Negate, (g, _, _) => Neg(g));
    public static Tensor Exp(Tensor x) => Unary(x, "Exp", Activation.Exp, (g, _, y) => Mul(g, y));
    public static Tensor Log(Tensor x) => Unary(x, "Log", Activation.Log, (g, x, _) => Div(g, x));
    public static Tensor Square(Tensor x) => Pointwise(x, "Square", (s, d) => TensorPrimitives.Multiply(s, s, d), (g, x, _, gx) => Activation.SquareBackward(g, x, gx));
    public static Tensor Sqrt(Tensor x) => Unary(x, "Sqrt", TensorPrimitives.Sqrt, (g, _, y) => Div(g, Mul(y, 2f)));
    public static Tensor Abs(Tensor x) => Unary(x, "Abs", TensorPrimitives.Abs, (g, x, _) => Mul(g, SignOf(x)));
    public static Tensor Sigmoid(Tensor x) => Pointwise(x, "Sigmoid", Activation.Sigmoid, (g, _, y, gx) => Activation.SigmoidBackward(g, y, gx));
    public static Tensor Tanh(Tensor x) => Pointwise(x, "Tanh", Activation.Tanh, (g, _, y, gx) => Activation.TanhBackward(g, y, gx));

    /// <summary>
    /// max(x, 0). Its gradient is torch's threshold_backward on the output: y ≤ 0 ? 0 : g, a select (an infinite or NaN
    /// upstream gradient gives 0 where the input was not positive; where the input is NaN the gradient passes).
    /// </summary>
    public static Tensor Relu(Tensor x) => Pointwise(x, "Relu", (s, d) => TensorPrimitives.Max(s, 0f, d), (g, _, y, gx) => Activation.ReluBackward(g, y, gx));

    /// <summary>torch leaky_relu: x &gt; 0 ? x : x · negativeSlope.</summary>
    public static Tensor LeakyRelu(Tensor x, float negativeSlope = 0.01f) =>
        Pointwise(x, "LeakyRelu", (s, d) => Activation.LeakyRelu(s, negativeSlope, d), (g, x, _, gx) => Activation.LeakyReluBackward(g, x, negativeSlope, gx));

    /// <summary>torch gelu: <paramref name="approximate"/> "none" is x · Φ(x) with the exact normal CDF, "tanh" its tanh approximation.</summary>
    public static Tensor Gelu(Tensor x, string approximate = "none") => approximate switch
    {
        "none" => Pointwise(x, "Gelu", Activation.Gelu, (g, x, _, gx) => Activation.GeluBackward(g, x, gx)),
        "tanh" => Pointwise(x, "Gelu", Activation.GeluTanh, (g, x, _, gx) => Activation.GeluTanhBackward(g, x, gx)),
        _ => throw new ArgumentException($"Gelu: approximate must be \"none\" or \"tanh\", got \"{approximate}\".", nameof(approximate)),
    };

    /// <summary>torch softplus: x · β &gt; threshold ? x : log(1 + exp(x · β)) / β.</summary>
    public static Tensor Softplus(Tensor x, float beta = 1f, float threshold = 20f) =>
        Pointwise(x, "Softplus", (s, d) => Activation.Softplus(s, beta, threshold, d), (g, x, _, gx) => Activation.SoftplusBackward(g, x, beta, threshold, gx));

    /// <summary>torch elu: x &gt; 0 ? x : α · (exp(x) − 1).</summary>
    public static Tensor Elu(Tensor x, float alpha = 1f) =>
        Pointwise(x, "Elu", (s, d) => Activation.Elu(s, alpha, d), (g, x, _, gx) => Activation.EluBackward(g, x, alpha, gx));

    /// <summary>torch silu (swish): x · σ(x).</summary>
    public static Tensor Silu(Tensor x) => Pointwise(x, "Silu", Activation.Silu, (g, x, _, gx) => Activation.SiluBackward(g, x, gx));

    /// <summary>x raised to a constant power.</summary>
    public static Tensor Pow(Tensor x, float exponent) =>
        Unary(x, "Pow", (s, d) => TensorPrimitives.Pow(s, exponent, d), (g, x, _) => Mul(g, Mul(Pow(x, exponent - 1f), exponent)));

    /// <summary>Clamps to [min, max]; the gradient flows only where the input was inside the range.</summary>
    public static Tensor Clamp(Tensor x, float min = float.NegativeInfinity, float max = float.PositiveInfinity)
    {
        if (min > max) throw new ArgumentException($"Clamp: min {min} is greater than max {max}.");
        return Pointwise(x, "Clamp", (s, d) =>
        {
            TensorPrimitives.Max(s, min, d);
            TensorPrimitives.Min(d, max, d);
        }, (g, x, _, gx) => Activation.ClampBackward(g, x, min, max, gx));
    }

    /// <summary>1 where x &gt; threshold, else 0 (not differentiable; a mask for hand-written backward passes).</summary>
    public static Tensor GreaterThan(Tensor x, float threshold)
    {
        var result = Uninitialized(x.Count);
        Activation.GreaterThanMask(x.Storage, threshold, result);
        return Result(result, x.Dims);
    }

    static Tensor SignOf(Tensor x)
    {
        var result = new float[x.Count];
        for (int i = 0; i < result.Length; i++) result[i] = MathF.Sign(x.Storage[i]);
        return Tensor.Wrap(result, x.Dims);
    }
}
