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
            case "add" or "sub" or "mul" or "div":
            {
                Node x = n.Inputs[0], y = n.Inputs[1];
                // An explicit broadcast of an operand is implicit in the elementwise op.
                if (x.Op == OpNames.BroadcastTo && ShapeIs(y, n)) return b.Binary(n.Op, x.Inputs[0], y);
                if (y.Op == OpNames.BroadcastTo && ShapeIs(x, n)) return b.Binary(n.Op, x, y.Inputs[0]);
                // Constants go right, so the rules below see one form.
                if ((n.Op == "add" || n.Op == "mul") && x.IsConstant && !y.IsConstant) return b.Binary(n.Op, y, x);
                if (n.Op == "add" && y.IsConstantValue(0f) && ShapeIs(x, n)) return x;
                if (n.Op == "sub" && y.IsConstantValue(0f) && ShapeIs(x, n)) return x;
                if (n.Op == "sub" && x.IsConstantValue(0f) && ShapeIs(y, n)) return b.Neg(y);
                if (n.Op == "mul" && y.IsConstantValue(1f) && ShapeIs(x, n)) return x;
                if (n.Op == "div" && y.IsConstantValue(1f) && ShapeIs(x, n)) return x;
                if (n.Op == "div" && y.IsConstant && y.ConstantValue != 0f && !float.IsInfinity(1f / y.ConstantValue))
                {
                    float inverse = 1f / y.ConstantValue;
                    // Only when the reciprocal is exact, so x/c and x·(1/c) round identically.
                    if (1f / inverse == y.ConstantValue && IsPowerOfTwo(y.ConstantValue)) return b.Mul(x, inverse);
                }
                if (n.Op == "mul" && y.IsConstant && x.Op == "mul" && x.Inputs[1].IsConstant)
                    return b.Mul(x.Inputs[0], x.Inputs[1].ConstantValue * y.ConstantValue);
                if (n.Op == "mul" && y.IsConstant && x.Op == "neg") return b.Mul(x.Inputs[0], -y.ConstantValue);
                // g·(c·x) → (g·x)·c keeps the constant outermost so chains collapse.
                if (n.Op == "mul" && !y.IsConstant && y.Op == "mul" && y.Inputs[1].IsConstant && ShapeIs(x, n) && y.Inputs[0].Shape.Equals(n.Shape))
                    return b.Mul(b.Mul(x, y.Inputs[0]), y.Inputs[1].ConstantValue);
                return null;
            }
            case "neg":
                if (n.Inputs[0].Op == "neg") return n.Inputs[0].Inputs[0];
                if (n.Inputs[0].Op == "mul" && n.Inputs[0].Inputs[1].IsConstant) return b.Mul(n.Inputs[0].Inputs[0], -n.Inputs[0].Inputs[1].ConstantValue);
                return null;
            case "pow":
            {
                float e = n.Attrs.Float("exponent");
                if (e == 1f) return n.Inputs[0];
                if (e == 2f) return b.Unary("square", n.Inputs[0]);
                if (e == 0.5f) return b.Unary("sqrt", n.Inputs[0]);
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

    static bool IsPowerOfTwo(float v)
    {
        float a = System.Math.Abs(v);
        int exponent = (int)System.Math.Round(System.Math.Log(a, 2));
        return System.Math.Pow(2, exponent) == a;
    }
}
