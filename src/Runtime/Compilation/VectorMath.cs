using System.Numerics;

namespace Kiln.Compiled;

/// <summary>
/// Kept for generated code emitted before the pointwise functions moved to <see cref="Kernels.Pointwise"/>; new code
/// calls <c>Kiln.Kernels.Pointwise</c> directly.
/// </summary>
public static class VectorMath
{
    /// <summary>Forwards to <see cref="Kernels.Pointwise.Tanh(Vector{float})"/>.</summary>
    public static Vector<float> Tanh(Vector<float> x) => Kernels.Pointwise.Tanh(x);
}
