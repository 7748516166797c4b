namespace Kiln.Runtime.Tests.Support;

/// <summary>Small tensor builders the autograd tests share.</summary>
public static class TestTensors
{
    /// <summary>A copy of <paramref name="data"/> as a leaf that requires grad.</summary>
    public static Tensor Leaf(float[] data, params int[] shape)
    {
        var t = Tensor.FromArray(data, shape);
        t.RequiresGrad = true;
        return t;
    }
}
