using System.Collections.Generic;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops.Definitions;

/// <summary>Broadcasting arithmetic, the flag select, explicit broadcasts and copies.</summary>
internal static class Arithmetic
{
    public static IEnumerable<OpDef> Definitions()
    {
        yield return Pointwise.Binary(OpNames.Add, (a, b, _) => a + b, c => new[] { c.B.SumTo(c.G, c.In(0).Shape), c.B.SumTo(c.G, c.In(1).Shape) });
        yield return Pointwise.Binary(OpNames.Sub, (a, b, _) => a - b, c => new[] { c.B.SumTo(c.G, c.In(0).Shape), c.B.SumTo(c.B.Neg(c.G), c.In(1).Shape) });
        yield return Pointwise.Binary(OpNames.Mul, (a, b, _) => a * b,
            c => new[] { c.B.SumTo(c.B.Mul(c.G, c.In(1)), c.In(0).Shape), c.B.SumTo(c.B.Mul(c.G, c.In(0)), c.In(1).Shape) });
        yield return Pointwise.Binary(OpNames.Div, (a, b, _) => a / b, c => new[]
        {
            c.B.SumTo(c.B.Div(c.G, c.In(1)), c.In(0).Shape),
            c.B.SumTo(c.B.Neg(c.B.Div(c.B.Mul(c.G, c.Y), c.In(1))), c.In(1).Shape),
        });
        yield return Pointwise.Unary(OpNames.Neg, (x, _) => -x, c => new[] { c.B.Neg(c.G) });
        yield return Pointwise.Unary(OpNames.Copy, (x, _) => x, c => new[] { c.G });

        yield return new OpDef(OpNames.Select, OpClass.Elementwise)
        {
            MinInputs = 3,
            MaxInputs = 3,
            Shape = (inputs, attrs, display) =>
            {
                if (inputs[0].Type != ElementType.Flag) throw new ShapeError($"{display}: the condition must be a flag");
                return ShapeRules.BroadcastShapes(inputs[1].Shape, inputs[2].Shape, display);
            },
            Evaluate = (it, n) =>
            {
                var outDims = it.Dims(n.Shape);
                var a = Interpreter.BroadcastTo(it.In(n, 1), it.Dims(n.Inputs[1].Shape), outDims);
                var b = Interpreter.BroadcastTo(it.In(n, 2), it.Dims(n.Inputs[2].Shape), outDims);
                return it.In(n, 0)[0] != 0 ? a : b;
            },
            Gradient = c =>
            {
                var zero = c.B.Constant(0f);
                return new Node?[]
                {
                    null,
                    c.B.SumTo(c.B.Create(OpNames.Select, new[] { c.In(0), c.G, zero }), c.In(1).Shape),
                    c.B.SumTo(c.B.Create(OpNames.Select, new[] { c.In(0), zero, c.G }), c.In(2).Shape),
                };
            },
        };

        yield return new OpDef(OpNames.BroadcastTo, OpClass.Elementwise)
        {
            MinInputs = 1,
            MaxInputs = 1,
            Shape = (inputs, attrs, display) =>
            {
                var target = ShapeRules.ParseShape(attrs.Text("shape") ?? "");
                var result = ShapeRules.BroadcastShapes(inputs[0].Shape, target, display);
                if (!result.Equals(target)) throw new ShapeError($"{display}: {inputs[0].Shape} cannot be broadcast to {target}");
                return target;
            },
            Evaluate = (it, n) => Interpreter.BroadcastTo(it.In(n, 0), it.Dims(n.Inputs[0].Shape), it.Dims(n.Shape)),
            Fold = (v, _) => v[0],
            Gradient = c => new[] { c.B.SumTo(c.G, c.X.Shape) },
        };
    }
}
