using System.Collections.Generic;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops.Definitions;

/// <summary>Values that enter a program: inputs, captures, constants and call-time scalars.</summary>
internal static class Leaves
{
    public static IEnumerable<OpDef> Definitions()
    {
        yield return new OpDef(OpNames.Input, OpClass.Leaf) { MaxInputs = 0, Shape = ShapeRules.FromAttr, Evaluate = (it, n) => it.Leaf(n) };
        yield return new OpDef(OpNames.Capture, OpClass.Leaf) { MaxInputs = 0, Shape = ShapeRules.FromAttr, Evaluate = (it, n) => it.Leaf(n) };
        yield return new OpDef(OpNames.Constant, OpClass.Leaf) { MaxInputs = 0, Shape = (_, _, _) => Shape.Scalar, Evaluate = (it, n) => new[] { n.ConstantValue } };
        yield return new OpDef(OpNames.InvCount, OpClass.Leaf)
        {
            MaxInputs = 0,
            Shape = (_, _, _) => Shape.Scalar,
            Evaluate = (it, n) => new[] { 1f / it.SizeOf(Size.Parse(n.Attrs.Text("count")!)) },
        };
        yield return new OpDef(OpNames.UnbiasFactor, OpClass.Leaf)
        {
            MaxInputs = 0,
            Shape = (_, _, _) => Shape.Scalar,
            Evaluate = (it, n) => { long c = it.SizeOf(Size.Parse(n.Attrs.Text("count")!)); return new[] { (float)c / (c - 1) }; },
        };
    }
}
