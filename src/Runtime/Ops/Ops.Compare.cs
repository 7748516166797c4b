namespace Kiln;

/// <summary>The comparison a mask op computes.</summary>
internal enum CompareOp { Eq, Ne, Lt, Le, Gt, Ge }

public static partial class Ops
{
    // ---- comparisons: float 0/1 masks, never differentiable ----

    /// <summary>torch.eq: 1 where a == b, else 0, broadcasting the shapes. A mask: it records no gradient.</summary>
    public static Tensor Eq(Tensor a, Tensor b) => Compare(CompareOp.Eq, a, b, "Eq");
    /// <summary>torch.ne: 1 where a != b (and where either is NaN), else 0, broadcasting. A mask: it records no gradient.</summary>
    public static Tensor Ne(Tensor a, Tensor b) => Compare(CompareOp.Ne, a, b, "Ne");
    /// <summary>torch.lt: 1 where a &lt; b, else 0, broadcasting. A mask: it records no gradient.</summary>
    public static Tensor Lt(Tensor a, Tensor b) => Compare(CompareOp.Lt, a, b, "Lt");
    /// <summary>torch.le: 1 where a &lt;= b, else 0, broadcasting. A mask: it records no gradient.</summary>
    public static Tensor Le(Tensor a, Tensor b) => Compare(CompareOp.Le, a, b, "Le");
    /// <summary>torch.gt: 1 where a &gt; b, else 0, broadcasting. A mask: it records no gradient.</summary>
    public static Tensor Gt(Tensor a, Tensor b) => Compare(CompareOp.Gt, a, b, "Gt");
    /// <summary>torch.ge: 1 where a &gt;= b, else 0, broadcasting. A mask: it records no gradient.</summary>
    public static Tensor Ge(Tensor a, Tensor b) => Compare(CompareOp.Ge, a, b, "Ge");

    /// <summary>1 where a == b, else 0. A mask: it records no gradient.</summary>
    public static Tensor Eq(Tensor a, float b) => Compare(CompareOp.Eq, a, b);
    /// <summary>1 where a != b, else 0. A mask: it records no gradient.</summary>
    public static Tensor Ne(Tensor a, float b) => Compare(CompareOp.Ne, a, b);
    /// <summary>1 where a &lt; b, else 0. A mask: it records no gradient.</summary>
    public static Tensor Lt(Tensor a, float b) => Compare(CompareOp.Lt, a, b);
    /// <summary>1 where a &lt;= b, else 0. A mask: it records no gradient.</summary>
    public static Tensor Le(Tensor a, float b) => Compare(CompareOp.Le, a, b);
    /// <summary>1 where a &gt; b, else 0. A mask: it records no gradient.</summary>
    public static Tensor Gt(Tensor a, float b) => Compare(CompareOp.Gt, a, b);
    /// <summary>1 where a &gt;= b, else 0. A mask: it records no gradient.</summary>
    public static Tensor Ge(Tensor a, float b) => Compare(CompareOp.Ge, a, b);

    static bool Holds(CompareOp op, float x, float y) => op switch
    {
        CompareOp.Eq => x == y,
        CompareOp.Ne => x != y,
        CompareOp.Lt => x < y,
        CompareOp.Le => x <= y,
        CompareOp.Gt => x > y,
        _ => x >= y,
    };

