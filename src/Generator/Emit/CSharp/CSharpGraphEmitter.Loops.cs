using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Kiln.Generator.Graph;
using Kiln.Generator.Schedule;

namespace Kiln.Generator.Emit.CSharp;

/// <summary>
/// A scan kernel: one host loop over the steps, binding each step's storage (a sequence's slice at t, a carry's value
/// from the step before, each output's destination), then a call of each body kernel's method (written once, through
/// the backend, as a kernel method).
/// </summary>
internal sealed partial class CSharpGraphEmitter
{
    void EmitScan(CodeWriter w, Kernel scan, KernelProgram program, IStorageNames outer, KernelMethods kernels)
    {
        var schedule = scan.Steps!;
        var body = schedule.Body;
        var memory = program.Memory.Loops[scan];
        string prefix = "loop" + scan.Index.ToString(CultureInfo.InvariantCulture);
        string steps = prefix + "Steps", step = prefix + "Step", t = prefix + "Time";
        string I(int i) => i.ToString(CultureInfo.InvariantCulture);

        w.Open($"// {KernelDescriptions.Title(scan, program.Kernels.Count)}");
        foreach (var n in KernelDescriptions.ComputedNodes(scan)) w.Line("// " + n);
        w.Line($"int {steps} = {SizeExpression(body.Steps)};");
        backend.EmitStepLoop(w, step, steps);
        w.Line($"int {t} = {(body.Reverse ? $"{steps} - 1 - {step}" : step)};");
        kernels.Declare(steps, "int");
        kernels.Declare(step, "int");
        kernels.Declare(t, "int");
        // The time of the step before (a stacked carry's previous value) and whether a carry's alternating buffers hold the final value now.
        string previousTime = body.Reverse ? $"{t} + 1" : $"{t} - 1";
        string writesFinal = $"(({steps} - 1 - {step}) & 1) == 0", wroteFinal = $"(({steps} - {step}) & 1) == 0";

        Node? OutputNode(int output, bool stacked) =>
            scan.Outputs.FirstOrDefault(o => o.Attrs.Int("output") == output && o.Attrs.Bool("stacked") == stacked);
        string Count(Node n) => SizeExpression(n.Shape.Count);
        string At(string buffer, string time, Node value) => backend.Slice(buffer, $"({time}) * {Count(value)}", Count(value));

        // Where output i of the body is written at this step, and where it was written the step before (carries only).
        var destination = new Dictionary<int, string>();
        var previous = new Dictionary<int, string>();
        foreach (int output in schedule.Outputs)
        {
            var value = body.Outputs[output];
            string local = $"{prefix}Out{I(output)}";
            if (OutputNode(output, stacked: true) is { } history)
            {
                string buffer = outer.Buffer(history);
                backend.EmitSlice(w, local, buffer, $"{t} * {Count(value)}", Count(value), writable: true);
                kernels.Declare(local, CSharpBackend.SpanType(writable: true));
                previous[output] = At(buffer, previousTime, value);
            }
            else
            {
                var alternates = memory.Alternates[output].Select(b => "buffer" + I(b)).ToList();
                string first = OutputNode(output, stacked: false) is { } final ? outer.Buffer(final) : alternates[1];
                backend.EmitChoice(w, local, writesFinal, first, alternates[0], writable: true);
                kernels.Declare(local, CSharpBackend.SpanType(writable: true));
                previous[output] = $"({wroteFinal} ? {first} : {alternates[0]})";
            }
            destination[output] = local;
        }

        // Each slot's value at this step.
        var slotNames = new Dictionary<Node, string>();
        var carries = body.Carries.ToList();
        foreach (var slot in body.Slots)
        {
            string local = $"{prefix}Slot{I(slot.Leaf.Id)}";
            string input = outer.Buffer(scan.Root.Inputs[slot.Input]);
            switch (slot.Kind)
            {
                case LoopSlotKind.Invariant:
                    slotNames[slot.Leaf] = input;
                    continue;
                case LoopSlotKind.Sequence:
                    backend.EmitSlice(w, local, input, $"{t} * {Count(slot.Leaf)}", Count(slot.Leaf), writable: false);
                    break;
                case LoopSlotKind.Lagged:
                    backend.EmitChoice(w, local, $"{t} == 0", input, At(outer.Buffer(scan.Root.Inputs[slot.History]), $"{t} - 1", slot.Leaf), writable: false);
                    break;
                default:
                {
                    int output = carries.IndexOf(slot);
                    string before = OutputNode(output, stacked: true) is not null
                        ? At(outer.Buffer(OutputNode(output, stacked: true)!), previousTime, slot.Leaf)
                        : previous[output];
                    backend.EmitChoice(w, local, $"{step} == 0", input, before, writable: false);
                    break;
                }
            }
            slotNames[slot.Leaf] = local;
            kernels.Declare(local, CSharpBackend.SpanType(writable: false));
        }

        var names = new LoopNames(this, schedule, program.Memory, memory, slotNames, destination);
        string context = $"runs at each step of {MethodName(program)}'s kernel {I(scan.Index)}/{I(program.Kernels.Count)} (loop over {body.Steps} steps)";
        foreach (var k in schedule.Program.Kernels)
        {
            w.Line();
            kernels.Emit(w, $"{MethodName(program)}Loop{I(scan.Index)}Kernel{I(k.Index)}", Description(k, schedule.Program.Kernels.Count, context),
                statements => backend.EmitKernel(statements, k, schedule.Program, names));
        }
        w.Close();

        // A carry read both stacked and final: the final value is the last step's slice of its history.
        foreach (int output in schedule.Outputs)
            if (OutputNode(output, stacked: true) is { } history && OutputNode(output, stacked: false) is { } final)
                backend.EmitCopy(w, At(outer.Buffer(history), body.Reverse ? "0" : $"({steps} - 1)", body.Outputs[output]), outer.Buffer(final));
        w.Close();
    }

