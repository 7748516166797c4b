using ILGPU;

namespace Kiln.Accelerators.Kernels;

/// <summary>One dropout site's mask for one step: the step's seed, the site (its node id) and the drop probability.</summary>
public struct DropoutMaskShape
{
    public ulong Seed;
    public int Site;
    public float P, Scale;
}

/// <summary>
/// Dropout masks drawn on the device. Each element's draw is a counter-based hash of (seed, site, index), so it needs no
/// generator state between threads and the same mask can be recomputed from the same triple; the masks differ from the
/// CPU's sequential <c>Kiln.Rng</c> draws, as PyTorch's CUDA masks differ from its CPU ones.
/// </summary>
public static class DropoutKernels
{
    /// <summary>mask[i] = 1/(1-p) with probability 1-p, else 0; all ones when <paramref name="training"/> is 0 or p is 0.</summary>
    public static void Mask(Index1D element, ArrayView<float> mask, int training, DropoutMaskShape s)
    {
        if (training == 0 || s.P == 0f)
        {
            mask[element.X] = 1f;
            return;
        }
        ulong h = Mix(s.Seed ^ Mix(((ulong)(uint)s.Site << 32) | (uint)element.X));
        // 24 high bits as a uniform float in [0, 1), as Kiln.Rng.NextFloat draws it.
        float u = (h >> 40) * (1f / (1 << 24));
        mask[element.X] = u < s.P ? 0f : s.Scale;
    }

    /// <summary>SplitMix64's finalizer: a bijective 64-bit mix in which every input bit affects every output bit.</summary>
    static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
