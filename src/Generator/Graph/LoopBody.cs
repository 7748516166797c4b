using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Kiln.Generator.Graph;

/// <summary>How a loop's body reads one of its leaves at each step.</summary>
internal enum LoopSlotKind
{
    /// <summary>State carried across steps: the initial value at the first step, then what the body computed for its output of the same position the step before.</summary>
    Carry,
    /// <summary>Step t of a time-major sequence ([T, ...]): the slice at t.</summary>
    Sequence,
    /// <summary>The same tensor at every step (a weight, an outer activation).</summary>
    Invariant,
    /// <summary>Step t−1 of a stacked history ([T, ...]), or an initial value at t = 0: a forward carry as the reverse loop reads it.</summary>
    Lagged,
}

/// <summary>
/// One leaf of a loop body: a <see cref="OpNames.LoopInput"/> node and where its value comes from, as indices into
/// the scan node's inputs (<see cref="Input"/>: the initial value, the sequence or the invariant; <see cref="History"/>:
/// a Lagged slot's stacked history).
/// </summary>
internal sealed record LoopSlot(Node Leaf, LoopSlotKind Kind, int Input, int History = -1);

/// <summary>
/// The body of a loop (think tf.scan): a subgraph whose only leaves are its slots' <see cref="OpNames.LoopInput"/>
/// nodes and constants, run <see cref="Steps"/> times (a possibly symbolic size), forwards or in reverse. Output i of
/// the body (i &lt; the number of Carry slots) is the next value of the i-th Carry slot; every output can be read after
/// the loop as its final value or stacked over the steps ([T, ...], indexed by time whatever the direction). The body is
/// compiled, fused and memory-planned once, whatever the number of steps. Scan nodes name their body by
/// <see cref="Serial"/>, which the <see cref="GraphBuilder"/> that registered it resolves.
/// </summary>
internal sealed class LoopBody
{
    public LoopBody(int serial, ImmutableArray<LoopSlot> slots, ImmutableArray<Node> outputs, Size steps, bool reverse)
    {
        Serial = serial;
        Slots = slots;
        Outputs = outputs;
        Steps = steps;
        Reverse = reverse;
    }

    public int Serial { get; }
    public ImmutableArray<LoopSlot> Slots { get; }
    public ImmutableArray<Node> Outputs { get; }
    public Size Steps { get; }
    public bool Reverse { get; }

    public IEnumerable<LoopSlot> Carries => Slots.Where(s => s.Kind == LoopSlotKind.Carry);
    public int CarryCount => Slots.Count(s => s.Kind == LoopSlotKind.Carry);

    /// <summary>The body's nodes in topological order.</summary>
    public List<Node> Nodes() => Graph.Nodes.Reachable(Outputs);

    public LoopSlot? SlotOf(Node leaf) => Slots.FirstOrDefault(s => s.Leaf == leaf);
}
