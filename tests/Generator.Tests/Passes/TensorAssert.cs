namespace Kiln.Generator.Tests.Passes;

internal static class TensorAssert
{
    /// <summary>max |actual − expected| ≤ tolerance · max(|expected|, floor): relative to the tensor's scale.</summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double tolerance = 1e-4, double floor = 1e-6)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        double scale = floor, worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < expected.Length; i++) scale = Math.Max(scale, Math.Abs(expected[i]));
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs((double)actual[i] - expected[i]);
            if (double.IsNaN(d) || d > worst) { worst = double.IsNaN(d) ? double.PositiveInfinity : d; worstIndex = i; }
        }
        Assert.True(worst <= tolerance * scale,
            $"{what}: element {worstIndex} is {(worstIndex >= 0 ? actual[worstIndex] : 0)} but expected {(worstIndex >= 0 ? expected[worstIndex] : 0)} (|diff| {worst:G3} > {tolerance:G3} × scale {scale:G3})");
    }
}
