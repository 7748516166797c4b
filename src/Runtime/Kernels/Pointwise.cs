using System.Numerics;
using System.Runtime.CompilerServices;

namespace Kiln.Kernels;

/// <summary>
/// The per-element definitions of the pointwise activations and their gradients: the single source both the eager
/// kernels (<see cref="Activation"/>) and the fused loops of generated code call. Each function has a float form and
/// a <see cref="Vector{T}"/> form that perform the same operations in the same order, with this class's own
/// <see cref="Exp(float)"/> (identical bits in both forms, ~1 ulp), so a fused loop's vector body and its scalar tail
/// agree bit for bit; only softplus's logarithm (<see cref="MathF.Log"/> against <see cref="Vector.Log(Vector{float})"/>)
/// may differ by an ulp. Formulas and branch conditions follow PyTorch's CPU kernels (torch names in each summary).
/// </summary>
public static class Pointwise
{
    // ---------------------------------------------------------------- relu

    /// <summary>
    /// Gradient of relu from its output y (torch's threshold_backward(g, y, 0)): y ≤ 0 ? 0 : g. A select, not a
    /// product: where y ≤ 0 the result is +0 even when g is infinite or NaN; where y is NaN, g passes through.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReluBackward(float g, float y) => y <= 0f ? 0f : g;

    /// <inheritdoc cref="ReluBackward(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> ReluBackward(Vector<float> g, Vector<float> y) =>
        Vector.ConditionalSelect(Vector.LessThanOrEqual<float>(y, Vector<float>.Zero), Vector<float>.Zero, g);

    // ---------------------------------------------------------------- exp

    // Cephes expf: e^x = 2^n · e^r with n = round(x · log2 e) and r = x − n · ln 2 (ln 2 split in two so that n · C1 is
    // exact), e^r from a degree-7 polynomial on |r| ≤ ln2/2. 2^n is applied as two halves, so results between
    // float.MaxValue and infinity overflow to ∞ and subnormal results round once, as a correctly rounded exp would.
    const float ExpHigh = 88.8f, ExpLow = -104f;
    const float Log2E = 1.44269504088896341f, ExpC1 = 0.693359375f, ExpC2 = -2.12194440e-4f;
    const float ExpP0 = 1.9875691500e-4f, ExpP1 = 1.3981999507e-3f, ExpP2 = 8.3334519073e-3f, ExpP3 = 4.1665795894e-2f,
        ExpP4 = 1.6666665459e-1f, ExpP5 = 5.0000001201e-1f;

    /// <summary>
    /// e^x to about 1 ulp, the same bits from the float and the vector form (which <see cref="MathF.Exp"/> and
    /// <see cref="System.Numerics.Vector.Exp(Vector{float})"/> do not promise). ∞ above ~88.72, 0 below ~−103.9, NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x)
    {
        x = x > ExpHigh ? ExpHigh : x < ExpLow ? ExpLow : x;
        float fx = MathF.Floor(x * Log2E + 0.5f);
        float r = x - fx * ExpC1;
        r = r - fx * ExpC2;
        float z = r * r;
        float y = ExpP0;
        y = y * r + ExpP1;
        y = y * r + ExpP2;
        y = y * r + ExpP3;
        y = y * r + ExpP4;
        y = y * r + ExpP5;
        y = y * z + r + 1f;
        int n = (int)fx;
        int half = n >> 1;
        return y * BitConverter.Int32BitsToSingle((half + 127) << 23) * BitConverter.Int32BitsToSingle((n - half + 127) << 23);
    }

