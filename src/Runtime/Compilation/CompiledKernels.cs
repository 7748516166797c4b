namespace Kiln.Compiled;

/// <summary>
/// Entry points of generated code that compose Kiln.Kernels routines (the ones the eager ops call) where a compiled
/// graph keeps different state than the tape: the dropout mask drawn per call from the module's flag and generator,
/// and the max-pool gradient recomputing the argmax from the kept input instead of storing it.
/// </summary>
public static class CompiledKernels
{
    /// <summary>
    /// The dropout mask of one call: in training, Kiln.Kernels.Dropout's mask drawn from <paramref name="rng"/> (or
    /// Rng.Default, as the eager op does); otherwise, or for p = 0, all ones, drawing nothing.
    /// </summary>
    public static void DropoutMask(bool training, Rng? rng, float p, Span<float> mask)
    {
        if (!training || p == 0f) mask.Fill(1f);
        else Kernels.Dropout.FillMask(rng ?? Rng.Default, p, mask);
    }

    /// <summary>
    /// Max-pooling gradient from the kept input: the argmax indices are recomputed into <paramref name="scratch"/>
    /// (values, then indices) with the forward kernel itself, so ties resolve exactly as in the forward pass.
    /// </summary>
    public static void MaxPool2dBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradInput, Span<float> scratch, in Kernels.Pool2dGeometry g)
    {
        int outputs = g.Planes * g.OutputPlaneSize;
        var values = scratch.Slice(0, outputs);
        var indices = System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(scratch.Slice(outputs, outputs));
        Kernels.Pooling.MaxPool2dForward(x, values, indices, g);
        Kernels.Pooling.MaxPool2dBackward(gradOutput, indices, gradInput, g);
    }
}