    /// <summary>Storage inside a loop body: slots and outputs are the step's locals, body buffers live in the enclosing arena.</summary>
    sealed class LoopNames : IStorageNames
    {
        readonly CSharpGraphEmitter emitter;
        readonly LoopSchedule schedule;
        readonly Schedule.MemoryPlan outerMemory;
        readonly Schedule.LoopMemory memory;
        readonly IReadOnlyDictionary<Node, string> slots;
        readonly IReadOnlyDictionary<int, string> destinations;

        public LoopNames(CSharpGraphEmitter emitter, LoopSchedule schedule, Schedule.MemoryPlan outerMemory, Schedule.LoopMemory memory,
            IReadOnlyDictionary<Node, string> slots, IReadOnlyDictionary<int, string> destinations)
        {
            this.emitter = emitter;
            this.schedule = schedule;
            this.outerMemory = outerMemory;
            this.memory = memory;
            this.slots = slots;
            this.destinations = destinations;
        }

        public string Buffer(Node node)
        {
            var root = Passes.Fusion.StorageRoot(node);
            var storage = schedule.Program.Memory.StorageOf(node);
            return storage.Kind switch
            {
                Schedule.StorageKind.LoopSlot => slots[root],
                Schedule.StorageKind.Result => destinations[schedule.Outputs[storage.Index]],
                Schedule.StorageKind.Arena => "buffer" + memory.BodyBuffers[storage.Index].ToString(CultureInfo.InvariantCulture),
                _ => throw new InvalidOperationException($"%{node.Id} {node.Op} has {storage.Kind} storage, which a loop body cannot have"),
            };
        }

        public string Size(Size size) => emitter.SizeExpression(size);

        public string Scratch(Kernel kernel) => "buffer" + outerMemory.Scratch[kernel].ToString(CultureInfo.InvariantCulture);

        public bool Accumulates(Node output) => false;
    }
}