    /// <inheritdoc cref="Exp(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> x)
    {
        var high = new Vector<float>(ExpHigh);
        var low = new Vector<float>(ExpLow);
        x = Vector.ConditionalSelect(Vector.GreaterThan<float>(x, high), high, x);
        x = Vector.ConditionalSelect(Vector.LessThan<float>(x, low), low, x);
        var fx = Vector.Floor(x * Log2E + new Vector<float>(0.5f));
        var r = x - fx * ExpC1;
        r = r - fx * ExpC2;
        var z = r * r;
        var y = new Vector<float>(ExpP0);
        y = y * r + new Vector<float>(ExpP1);
        y = y * r + new Vector<float>(ExpP2);
        y = y * r + new Vector<float>(ExpP3);
        y = y * r + new Vector<float>(ExpP4);
        y = y * r + new Vector<float>(ExpP5);
        y = y * z + r + Vector<float>.One;
        var n = Vector.ConvertToInt32(fx);
        var half = Vector.ShiftRightArithmetic(n, 1);
        var bias = new Vector<int>(127);
        var scaleHigh = Vector.AsVectorSingle(Vector.ShiftLeft(half + bias, 23));
        var scaleLow = Vector.AsVectorSingle(Vector.ShiftLeft(n - half + bias, 23));
        return y * scaleHigh * scaleLow;
    }

    // ---------------------------------------------------------------- log

    // Cephes logf: x = m · 2^e with m in [√½, √2), log(m) from a degree-9 polynomial in m − 1, e · ln 2 added in two
    // parts (ln 2 = C1 + C2, C1 exact in few bits). Subnormal inputs are scaled by 2^25 first so m is normal.
    const float LogSqrtHalf = 0.707106781186547524f, LogScale = 33554432f, MinNormal = 1.17549435e-38f; // 2^25, smallest normal float
    const float LogP0 = 7.0376836292e-2f, LogP1 = -1.1514610310e-1f, LogP2 = 1.1676998740e-1f, LogP3 = -1.2420140846e-1f,
        LogP4 = 1.4249322787e-1f, LogP5 = -1.6668057665e-1f, LogP6 = 2.0000714765e-1f, LogP7 = -2.4999993993e-1f, LogP8 = 3.3333331174e-1f;

    /// <summary>
    /// Natural log to about 1 ulp, the same bits from the float and the vector form: −∞ at ±0, NaN below 0 and for NaN,
    /// ∞ at ∞, subnormals handled.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Log(float x)
    {
        if (!(x > 0f)) return x == 0f ? float.NegativeInfinity : float.NaN;
        if (x == float.PositiveInfinity) return x;
        float offset = 0f;
        if (x < MinNormal) { x *= LogScale; offset = -25f; }
        int bits = BitConverter.SingleToInt32Bits(x);
        float e = ((bits >> 23) & 0xFF) - 126 + offset;
        float m = BitConverter.Int32BitsToSingle((bits & 0x007FFFFF) | 0x3F000000);
        if (m < LogSqrtHalf) { e -= 1f; m = m + m - 1f; } else m -= 1f;
        float z = m * m;
        float y = LogP0;
        y = y * m + LogP1; y = y * m + LogP2; y = y * m + LogP3; y = y * m + LogP4;
        y = y * m + LogP5; y = y * m + LogP6; y = y * m + LogP7; y = y * m + LogP8;
        y = y * m * z;
        y += e * ExpC2;
        y += -0.5f * z;
        return m + y + e * ExpC1;
    }

