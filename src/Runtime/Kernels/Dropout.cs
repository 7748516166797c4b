using System.Runtime.CompilerServices;
namespace Kiln.Kernels;

/// <summary>The inverted-dropout mask: each element kept with probability 1 − p and then scaled by 1 / (1 − p).</summary>
public static class Dropout
{
    /// <summary>
    /// Fills <paramref name="mask"/> with 1 / (1 − p) where an element survives and 0 where it is dropped, drawing
    /// one uniform number per element from <paramref name="rng"/> (so a seed fixes the mask). p = 1 drops everything.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FillMask(Rng rng, float p, Span<float> mask)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(p >= 0f && p <= 1f)) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout.FillMask: p must be in [0, 1], got {p}.");
        if (p == 1f)
        {
            mask.Clear();
            return;
        }
        float scale = 1f / (1f - p);
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextFloat() >= p ? scale : 0f;
    }
}
