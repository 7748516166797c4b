using System.Numerics.Tensors;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Kiln.Kernels;

/// <summary>
/// Fused gradients of the pointwise activations. Each performs the float operations of the op-by-op rule it
/// replaces, in the same order and with the same roundings, without temporaries. The destination may be the
/// gradient's own buffer but must not overlap x or y (the sigmoid, tanh and square gradients stage there).
/// The activations of <see cref="Pointwise"/> (forward and backward) loop here over spans with its vector form and a
/// scalar tail, so eager results match the fused loops of generated code, which call the same functions.
/// </summary>
public static class Activation
{
    /// <summary>1 where x &gt; threshold, else 0 (NaN gives 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GreaterThanMask(ReadOnlySpan<float> x, float threshold, Span<float> destination)
    {
        CheckLengths(x.Length, x.Length, destination.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var t = new Vector<float>(threshold);
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref float d = ref MemoryMarshal.GetReference(destination);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
                Vector.ConditionalSelect(Vector.GreaterThan<float>(Vector.LoadUnsafe(ref xs, (nuint)i), t), Vector<float>.One, Vector<float>.Zero)
                    .StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < x.Length; i++) destination[i] = x[i] > threshold ? 1f : 0f;
    }

    /// <summary>
    /// Gradient of relu from its output y, as torch's threshold_backward: y ≤ 0 ? 0 : g (<see cref="Pointwise.ReluBackward(float, float)"/>).
    /// A select, not a product with a 0/1 mask: where y ≤ 0 the gradient is +0 even for an infinite or NaN g, and
    /// where y is NaN g passes through. (Given x instead of y it computes the same: y ≤ 0 exactly where x ≤ 0.)
    /// </summary>
    public static void ReluBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> y, Span<float> gradInput) =>
        Binary(new ReluGrad(), gradOutput, y, gradInput);

    /// <summary>Gradient of clamp: g · (min ≤ x ≤ max ? 1 : 0), multiplying by the mask as <see cref="ReluBackward"/> does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ClampBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, float min, float max, Span<float> gradInput)
    {
        CheckLengths(gradOutput.Length, x.Length, gradInput.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var lo = new Vector<float>(min);
            var hi = new Vector<float>(max);
            ref float gs = ref MemoryMarshal.GetReference(gradOutput);
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref float d = ref MemoryMarshal.GetReference(gradInput);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var xv = Vector.LoadUnsafe(ref xs, (nuint)i);
                var inside = Vector.GreaterThanOrEqual<float>(xv, lo) & Vector.LessThanOrEqual<float>(xv, hi);
                var mask = Vector.ConditionalSelect(inside, Vector<float>.One, Vector<float>.Zero);
                (Vector.LoadUnsafe(ref gs, (nuint)i) * mask).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < x.Length; i++) gradInput[i] = gradOutput[i] * (x[i] >= min && x[i] <= max ? 1f : 0f);
    }

    /// <summary>Gradient of sigmoid from its output y: g · (y · (1 − y)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SigmoidBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> y, Span<float> gradInput)
    {
        CheckLengths(gradOutput.Length, y.Length, gradInput.Length);
        TensorPrimitives.Subtract(1f, y, gradInput);
        TensorPrimitives.Multiply(y, gradInput, gradInput);
        TensorPrimitives.Multiply(gradOutput, gradInput, gradInput);
    }

    /// <summary>Gradient of tanh from its output y: g · (1 − y · y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TanhBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> y, Span<float> gradInput)
    {
        CheckLengths(gradOutput.Length, y.Length, gradInput.Length);
        TensorPrimitives.Multiply(y, y, gradInput);
        TensorPrimitives.Subtract(1f, gradInput, gradInput);
        TensorPrimitives.Multiply(gradOutput, gradInput, gradInput);
    }

    /// <summary>Gradient of x²: g · (x · 2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SquareBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, Span<float> gradInput)
    {
        CheckLengths(gradOutput.Length, x.Length, gradInput.Length);
        TensorPrimitives.Multiply(x, 2f, gradInput);
        TensorPrimitives.Multiply(gradOutput, gradInput, gradInput);
    }

    /// <summary>leaky_relu: x &gt; 0 ? x : x · negativeSlope.</summary>
    public static void LeakyRelu(ReadOnlySpan<float> x, float negativeSlope, Span<float> y) => Unary(new LeakyReluOp(negativeSlope), x, y);

    /// <summary>Gradient of leaky_relu from its input: x &gt; 0 ? g : g · negativeSlope.</summary>
    public static void LeakyReluBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, float negativeSlope, Span<float> gradInput) =>
        Binary(new LeakyReluGrad(negativeSlope), gradOutput, x, gradInput);

    /// <summary>Exact gelu: x · Φ(x).</summary>
    public static void Gelu(ReadOnlySpan<float> x, Span<float> y) => Unary(new GeluOp(), x, y);

    /// <summary>Gradient of exact gelu from its input.</summary>
    public static void GeluBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, Span<float> gradInput) =>
        Binary(new GeluGrad(), gradOutput, x, gradInput);

    /// <summary>Tanh-approximated gelu.</summary>
    public static void GeluTanh(ReadOnlySpan<float> x, Span<float> y) => Unary(new GeluTanhOp(), x, y);

    /// <summary>Gradient of tanh-approximated gelu from its input.</summary>
    public static void GeluTanhBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, Span<float> gradInput) =>
        Binary(new GeluTanhGrad(), gradOutput, x, gradInput);

    /// <summary>softplus: x · β &gt; threshold ? x : log1p(exp(x · β)) / β.</summary>
    public static void Softplus(ReadOnlySpan<float> x, float beta, float threshold, Span<float> y) => Unary(new SoftplusOp(beta, threshold), x, y);

    /// <summary>Gradient of softplus from its input.</summary>
    public static void SoftplusBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, float beta, float threshold, Span<float> gradInput) =>
        Binary(new SoftplusGrad(beta, threshold), gradOutput, x, gradInput);

    /// <summary>elu: x &gt; 0 ? x : α · (exp(x) − 1).</summary>
    public static void Elu(ReadOnlySpan<float> x, float alpha, Span<float> y) => Unary(new EluOp(alpha), x, y);

    /// <summary>Gradient of elu from its input.</summary>
    public static void EluBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, float alpha, Span<float> gradInput) =>
        Binary(new EluGrad(alpha), gradOutput, x, gradInput);

    /// <summary>e^x (Pointwise.Exp), the kernel behind the eager op and the generated loops alike.</summary>
    public static void Exp(ReadOnlySpan<float> x, Span<float> y) => Unary(new ExpOp(), x, y);

    /// <summary>ln x (Pointwise.Log).</summary>
    public static void Log(ReadOnlySpan<float> x, Span<float> y) => Unary(new LogOp(), x, y);

    /// <summary>σ(x) (Pointwise.Sigmoid).</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => Unary(new SigmoidOp(), x, y);

    /// <summary>tanh x (Pointwise.Tanh).</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => Unary(new TanhOp(), x, y);

    /// <summary>silu: x · σ(x).</summary>
    public static void Silu(ReadOnlySpan<float> x, Span<float> y) => Unary(new SiluOp(), x, y);

    /// <summary>Gradient of silu from its input.</summary>
    public static void SiluBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, Span<float> gradInput) =>
        Binary(new SiluGrad(), gradOutput, x, gradInput);

    // One loop per arity, specialised per op struct (the JIT inlines the Pointwise call): the vector form over whole
    // vectors, then the scalar form on the tail.

    interface IUnaryOp
    {
        float Invoke(float x);
        Vector<float> Invoke(Vector<float> x);
    }

    interface IBinaryOp
    {
        float Invoke(float g, float x);
        Vector<float> Invoke(Vector<float> g, Vector<float> x);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Unary<TOp>(TOp op, ReadOnlySpan<float> x, Span<float> destination) where TOp : struct, IUnaryOp
    {
        CheckLengths(x.Length, x.Length, destination.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref float d = ref MemoryMarshal.GetReference(destination);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
                op.Invoke(Vector.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < x.Length; i++) destination[i] = op.Invoke(x[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Binary<TOp>(TOp op, ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, Span<float> destination) where TOp : struct, IBinaryOp
    {
        CheckLengths(gradOutput.Length, x.Length, destination.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref float gs = ref MemoryMarshal.GetReference(gradOutput);
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref float d = ref MemoryMarshal.GetReference(destination);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
                op.Invoke(Vector.LoadUnsafe(ref gs, (nuint)i), Vector.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < x.Length; i++) destination[i] = op.Invoke(gradOutput[i], x[i]);
    }

    readonly struct ReluGrad : IBinaryOp
    {
        public float Invoke(float g, float y) => Pointwise.ReluBackward(g, y);
        public Vector<float> Invoke(Vector<float> g, Vector<float> y) => Pointwise.ReluBackward(g, y);
    }

    readonly struct LeakyReluOp(float slope) : IUnaryOp
    {
        public float Invoke(float x) => Pointwise.LeakyRelu(x, slope);
        public Vector<float> Invoke(Vector<float> x) => Pointwise.LeakyRelu(x, slope);
    }

    readonly struct LeakyReluGrad(float slope) : IBinaryOp
    {
        public float Invoke(float g, float x) => Pointwise.LeakyReluBackward(g, x, slope);
        public Vector<float> Invoke(Vector<float> g, Vector<float> x) => Pointwise.LeakyReluBackward(g, x, slope);
    }

    readonly struct GeluOp : IUnaryOp
    {
        public float Invoke(float x) => Pointwise.Gelu(x);
        public Vector<float> Invoke(Vector<float> x) => Pointwise.Gelu(x);
    }

    readonly struct GeluGrad : IBinaryOp
    {
        public float Invoke(float g, float x) => Pointwise.GeluBackward(g, x);
        public Vector<float> Invoke(Vector<float> g, Vector<float> x) => Pointwise.GeluBackward(g, x);
    }

    readonly struct GeluTanhOp : IUnaryOp
    {
        public float Invoke(float x) => Pointwise.GeluTanh(x);
        public Vector<float> Invoke(Vector<float> x) => Pointwise.GeluTanh(x);
    }

    readonly struct GeluTanhGrad : IBinaryOp
    {
        public float Invoke(float g, float x) => Pointwise.GeluTanhBackward(g, x);
        public Vector<float> Invoke(Vector<float> g, Vector<float> x) => Pointwise.GeluTanhBackward(g, x);
    }

    readonly struct SoftplusOp(float beta, float threshold) : IUnaryOp
    {
        public float Invoke(float x) => Pointwise.Softplus(x, beta, threshold);
        public Vector<float> Invoke(Vector<float> x) => Pointwise.Softplus(x, beta, threshold);
    }

    readonly struct SoftplusGrad(float beta, float threshold) : IBinaryOp
    {
        public float Invoke(float g, float x) => Pointwise.SoftplusBackward(g, x, beta, threshold);
        public Vector<float> Invoke(Vector<float> g, Vector<float> x) => Pointwise.SoftplusBackward(g, x, beta, threshold);
    }

    readonly struct EluOp(float alpha) : IUnaryOp
    {
        public float Invoke(float x) => Pointwise.Elu(x, alpha);
        public Vector<float> Invoke(Vector<float> x) => Pointwise.Elu(x, alpha);
    }

    readonly struct EluGrad(float alpha) : IBinaryOp
    {
        public float Invoke(float g, float x) => Pointwise.EluBackward(g, x, alpha);
        public Vector<float> Invoke(Vector<float> g, Vector<float> x) => Pointwise.EluBackward(g, x, alpha);
    }

    readonly struct ExpOp : IUnaryOp
    {
        public float Invoke(float x) => Pointwise.Exp(x);
        public Vector<float> Invoke(Vector<float> x) => Pointwise.Exp(x);
    }

    readonly struct LogOp : IUnaryOp
    {
        public float Invoke(float x) => Pointwise.Log(x);
        public Vector<float> Invoke(Vector<float> x) => Pointwise.Log(x);
    }

    readonly struct SigmoidOp : IUnaryOp
    {
        public float Invoke(float x) => Pointwise.Sigmoid(x);
        public Vector<float> Invoke(Vector<float> x) => Pointwise.Sigmoid(x);
    }

    readonly struct TanhOp : IUnaryOp
    {
        public float Invoke(float x) => Pointwise.Tanh(x);
        public Vector<float> Invoke(Vector<float> x) => Pointwise.Tanh(x);
    }

    readonly struct SiluOp : IUnaryOp
    {
        public float Invoke(float x) => Pointwise.Silu(x);
        public Vector<float> Invoke(Vector<float> x) => Pointwise.Silu(x);
    }

    readonly struct SiluGrad : IBinaryOp
    {
        public float Invoke(float g, float x) => Pointwise.SiluBackward(g, x);
        public Vector<float> Invoke(Vector<float> g, Vector<float> x) => Pointwise.SiluBackward(g, x);
    }

    static void CheckLengths(int gradOutput, int x, int destination)
    {
        if (gradOutput != x || destination != x)
            throw new ArgumentException($"Activation: lengths differ (gradient {gradOutput}, input {x}, destination {destination}).");
    }
}
