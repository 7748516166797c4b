using System;
using System.Linq;
using Kiln.Generator.Ops;

namespace Kiln.Generator.Graph;

/// <summary>
/// Invariants every pass must keep, in the program and in its loops' bodies: inputs precede their users, only
/// primitive ops remain, every shape is what the shape rule says, and gradients have their capture's shape. Runs between passes; a failure is a compiler bug.
/// </summary>
internal static class GraphVerifier
{
    public static void Verify(GraphProgram program, string afterPass)
    {
        foreach (var n in program.Nodes().Concat(program.Nodes().Where(n => n.IsScan).Select(n => n.Body!).Distinct().SelectMany(b => b.Nodes())))
        {
            if (!OpRegistry.TryGet(n.Op, out var def)) Fail(afterPass, $"%{n.Id} uses op '{n.Op}', which the op registry does not declare");
            else if (def.Class == OpClass.Composite) Fail(afterPass, $"%{n.Id} uses the composite op '{n.Op}', which should have been decomposed");
            if (n.Inputs.Any(i => i.Id >= n.Id)) Fail(afterPass, $"%{n.Id} uses a later node");
            var shape = ShapeRules.Infer(n.Op, n.Inputs, n.Attrs);
            if (!shape.Equals(n.Shape)) Fail(afterPass, $"%{n.Id} has shape {n.Shape} but its rule gives {shape}");
        }
        foreach (var g in program.Gradients)
            if (g is not null && g.Type != ElementType.Float) Fail(afterPass, $"gradient %{g.Id} is not a float tensor");
    }

    static void Fail(string pass, string message) => throw new InvalidOperationException($"graph verifier after {pass}: {message}");
}