    /// <inheritdoc cref="Log(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Log(Vector<float> x)
    {
        var subnormal = Vector.LessThan<float>(x, new Vector<float>(MinNormal));
        var scaled = Vector.ConditionalSelect(subnormal, x * LogScale, x);
        var offset = Vector.ConditionalSelect(subnormal, new Vector<float>(-25f), Vector<float>.Zero);
        var bits = Vector.AsVectorInt32(scaled);
        var e = Vector.ConvertToSingle(Vector.BitwiseAnd(Vector.ShiftRightArithmetic(bits, 23), new Vector<int>(0xFF)) - new Vector<int>(126)) + offset;
        var m = Vector.AsVectorSingle(Vector.BitwiseOr(Vector.BitwiseAnd(bits, new Vector<int>(0x007FFFFF)), new Vector<int>(0x3F000000)));
        var small = Vector.LessThan<float>(m, new Vector<float>(LogSqrtHalf));
        e = Vector.ConditionalSelect(small, e - Vector<float>.One, e);
        m = Vector.ConditionalSelect(small, m + m - Vector<float>.One, m - Vector<float>.One);
        var z = m * m;
        var y = new Vector<float>(LogP0);
        y = y * m + new Vector<float>(LogP1); y = y * m + new Vector<float>(LogP2); y = y * m + new Vector<float>(LogP3); y = y * m + new Vector<float>(LogP4);
        y = y * m + new Vector<float>(LogP5); y = y * m + new Vector<float>(LogP6); y = y * m + new Vector<float>(LogP7); y = y * m + new Vector<float>(LogP8);
        y = y * m * z;
        y += e * ExpC2;
        y += z * -0.5f;
        var result = m + y + e * ExpC1;
        // Special values, in the scalar form's order: NaN (and negatives), ±0, +∞.
        result = Vector.ConditionalSelect(Vector.Equals<float>(x, new Vector<float>(float.PositiveInfinity)), x, result);
        result = Vector.ConditionalSelect(Vector.Equals<float>(x, Vector<float>.Zero), new Vector<float>(float.NegativeInfinity), result);
        return Vector.ConditionalSelect(Vector.GreaterThanOrEqual<float>(x, Vector<float>.Zero), result, new Vector<float>(float.NaN));
    }

    // ---------------------------------------------------------------- sigmoid

    /// <summary>σ(x) = 1 / (1 + e^−x): 0 for large negative x (e^−x overflows to ∞), 1 for large positive x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => 1f / (1f + Exp(-x));

    /// <inheritdoc cref="Sigmoid(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sigmoid(Vector<float> x) => Vector<float>.One / (Vector<float>.One + Exp(-x));

    // ---------------------------------------------------------------- tanh

    // Below this |x| the closed form 2/(1+e^(-2|x|)) - 1 cancels catastrophically (its absolute error ~1e-7 is a large
    // relative error near 0); the odd Taylor series through x^7 is accurate there to ~1e-9 relative.
    const float TanhSeriesLimit = 0.125f;

    /// <summary>tanh: never overflows (the exponent is never positive) and keeps relative precision near 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x)
    {
        float magnitude = MathF.Abs(x);
        if (magnitude < TanhSeriesLimit)
        {
            float x2 = x * x;
            return x * (1f + x2 * (-1f / 3f + x2 * (2f / 15f + x2 * (-17f / 315f))));
        }
        return MathF.CopySign(2f / (1f + Exp(magnitude * -2f)) - 1f, x);
    }

    /// <inheritdoc cref="Tanh(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Tanh(Vector<float> x)
    {
        var magnitude = Vector.Abs(x);
        var closedForm = new Vector<float>(2f) / (Vector<float>.One + Exp(magnitude * -2f)) - Vector<float>.One;
        var signed = Vector.ConditionalSelect(new Vector<float>(-0f), x, closedForm);
        var x2 = x * x;
        var series = x * (Vector<float>.One + x2 * (new Vector<float>(-1f / 3f) + x2 * (new Vector<float>(2f / 15f) + x2 * new Vector<float>(-17f / 315f))));
        return Vector.ConditionalSelect(Vector.LessThan<float>(magnitude, new Vector<float>(TanhSeriesLimit)), series, signed);
    }

    // ---------------------------------------------------------------- leaky relu

    /// <summary>torch leaky_relu: x &gt; 0 ? x : x · negativeSlope (NaN stays NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyRelu(float x, float negativeSlope) => x > 0f ? x : x * negativeSlope;

    /// <inheritdoc cref="LeakyRelu(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> LeakyRelu(Vector<float> x, float negativeSlope) =>
        Vector.ConditionalSelect(Vector.GreaterThan<float>(x, Vector<float>.Zero), x, x * negativeSlope);

