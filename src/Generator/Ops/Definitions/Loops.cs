using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops.Definitions;

/// <summary>
/// Loops as graph values (think tf.scan): a body's slot leaves and the scan node reading one output of a loop after it
/// ran. Their gradient is a loop too, built by <see cref="Passes.LoopGradient"/> for all outputs of one loop at once
/// (the per-node VJP table has no entry: one reverse loop serves every output).
/// </summary>
internal static class Loops
{
    // The spec's loop ops, which shape inference turns into a loop body and scan nodes (Passes/LoopSpecs.cs): slots,
    // the body's outputs, and an output read after the loop.
    public const string Carry = "loop_carry";
    public const string Sequence = "loop_sequence";
    public const string Invariant = "loop_invariant";
    public const string Result = "loop_result";
    public const string Output = "loop_output";

    public static bool IsSpecOp(string op) => op is Carry or Sequence or Invariant or Result or Output;

    public static IEnumerable<OpDef> Definitions()
    {
        yield return new OpDef(OpNames.LoopInput, OpClass.Leaf) { MaxInputs = 0, Shape = ShapeRules.FromAttr, Evaluate = (it, n) => it.Leaf(n) };
        yield return new OpDef(OpNames.Scan, OpClass.Loop) { Shape = ShapeRules.FromAttr, Evaluate = Evaluate, Display = "Loop" };
    }

    /// <summary>The interpreter's loop: runs the body step by step over the slots' values, as the generated loop does.</summary>
    static float[] Evaluate(Interpreter it, Node n)
    {
        var body = n.Body ?? throw new InvalidOperationException($"interpreter: %{n.Id} scan has no body");
        int steps = checked((int)it.SizeOf(body.Steps));
        int output = n.Attrs.Int("output");
        bool stacked = n.Attrs.Bool("stacked");
        var carries = body.Carries.ToList();
        var carried = carries.Select(s => it.In(n, s.Input)).ToArray();
        var history = new float[steps][];
        float[]? last = null;
        for (int i = 0; i < steps; i++)
        {
            int t = body.Reverse ? steps - 1 - i : i;
            var values = new Dictionary<Node, float[]>();
            foreach (var slot in body.Slots)
            {
                int count = Interpreter.Count(it.Dims(slot.Leaf.Shape));
                values[slot.Leaf] = slot.Kind switch
                {
                    LoopSlotKind.Carry => carried[carries.IndexOf(slot)],
                    LoopSlotKind.Sequence => it.In(n, slot.Input).Skip(t * count).Take(count).ToArray(),
                    LoopSlotKind.Invariant => it.In(n, slot.Input),
                    _ => t == 0 ? it.In(n, slot.Input) : it.In(n, slot.History).Skip((t - 1) * count).Take(count).ToArray(),
                };
            }
            var step = it.Nested(leaf => values[leaf]);
            var outputs = body.Outputs.Select(step.Evaluate).ToArray();
            for (int c = 0; c < carries.Count; c++) carried[c] = outputs[c];
            history[t] = last = outputs[output];
        }
        if (!stacked) return last ?? throw new InvalidOperationException($"interpreter: %{n.Id} scan ran no step, so it has no final value");
        return history.SelectMany(h => h).ToArray();
    }
}
