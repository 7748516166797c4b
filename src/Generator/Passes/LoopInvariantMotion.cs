using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Passes;

/// <summary>
/// Simplifies each loop's body as the rest of the program is simplified (constant folding, algebraic simplification),
/// then registers it again, which moves what does not change from step to step before the loop
/// (<see cref="GraphBuilder.HoistInvariants"/>: the sum of an Rnn's two biases once, not once per step). Every output of
/// one loop is rebuilt over the same new body and inputs.
/// </summary>
internal static class LoopInvariantMotion
{
    public static GraphProgram Run(GraphBuilder builder, GraphProgram program) =>
        Rewriter.RewriteLoops(builder, program, Move, (b, scan, loop) => loop.Output(b, scan));

    /// <summary>The loop with its body simplified and its invariants hoisted; null when that changes nothing.</summary>
    static Rewriter.RewrittenLoop? Move(GraphBuilder b, Node scan)
    {
        var body = scan.Body!;
        var program = new GraphProgram("loop body", body.Outputs[0], ImmutableArray<Node?>.Empty, default, body.Outputs.Skip(1).ToImmutableArray());
        program = AlgebraicSimplification.Run(b, ConstantFolding.Run(b, program));
        var outputs = program.Results.ToList();
        var inputs = scan.Inputs.ToList();
        var slots = body.Slots.ToList();
        var (hoistedSlots, hoistedOutputs) = b.HoistInvariants(inputs, slots, outputs.ToImmutableArray());
        if (hoistedOutputs.SequenceEqual(body.Outputs)) return null;
        return new(b.RegisterLoop(inputs, hoistedSlots, hoistedOutputs, body.Steps, body.Reverse, hoist: false), inputs); // hoisted just above
    }
}