    /// <summary>torch leaky_relu_backward: x &gt; 0 ? g : g · negativeSlope.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyReluBackward(float g, float x, float negativeSlope) => x > 0f ? g : g * negativeSlope;

    /// <inheritdoc cref="LeakyReluBackward(float, float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> LeakyReluBackward(Vector<float> g, Vector<float> x, float negativeSlope) =>
        Vector.ConditionalSelect(Vector.GreaterThan<float>(x, Vector<float>.Zero), g, g * negativeSlope);

    // ---------------------------------------------------------------- erf

    // Eigen's generic_fast_erf_float (also XLA's): erf(x) = x·P(x²)/Q(x²) on x clamped to [−4, 4] (beyond which erf
    // is ±1 in float32), max error ~4 ulp (near |x| ≈ 3.65), the result clamped to [−1, 1]. Both forms use plain
    // multiplies and adds in the same order, so they round identically.
    const float ErfClamp = 4f;
    const float ErfA1 = -1.60960333262415e-02f, ErfA3 = -2.95459980854025e-03f, ErfA5 = -7.34990630326855e-04f,
        ErfA7 = -5.69250639462346e-05f, ErfA9 = -2.10102402082508e-06f, ErfA11 = 2.77068142495902e-08f, ErfA13 = -2.72614225801306e-10f;
    const float ErfB0 = -1.42647390514189e-02f, ErfB2 = -7.37332916720468e-03f, ErfB4 = -1.68282697438203e-03f,
        ErfB6 = -2.13374055278905e-04f, ErfB8 = -1.45660718464996e-05f;

    /// <summary>The error function, accurate to a few ulp; NaN gives NaN, ±∞ gives ±1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Erf(float x)
    {
        x = x > ErfClamp ? ErfClamp : x < -ErfClamp ? -ErfClamp : x;
        float x2 = x * x;
        float p = x2 * ErfA13 + ErfA11;
        p = x2 * p + ErfA9;
        p = x2 * p + ErfA7;
        p = x2 * p + ErfA5;
        p = x2 * p + ErfA3;
        p = x2 * p + ErfA1;
        p = x * p;
        float q = x2 * ErfB8 + ErfB6;
        q = x2 * q + ErfB4;
        q = x2 * q + ErfB2;
        q = x2 * q + ErfB0;
        // The rational form overshoots ±1 by an ulp near |x| ≈ 3.7; erf never does (gelu would change sign there).
        float r = p / q;
        return r > 1f ? 1f : r < -1f ? -1f : r;
    }

    /// <inheritdoc cref="Erf(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Erf(Vector<float> x)
    {
        // Selects rather than Min/Max so that NaN lanes stay NaN, as in the scalar form.
        var limit = new Vector<float>(ErfClamp);
        x = Vector.ConditionalSelect(Vector.GreaterThan<float>(x, limit), limit, x);
        x = Vector.ConditionalSelect(Vector.LessThan<float>(x, -limit), -limit, x);
        var x2 = x * x;
        var p = x2 * new Vector<float>(ErfA13) + new Vector<float>(ErfA11);
        p = x2 * p + new Vector<float>(ErfA9);
        p = x2 * p + new Vector<float>(ErfA7);
        p = x2 * p + new Vector<float>(ErfA5);
        p = x2 * p + new Vector<float>(ErfA3);
        p = x2 * p + new Vector<float>(ErfA1);
        p = x * p;
        var q = x2 * new Vector<float>(ErfB8) + new Vector<float>(ErfB6);
        q = x2 * q + new Vector<float>(ErfB4);
        q = x2 * q + new Vector<float>(ErfB2);
        q = x2 * q + new Vector<float>(ErfB0);
        var r = p / q;
        r = Vector.ConditionalSelect(Vector.GreaterThan<float>(r, Vector<float>.One), Vector<float>.One, r);
        return Vector.ConditionalSelect(Vector.LessThan<float>(r, -Vector<float>.One), -Vector<float>.One, r);
    }

