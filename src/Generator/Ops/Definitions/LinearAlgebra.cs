using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops.Definitions;

/// <summary>Matrix products: matmul (the GEMM primitive), and linear and dot, which decompose into it.</summary>
internal static class LinearAlgebra
{
    public const string MatMul = "matmul";
    public const string Linear = "linear";
    public const string Dot = "dot";

    public static IEnumerable<OpDef> Definitions()
    {
        yield return new OpDef(MatMul, OpClass.Gemm)
        {
            MinInputs = 2,
            MaxInputs = 2,
            Display = "MatMul",
            Shape = MatMulShape,
            Decompose = (b, inputs, attrs) =>
            {
                Node x = inputs[0], y = inputs[1];
                if (attrs.Items.Count > 0 || (x.Shape.Rank >= 2 && y.Shape.Rank == 2)) return b.Create(MatMul, inputs, attrs);
                // Vectors are promoted to matrices and the added dimension removed afterwards, as torch.matmul does.
                var x2 = x.Shape.Rank == 1 ? b.Reshape(x, new Shape(new[] { Size.One, x.Shape[0] })) : x;
                var y2 = y.Shape.Rank == 1 ? b.Reshape(y, new Shape(new[] { y.Shape[0], Size.One })) : y;
                return b.Reshape(b.Create(MatMul, new[] { x2, y2 }), ShapeRules.Infer(MatMul, inputs, attrs));
            },
            Evaluate = Evaluate,
            Gradient = Vjp,
        };

        yield return new OpDef(Linear, OpClass.Composite)
        {
            Shape = LinearShape,
            // A GEMM whose bias add fuses as its epilogue.
            Decompose = (b, inputs, attrs) =>
            {
                // A 1-D input is one row, as the runtime's Linear treats it: [k] → [1, k] → [1, n] → [n].
                var x = inputs[0];
                var rows = x.Shape.Rank == 1 ? b.Reshape(x, new Shape(new[] { Size.One, x.Shape[0] })) : x;
                var y = Product(b, rows, inputs[1], transposeB: true);
                if (inputs.Count == 3) y = b.Add(y, inputs[2]);
                return x.Shape.Rank == 1 ? b.Reshape(y, new Shape(new[] { inputs[1].Shape[0] })) : y;
            },
        };

        yield return new OpDef(Dot, OpClass.Composite)
        {
            MinInputs = 2,
            MaxInputs = 2,
            Shape = (inputs, attrs, display) =>
            {
                Shape a = inputs[0].Shape, b = inputs[1].Shape;
                if (a.Rank != 1 || !ShapeRules.SameShape(a, b)) throw new ShapeError($"{display}: {a} and {b} must be vectors of the same length");
                return Shape.Scalar;
            },
            Decompose = (b, inputs, attrs) => b.Sum(b.Mul(inputs[0], inputs[1]), new[] { 0 }, keepDim: false),
        };
    }

    /// <summary>A 2-D (or batched-rows) matrix product node, optionally with transposed operands.</summary>
    public static Node Product(GraphBuilder b, Node x, Node y, bool transposeA = false, bool transposeB = false)
    {
        var attrs = new List<(string, string)>();
        if (transposeA) attrs.Add(("transpose_a", "true"));
        if (transposeB) attrs.Add(("transpose_b", "true"));
        return b.Create(MatMul, new[] { x, y }, Attrs.Of(attrs.ToArray()));
    }

    /// <summary>The GEMM a product node computes: C[m, n] = op(A)[m, k] · op(B)[k, n], all leading rows of A folded into m.</summary>
    public static (Size M, Size N, Size K, bool TransposeA, bool TransposeB) Gemm(Node product)
    {
        Node a = product.Inputs[0], b = product.Inputs[1];
        bool ta = product.Attrs.Bool("transpose_a"), tb = product.Attrs.Bool("transpose_b");
        var m = ta ? a.Shape[1] : a.Shape.CountOf(0, a.Shape.Rank - 1);
        var k = ta ? a.Shape[0] : a.Shape[a.Shape.Rank - 1];
        var n = tb ? b.Shape[0] : b.Shape[1];
        return (m, n, k, ta, tb);
    }

