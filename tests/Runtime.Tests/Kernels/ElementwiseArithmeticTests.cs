using System.Numerics.Tensors;
using Kiln.Kernels;

namespace Kiln.Runtime.Tests.Kernels;

/// <summary>
/// The eager arithmetic runs in Kiln's own loops (compiled optimised from the first call) instead of TensorPrimitives;
/// each element is one IEEE operation, so the bits must be TensorPrimitives' own, tails and special values included.
/// </summary>
public class ElementwiseArithmeticTests
{
    public static readonly TheoryData<BinaryOp, int> Cases = Build();

    static TheoryData<BinaryOp, int> Build()
    {
        var data = new TheoryData<BinaryOp, int>();
        foreach (var op in Enum.GetValues<BinaryOp>())
            foreach (int length in new[] { 0, 1, 7, 8, 15, 16, 17, 100, 1003 })
                data.Add(op, length);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SpanSpanSpanScalarAndScalarSpanMatchTensorPrimitivesBitForBit(BinaryOp op, int length)
    {
        var rng = new Random(length * 31 + (int)op);
        var x = Values(rng, length);
        var y = Values(rng, length);
        float scalar = op == BinaryOp.Divide ? 0.37f : -1.75f;

        var actual = new float[length];
        var expected = new float[length];
        Elementwise.Binary(op, x, new[] { length }, y, new[] { length }, actual, new[] { length });
        Reference(op, x, y, expected);
        Assert.Equal(Bits(expected), Bits(actual));

        Elementwise.ApplyScalarRight(op, x, scalar, actual);
        ReferenceScalarRight(op, x, scalar, expected);
        Assert.Equal(Bits(expected), Bits(actual));

        Elementwise.ApplyScalarLeft(op, scalar, y, actual);
        ReferenceScalarLeft(op, scalar, y, expected);
        Assert.Equal(Bits(expected), Bits(actual));
    }

    [Fact]
    public void ScaleAndMultiplyAddInPlaceMatchTensorPrimitives()
    {
        var rng = new Random(5);
        var x = Values(rng, 1003);
        var target = Values(rng, 1003);
        var expected = new float[1003];
        TensorPrimitives.MultiplyAdd(x, -0.3f, target, expected);
        SpanLoops.MultiplyAddInPlace(target, x, -0.3f);
        Assert.Equal(Bits(expected), Bits(target));

        TensorPrimitives.Multiply(target, 1.7f, expected);
        SpanLoops.Scale(target, 1.7f);
        Assert.Equal(Bits(expected), Bits(target));
    }

    [Fact]
    public void ShortOperandsAreRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => Elementwise.ApplyScalarRight(BinaryOp.Add, new float[3], 1f, new float[4]));
        Assert.Contains("3 floats for 4 results", ex.Message);
    }

    static float[] Values(Random rng, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(rng.NextDouble() * 8 - 4);
        // Special values where there is room: NaN, infinities, signed zeros, a subnormal.
        float[] special = { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-40f };
        for (int i = 0; i < special.Length && 3 * i < length; i++) values[3 * i] = special[i];
        return values;
    }

    static void Reference(BinaryOp op, float[] x, float[] y, float[] d)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(x, y, d); break;
            case BinaryOp.Subtract: TensorPrimitives.Subtract(x, y, d); break;
            case BinaryOp.Multiply: TensorPrimitives.Multiply(x, y, d); break;
            default: TensorPrimitives.Divide(x, y, d); break;
        }
    }

    static void ReferenceScalarRight(BinaryOp op, float[] x, float y, float[] d)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(x, y, d); break;
            case BinaryOp.Subtract: TensorPrimitives.Subtract(x, y, d); break;
            case BinaryOp.Multiply: TensorPrimitives.Multiply(x, y, d); break;
            default: TensorPrimitives.Divide(x, y, d); break;
        }
    }

    static void ReferenceScalarLeft(BinaryOp op, float x, float[] y, float[] d)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(y, x, d); break;
            case BinaryOp.Subtract: TensorPrimitives.Subtract(x, y, d); break;
            case BinaryOp.Multiply: TensorPrimitives.Multiply(y, x, d); break;
            default: TensorPrimitives.Divide(x, y, d); break;
        }
    }

    static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
