using Kiln.Kernels;

namespace Kiln.Runtime.Tests.Kernels;

public class TransposeTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 17)]
    [InlineData(7, 9)]
    [InlineData(8, 8)]
    [InlineData(16, 24)]
    [InlineData(33, 65)]
    [InlineData(64, 1000)]
    public void Transpose2DMatchesIndexArithmetic(int rows, int cols)
    {
        var src = Enumerable.Range(0, rows * cols).Select(i => (float)i).ToArray();
        var dst = new float[rows * cols];
        Layout.Transpose2D(src, rows, cols, dst);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                Assert.Equal(src[r * cols + c], dst[c * rows + r]);
    }

    [Fact]
    public void Transpose2DRejectsShortBuffers()
    {
        Assert.Throws<ArgumentException>(() => Layout.Transpose2D(new float[5], 2, 3, new float[6]));
    }
}