    // ---------------------------------------------------------------- gelu

    const float SqrtHalf = 0.70710678118654752f;                 // M_SQRT1_2
    const float GeluPdfScale = 0.39894228040143268f;             // M_2_SQRTPI · M_SQRT1_2 · 0.5 = 1/√(2π)
    const float GeluTanhScale = 0.79788456080286536f;            // M_SQRT2 · M_2_SQRTPI · 0.5 = √(2/π)
    const float GeluTanhKappa = 0.044715f;

    /// <summary>Exact gelu (torch approximate='none'): x · 0.5 · (1 + erf(x/√2)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gelu(float x) => x * 0.5f * (1f + Erf(x * SqrtHalf));

    /// <inheritdoc cref="Gelu(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Gelu(Vector<float> x) => x * 0.5f * (Vector<float>.One + Erf(x * SqrtHalf));

    /// <summary>torch GeluBackward (none): g · (Φ(x) + x · φ(x)), Φ(x) = 0.5 · (1 + erf(x/√2)), φ(x) = e^(−x²/2)/√(2π).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GeluBackward(float g, float x)
    {
        float cdf = 0.5f * (1f + Erf(x * SqrtHalf));
        float pdf = GeluPdfScale * Exp(x * x * -0.5f);
        return g * (cdf + x * pdf);
    }

    /// <inheritdoc cref="GeluBackward(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> GeluBackward(Vector<float> g, Vector<float> x)
    {
        var cdf = (Vector<float>.One + Erf(x * SqrtHalf)) * 0.5f;
        var pdf = Exp(x * x * -0.5f) * GeluPdfScale;
        return g * (cdf + x * pdf);
    }

    /// <summary>Tanh-approximated gelu (torch approximate='tanh'): 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GeluTanh(float x)
    {
        float inner = GeluTanhScale * (x + GeluTanhKappa * (x * x * x));
        return 0.5f * x * (1f + Tanh(inner));
    }

    /// <inheritdoc cref="GeluTanh(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> GeluTanh(Vector<float> x)
    {
        var inner = (x + (x * x * x) * GeluTanhKappa) * GeluTanhScale;
        return x * 0.5f * (Vector<float>.One + Tanh(inner));
    }

    /// <summary>
    /// torch GeluBackward (tanh): with t = tanh(√(2/π) · (x + κx³)),
    /// g · (0.5 · (1 + t) + 0.5x · (1 − t²) · √(2/π) · (1 + 3κx²)).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GeluTanhBackward(float g, float x)
    {
        float x2 = x * x;
        float t = Tanh(GeluTanhScale * (x + GeluTanhKappa * (x2 * x)));
        float left = 0.5f * x;
        float leftDerivative = 0.5f * (1f + t);
        float innerDerivative = GeluTanhScale * (1f + 3f * GeluTanhKappa * x2);
        float rightDerivative = left * (1f - t * t) * innerDerivative;
        return g * (leftDerivative + rightDerivative);
    }

    /// <inheritdoc cref="GeluTanhBackward(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> GeluTanhBackward(Vector<float> g, Vector<float> x)
    {
        var one = Vector<float>.One;
        var x2 = x * x;
        var t = Tanh((x + (x2 * x) * GeluTanhKappa) * GeluTanhScale);
        var left = x * 0.5f;
        var leftDerivative = (one + t) * 0.5f;
        var innerDerivative = (one + x2 * (3f * GeluTanhKappa)) * GeluTanhScale;
        var rightDerivative = left * (one - t * t) * innerDerivative;
        return g * (leftDerivative + rightDerivative);
    }

    // ---------------------------------------------------------------- softplus