    static Shape MatMulShape(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        Shape a = inputs[0].Shape, b = inputs[1].Shape;
        bool ta = attrs.Bool("transpose_a"), tb = attrs.Bool("transpose_b");
        if (attrs.Items.Count == 0 && (a.Rank == 1 || b.Rank == 1) && a.Rank >= 1 && b.Rank is 1 or 2)
        {
            // Vector operands (torch.matmul's promotion): checked here, decomposed into 2-D products.
            var ka1 = a[a.Rank - 1];
            var kb1 = b[0];
            if (!ShapeRules.SameSize(ka1, kb1)) throw new ShapeError($"{display}: {a} x {b}: inner dimensions {ka1} and {kb1} differ");
            return new Shape(a.Dims.Take(a.Rank - 1).Concat(b.Rank == 2 ? new[] { b[1] } : new Size[0]));
        }
        if (a.Rank < 2 || b.Rank != 2 || ((ta || tb) && a.Rank != 2))
            throw new ShapeError($"{display}: {a} x {b}: the compiler supports [..., m, k] x [k, n] (and 2-D transposed operands)");
        var m = ta ? a[a.Rank - 1] : a[a.Rank - 2];
        var ka = ta ? a[a.Rank - 2] : a[a.Rank - 1];
        var kb = tb ? b[1] : b[0];
        var n = tb ? b[0] : b[1];
        if (!ShapeRules.SameSize(ka, kb)) throw new ShapeError($"{display}: {a} x {b}: inner dimensions {ka} and {kb} differ");
        return new Shape(a.Dims.Take(a.Rank - 2).Concat(new[] { m, n }));
    }

    static Shape LinearShape(IReadOnlyList<Node> inputs, Attrs attrs, string display)
    {
        if (inputs.Count is < 2 or > 3) throw new ShapeError($"{display}: expected input, weight and an optional bias");
        Shape x = inputs[0].Shape, w = inputs[1].Shape;
        if (w.Rank != 2) throw new ShapeError($"{display}: weight must be 2-D [out, in], got {w}");
        if (x.Rank == 0) throw new ShapeError($"{display}: the input needs at least one dimension");
        if (!ShapeRules.SameSize(x[x.Rank - 1], w[1]))
            throw new ShapeError($"{display}: {x} x {w}ᵀ: input features {x[x.Rank - 1]} and weight's in-features {w[1]} differ");
        if (inputs.Count == 3)
        {
            var b = inputs[2].Shape;
            if (b.Rank != 1 || !ShapeRules.SameSize(b[0], w[0])) throw new ShapeError($"{display}: bias {b} does not match weight {w} (expected [{w[0]}])");
        }
        return new Shape(x.Dims.Take(x.Rank - 1).Concat(new[] { w[0] }));
    }

    static float[] Evaluate(Interpreter it, Node n)
    {
        var aDims = it.Dims(n.Inputs[0].Shape);
        var bDims = it.Dims(n.Inputs[1].Shape);
        bool ta = n.Attrs.Bool("transpose_a"), tb = n.Attrs.Bool("transpose_b");
        float[] a = it.In(n, 0), b = it.In(n, 1);
        int m = ta ? aDims[1] : Interpreter.Count(aDims.Take(aDims.Length - 1).ToArray());
        int k = ta ? aDims[0] : aDims[aDims.Length - 1];
        int cols = tb ? bDims[0] : bDims[1];
        var c = new float[m * cols];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < cols; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                    s += (double)(ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * cols + j]);
                c[i * cols + j] = (float)s;
            }
        return c;
    }

    static Node?[] Vjp(VjpContext c)
    {
        var b = c.B;
        Node a = c.In(0), w = c.In(1), g = c.G;
        bool ta = c.Node.Attrs.Bool("transpose_a"), tb = c.Node.Attrs.Bool("transpose_b");
        if (a.Shape.Rank > 2)
        {
            // [..., m, k] x [k, n] is one GEMM over all leading rows; differentiate that 2-D product.
            var rows = a.Shape.CountOf(0, a.Shape.Rank - 1);
            var a2 = b.Reshape(a, new Shape(new[] { rows, a.Shape[a.Shape.Rank - 1] }));
            var g2 = b.Reshape(g, new Shape(new[] { rows, g.Shape[g.Shape.Rank - 1] }));
            return new[] { b.Reshape(Product(b, g2, w, false, !tb), a.Shape), tb ? Product(b, g2, a2, true, false) : Product(b, a2, g2, true, false) };
        }
        return (ta, tb) switch
        {
            (false, false) => new[] { Product(b, g, w, false, true), Product(b, a, g, true, false) },
            (false, true) => new[] { Product(b, g, w, false, false), Product(b, g, a, true, false) },
            (true, false) => new[] { Product(b, w, g, false, true), Product(b, a, g, false, false) },
            _ => new[] { Product(b, w, g, true, true), Product(b, g, a, true, true) },
        };
    }
}
