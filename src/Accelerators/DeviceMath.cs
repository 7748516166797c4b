using ILGPU.Algorithms;

namespace Kiln.Accelerators;

/// <summary>
/// Per-element functions generated kernels call that XMath lacks: erf and the two gelus with their gradients, as
/// Kiln.Kernels.Pointwise computes them (same polynomial, same operation order; exp and tanh through XMath, which are
/// the GPU's approximate instructions on PTX). Plain static float code, so ILGPU compiles it into the calling kernel.
/// </summary>
public static class DeviceMath
{
    const float ErfClamp = 4f;
    const float ErfA1 = -1.60960333262415e-02f, ErfA3 = -2.95459980854025e-03f, ErfA5 = -7.34990630326855e-04f,
        ErfA7 = -5.69250639462346e-05f, ErfA9 = -2.10102402082508e-06f, ErfA11 = 2.77068142495902e-08f, ErfA13 = -2.72614225801306e-10f;
    const float ErfB0 = -1.42647390514189e-02f, ErfB2 = -7.37332916720468e-03f, ErfB4 = -1.68282697438203e-03f,
        ErfB6 = -2.13374055278905e-04f, ErfB8 = -1.45660718464996e-05f;
    const float SqrtHalf = 0.70710678118654752f;
    const float GeluPdfScale = 0.39894228040143268f;
    const float GeluTanhScale = 0.79788456080286536f;
    const float GeluTanhKappa = 0.044715f;

    /// <summary>Eigen's rational erf (Kiln.Kernels.Pointwise.Erf): a few ulp, clamped to [−1, 1].</summary>
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
        float r = p / q;
        return r > 1f ? 1f : r < -1f ? -1f : r;
    }

    public static float Gelu(float x) => x * 0.5f * (1f + Erf(x * SqrtHalf));

    public static float GeluBackward(float g, float x)
    {
        float cdf = 0.5f * (1f + Erf(x * SqrtHalf));
        float pdf = GeluPdfScale * XMath.Exp(x * x * -0.5f);
        return g * (cdf + x * pdf);
    }

    public static float GeluTanh(float x)
    {
        float inner = GeluTanhScale * (x + GeluTanhKappa * (x * x * x));
        return 0.5f * x * (1f + XMath.Tanh(inner));
    }

    public static float GeluTanhBackward(float g, float x)
    {
        float x2 = x * x;
        float t = XMath.Tanh(GeluTanhScale * (x + GeluTanhKappa * (x2 * x)));
        float left = 0.5f * x;
        float leftDerivative = 0.5f * (1f + t);
        float innerDerivative = GeluTanhScale * (1f + 3f * GeluTanhKappa * x2);
        float rightDerivative = left * (1f - t * t) * innerDerivative;
        return g * (leftDerivative + rightDerivative);
    }
}