    /// <summary>
    /// log(1 + u), accurate for tiny u (Goldberg's correction: log(w) · u / (w − 1) with w = 1 + u cancels w's rounding).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Log1P(float u)
    {
        float w = 1f + u;
        if (w == 1f) return u;
        if (w == float.PositiveInfinity) return w;
        return MathF.Log(w) * (u / (w - 1f));
    }

    /// <inheritdoc cref="Log1P(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Log1P(Vector<float> u)
    {
        var w = Vector<float>.One + u;
        var corrected = Vector.Log(w) * (u / (w - Vector<float>.One));
        var result = Vector.ConditionalSelect(Vector.Equals<float>(w, new Vector<float>(float.PositiveInfinity)), w, corrected);
        return Vector.ConditionalSelect(Vector.Equals<float>(w, Vector<float>.One), u, result);
    }

    /// <summary>torch softplus: x · β &gt; threshold ? x : log1p(exp(x · β)) / β.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Softplus(float x, float beta, float threshold)
    {
        float bx = x * beta;
        return bx > threshold ? x : Log1P(Exp(bx)) / beta;
    }

    /// <inheritdoc cref="Softplus(float, float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Softplus(Vector<float> x, float beta, float threshold)
    {
        var bx = x * beta;
        return Vector.ConditionalSelect(Vector.GreaterThan<float>(bx, new Vector<float>(threshold)), x, Log1P(Exp(bx)) / beta);
    }

    /// <summary>torch softplus_backward: x · β &gt; threshold ? g : g · z / (z + 1), z = exp(x · β).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SoftplusBackward(float g, float x, float beta, float threshold)
    {
        float bx = x * beta;
        if (bx > threshold) return g;
        float z = Exp(bx);
        return g * z / (z + 1f);
    }

    /// <inheritdoc cref="SoftplusBackward(float, float, float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> SoftplusBackward(Vector<float> g, Vector<float> x, float beta, float threshold)
    {
        var bx = x * beta;
        var z = Exp(bx);
        return Vector.ConditionalSelect(Vector.GreaterThan<float>(bx, new Vector<float>(threshold)), g, g * z / (z + Vector<float>.One));
    }

    // ---------------------------------------------------------------- elu

    /// <summary>torch elu (scale 1, input scale 1): x &gt; 0 ? x : α · (exp(x) − 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Elu(float x, float alpha) => x > 0f ? x : alpha * (Exp(x) - 1f);

    /// <inheritdoc cref="Elu(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Elu(Vector<float> x, float alpha) =>
        Vector.ConditionalSelect(Vector.GreaterThan<float>(x, Vector<float>.Zero), x, (Exp(x) - Vector<float>.One) * alpha);

    /// <summary>torch elu_backward from the input (is_result = false): x &gt; 0 ? g : g · α · exp(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float EluBackward(float g, float x, float alpha) => x > 0f ? g : g * alpha * Exp(x);

    /// <inheritdoc cref="EluBackward(float, float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> EluBackward(Vector<float> g, Vector<float> x, float alpha) =>
        Vector.ConditionalSelect(Vector.GreaterThan<float>(x, Vector<float>.Zero), g, g * alpha * Exp(x));

    // ---------------------------------------------------------------- silu

    /// <summary>torch silu (swish): x · σ(x) = x / (1 + exp(−x)); −0 for large negative x, never NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Silu(float x) => x / (1f + Exp(-x));

    /// <inheritdoc cref="Silu(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Silu(Vector<float> x) => x / (Vector<float>.One + Exp(-x));

    /// <summary>torch silu_backward from the input: g · σ(x) · (1 + x · (1 − σ(x))).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SiluBackward(float g, float x)
    {
        float s = 1f / (1f + Exp(-x));
        return g * s * (1f + x * (1f - s));
    }

    /// <inheritdoc cref="SiluBackward(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> SiluBackward(Vector<float> g, Vector<float> x)
    {
        var s = Vector<float>.One / (Vector<float>.One + Exp(-x));
        return g * s * (Vector<float>.One + x * (Vector<float>.One - s));
    }
}