    static Tensor Compare(CompareOp op, Tensor a, Tensor b, string name)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var shape = ShapeUtil.SameShape(a.Dims, b.Dims) ? a.Dims : ShapeUtil.Broadcast(a.Dims, b.Dims, name);
        var x = BroadcastTo(a, shape);
        var y = BroadcastTo(b, shape);
        var result = Uninitialized(x.Length);
        for (int i = 0; i < result.Length; i++) result[i] = Holds(op, x[i], y[i]) ? 1f : 0f;
        return Result(result, shape);
    }

    static Tensor Compare(CompareOp op, Tensor a, float b)
    {
        ArgumentNullException.ThrowIfNull(a);
        var x = a.Storage;
        var result = Uninitialized(x.Length);
        for (int i = 0; i < result.Length; i++) result[i] = Holds(op, x[i], b) ? 1f : 0f;
        return Result(result, a.Dims);
    }

    /// <summary>The values of <paramref name="x"/> expanded to <paramref name="shape"/> (its own storage when it already has that shape).</summary>
    static float[] BroadcastTo(Tensor x, int[] shape)
    {
        if (ShapeUtil.SameShape(x.Dims, shape)) return x.Storage;
        var result = Uninitialized(ShapeUtil.CountInt(shape));
        if (result.Length == 0) return result;
        if (x.Count == 1)
        {
            result.AsSpan().Fill(x.Storage[0]);
            return result;
        }
        var strides = Kernels.Elementwise.BroadcastStrides(x.Dims, shape);
        var index = new int[shape.Length];
        int offset = 0;
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = x.Storage[offset];
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                offset += strides[d];
                if (++index[d] < shape[d]) break;
                offset -= strides[d] * shape[d];
                index[d] = 0;
            }
        }
        return result;
    }

    // ---- selection: differentiable in the selected values, not in the condition ----

    /// <summary>
    /// torch.where: a where <paramref name="condition"/> is non-zero, else b, with all three shapes broadcast together.
    /// The condition is a mask (such as <see cref="Gt(Tensor, Tensor)"/> returns) and gets no gradient; a and b get the
    /// output's gradient where they were selected and 0 elsewhere (summed over their broadcast dimensions).
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var shape = ShapeUtil.Broadcast(ShapeUtil.Broadcast(condition.Dims, a.Dims, "Where"), b.Dims, "Where");
        var c = BroadcastTo(condition, shape);
        var x = BroadcastTo(a, shape);
        var y = BroadcastTo(b, shape);
        var result = Uninitialized(c.Length);
        for (int i = 0; i < result.Length; i++) result[i] = c[i] != 0f ? x[i] : y[i];
        var output = Result(result, shape);
        if (!Autograd.ShouldRecord(a, b)) return output;
        return Autograd.Record(output, "Where", new[] { a, b }, g =>
        {
            Tensor? ga = null, gb = null;
            if (a.RequiresGrad) ga = ReduceTo(Result(Pick(c, g.Storage, whereTrue: true), shape), a);
            if (b.RequiresGrad) gb = ReduceTo(Result(Pick(c, g.Storage, whereTrue: false), shape), b);
            return new[] { ga, gb };
        });
    }

    /// <summary>torch.where with a scalar for the second choice: a where the condition is non-zero, else b.</summary>
    public static Tensor Where(Tensor condition, Tensor a, float b) => Where(condition, a, Tensor.Scalar(b));

    /// <summary>torch.where with a scalar for the first choice: a where the condition is non-zero, else b.</summary>
    public static Tensor Where(Tensor condition, float a, Tensor b) => Where(condition, Tensor.Scalar(a), b);

    /// <summary>g where the condition is (or, with <paramref name="whereTrue"/> false, is not) non-zero; 0 elsewhere (a select, so NaN in g does not leak).</summary>
    static float[] Pick(float[] condition, float[] g, bool whereTrue)
    {
        var result = Uninitialized(g.Length);
        for (int i = 0; i < result.Length; i++) result[i] = (condition[i] != 0f) == whereTrue ? g[i] : 0f;
        return result;
    }

    /// <summary>
    /// torch.masked_fill: <paramref name="value"/> where <paramref name="mask"/> is non-zero, x elsewhere. The mask must
    /// broadcast to x's shape (the result has x's shape); x's gradient is the output's where the mask is 0.
    /// </summary>
    public static Tensor MaskedFill(Tensor x, Tensor mask, float value)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(mask);
        var shape = ShapeUtil.Broadcast(x.Dims, mask.Dims, "MaskedFill");
        if (!ShapeUtil.SameShape(shape, x.Dims))
            throw new ArgumentException($"MaskedFill: mask {mask.ShapeString} does not broadcast to the input's shape {x.ShapeString}.");
        var m = BroadcastTo(mask, shape);
        var result = Uninitialized(x.Count);
        for (int i = 0; i < result.Length; i++) result[i] = m[i] != 0f ? value : x.Storage[i];
        var output = Result(result, x.Dims);
        if (!Autograd.ShouldRecord(x)) return output;
        return Autograd.Record(output, "MaskedFill", new[] { x }, g => new Tensor?[] { Result(Pick(m, g.Storage, whereTrue: false), x.Dims) });
    }

    /// <summary>Removes every dimension of size 1 (torch's squeeze() without a dim); shares storage like a view.</summary>
    public static Tensor Squeeze(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var shape = x.Dims.Where(s => s != 1).ToArray();
        return shape.Length == x.Rank ? x : Reshape(x, shape);
    }
}
