using Kiln.Generator.Graph;

namespace Kiln.Generator.Passes;

/// <summary>
/// Identities that shrink the graph autodiff produces: x·1, x+0, x−0, x/1, −(−x), pow(x,1), pow(x,2)→x²,
/// constants gathered into one factor, and explicit broadcasts dropped where the elementwise op broadcasts anyway.
/// Rewrites never change a node's shape, so each identity applies only when the other operand already has it.
/// </summary>
internal static class AlgebraicSimplification
{
    public static GraphProgram Run(GraphBuilder builder, GraphProgram program) =>
        Rewriter.Rewrite(builder, program, (b, n) => ConstantFolding.Fold(b, n) ?? Simplify(b, n));

    public static Node? Simplify(GraphBuilder b, Node n)
    {
        switch (n.Op)
        {
            case OpNames.Add or OpNames.Sub or OpNames.Mul or OpNames.Div:
            {
                Node x = n.Inputs[0], y = n.Inputs[1];
                // An explicit broadcast of an operand is implicit in the elementwise op.
                if (x.Op == OpNames.BroadcastTo && ShapeIs(y, n)) return b.Binary(n.Op, x.Inputs[0], y);
                if (y.Op == OpNames.BroadcastTo && ShapeIs(x, n)) return b.Binary(n.Op, x, y.Inputs[0]);
                // (A + b) + (B + c) with A, B matrix products and b, c broadcast biases → (A + B) + (b + c): the products
                // then accumulate in one GEMM output (an RNN step's input and hidden projections) and the biases add once.
                if (n.Op == OpNames.Add && IsBiasedProduct(x, n) && IsBiasedProduct(y, n))
                    return b.Add(b.Add(x.Inputs[0], y.Inputs[0]), b.Add(x.Inputs[1], y.Inputs[1]));
                // Constants go right, so the rules below see one form.
                if ((n.Op == OpNames.Add || n.Op == OpNames.Mul) && x.IsConstant && !y.IsConstant) return b.Binary(n.Op, y, x);
                if (n.Op == OpNames.Add && y.IsConstantValue(0f) && ShapeIs(x, n)) return x;
                if (n.Op == OpNames.Sub && y.IsConstantValue(0f) && ShapeIs(x, n)) return x;
                if (n.Op == OpNames.Sub && x.IsConstantValue(0f) && ShapeIs(y, n)) return b.Neg(y);
                if (n.Op == OpNames.Mul && y.IsConstantValue(1f) && ShapeIs(x, n)) return x;
                if (n.Op == OpNames.Div && y.IsConstantValue(1f) && ShapeIs(x, n)) return x;
                if (n.Op == OpNames.Div && y.IsConstant && y.ConstantValue != 0f && !float.IsInfinity(1f / y.ConstantValue))
                {
                    float inverse = 1f / y.ConstantValue;
                    // Only when the reciprocal is exact, so x/c and x·(1/c) round identically.
                    if (1f / inverse == y.ConstantValue && IsPowerOfTwo(y.ConstantValue)) return b.Mul(x, inverse);
                }
                if (n.Op == OpNames.Mul && y.IsConstant && x.Op == OpNames.Mul && x.Inputs[1].IsConstant)
                    return b.Mul(x.Inputs[0], x.Inputs[1].ConstantValue * y.ConstantValue);
                if (n.Op == OpNames.Mul && y.IsConstant && x.Op == OpNames.Neg) return b.Mul(x.Inputs[0], -y.ConstantValue);
                // g·(c·x) → (g·x)·c keeps the constant outermost so chains collapse.
                if (n.Op == OpNames.Mul && !y.IsConstant && y.Op == OpNames.Mul && y.Inputs[1].IsConstant && ShapeIs(x, n) && y.Inputs[0].Shape.Equals(n.Shape))
                    return b.Mul(b.Mul(x, y.Inputs[0]), y.Inputs[1].ConstantValue);
                return null;
            }
            case OpNames.Neg:
                if (n.Inputs[0].Op == OpNames.Neg) return n.Inputs[0].Inputs[0];
                if (n.Inputs[0].Op == OpNames.Mul && n.Inputs[0].Inputs[1].IsConstant) return b.Mul(n.Inputs[0].Inputs[0], -n.Inputs[0].Inputs[1].ConstantValue);
                return null;
            case Ops.Definitions.MathOps.Pow:
            {
                float e = n.Attrs.Float("exponent");
                if (e == 1f) return n.Inputs[0];
                if (e == 2f) return b.Unary(OpNames.Square, n.Inputs[0]);
                if (e == 0.5f) return b.Unary(OpNames.Sqrt, n.Inputs[0]);
                return null;
            }
            case OpNames.BroadcastTo:
                if (n.Inputs[0].Shape.Equals(n.Shape)) return n.Inputs[0];
                return null;
            case OpNames.Copy:
                return null;
            default:
                return null;
        }
    }

    static bool ShapeIs(Node operand, Node result) => operand.Shape.Equals(result.Shape);

    static bool IsBiasedProduct(Node x, Node result) =>
        x.Op == OpNames.Add && Ops.OpRegistry.ClassOf(x.Inputs[0]) == Ops.OpClass.Gemm && x.Inputs[0].Shape.Equals(result.Shape) && x.Shape.Equals(result.Shape)
        && !x.Inputs[1].Shape.Equals(result.Shape) && x.Inputs[1].Shape.Rank <= 1;

    static bool IsPowerOfTwo(float v)
    {
        float a = System.Math.Abs(v);
        int exponent = (int)System.Math.Round(System.Math.Log(a, 2));
        return System.Math.Pow(2, exponent) == a;
    }
}
