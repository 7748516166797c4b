using System.Numerics;
using Kiln.Kernels;

namespace Kiln.Runtime.Tests.Kernels;

public class PointwiseTanhTests
{
    [Fact]
    public void TanhMatchesMathTanhInRelativeTermsAcrossTheRange()
    {
        var inputs = new List<float> { 0f, -0f, 1e-30f, -1e-20f, 1e-6f, -3e-4f, 0.01f, 0.1249f, 0.125f, -0.13f, 0.5f, -1f, 3f, 9f, -20f, 88f, 1e30f, float.MaxValue, float.MinValue };
        for (float v = -6f; v <= 6f; v += 0.0137f) inputs.Add(v);
        int width = Vector<float>.Count;
        var lanes = new float[width];
        foreach (var value in inputs)
        {
            Array.Fill(lanes, value);
            float actual = Pointwise.Tanh(new Vector<float>(lanes))[0];
            double expected = Math.Tanh(value);
            double error = Math.Abs(actual - expected);
            Assert.True(error <= 2e-6 * Math.Abs(expected) + 1e-38, $"tanh({value}): {actual} vs {expected} (relative error {error / Math.Abs(expected):g3})");
            Assert.Equal(float.IsNegative(value), float.IsNegative(actual));
        }
    }
}
