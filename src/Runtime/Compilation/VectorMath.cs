using System.Numerics;

namespace Kiln.Compiled;

/// <summary>Vector forms of the transcendental functions the fused loops of generated code need and the BCL lacks.</summary>
public static class VectorMath
{
    // Below this |x| the closed form 2/(1+e^(-2|x|)) - 1 cancels catastrophically (its absolute error ~1e-7 is a large
    // relative error near 0); the odd Taylor series through x^7 is accurate there to ~1e-9 relative.
    const float SeriesLimit = 0.125f;

    /// <summary>tanh of each lane: never overflows (the exponent is never positive) and keeps relative precision near 0.</summary>
    public static Vector<float> Tanh(Vector<float> x)
    {
        var magnitude = Vector.Abs(x);
        var closedForm = new Vector<float>(2f) / (Vector<float>.One + Vector.Exp(magnitude * -2f)) - Vector<float>.One;
        var signed = Vector.ConditionalSelect(new Vector<float>(-0f), x, closedForm);
        var x2 = x * x;
        var series = x * (Vector<float>.One + x2 * (new Vector<float>(-1f / 3f) + x2 * (new Vector<float>(2f / 15f) + x2 * new Vector<float>(-17f / 315f))));
        return Vector.ConditionalSelect(Vector.LessThan(magnitude, new Vector<float>(SeriesLimit)), series, signed);
    }
}
