using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Kiln.Generator.Emit.CSharp;
using Kiln.Generator.Graph;
using Kiln.Generator.Schedule;

namespace Kiln.Generator.Emit.Ilgpu;

/// <summary>
/// A scan kernel on ILGPU, as the C# backend runs it (CSharpGraphEmitter.Loops): a host loop over the steps that
/// binds each step's storage as device views — a sequence's or a stacked output's <c>SubView</c> at the step's time,
/// a carry's initial value or the step before's, the alternating buffers of an unstacked carry — then launches the
/// body's kernels, which are emitted once (their argument structs take the step's views), and finally copies the last
/// step of a carry's history into its final value when both are read.
/// </summary>
internal sealed class IlgpuScan
{
    const string FloatView = DeviceStorageNames.FloatView;

    readonly IlgpuDeviceEmitter emitter;
    readonly CSharpGraphEmitter host;

    public IlgpuScan(IlgpuDeviceEmitter emitter, CSharpGraphEmitter host)
    {
        this.emitter = emitter;
        this.host = host;
    }

    /// <param name="methodName">The scan's name among the program's kernels; its body's kernel methods are named after it.</param>
    /// <param name="description">The scan in words (e.g. "kernel 3"); its body's kernels are described after it.</param>
    public void Emit(CodeWriter w, CodeWriter kernels, Kernel scan, KernelProgram program, IStorageNames outer, string methodName, string description)
    {
        var schedule = scan.Steps!;
        var body = schedule.Body;
        var memory = program.Memory.Loops[scan];
        string title = KernelDescriptions.Title(scan, program.Kernels.Count);
        if (schedule.Program.Kernels.Any(k => k.Kind == KernelKind.Scan))
            throw new DeviceLoweringException($"it contains a loop inside a loop ({title}), which the ILGPU backend does not run yet");

        string prefix = "loop" + scan.Index.ToString(CultureInfo.InvariantCulture);
        string steps = prefix + "Steps", step = prefix + "Step", t = prefix + "Time";
        string I(int i) => i.ToString(CultureInfo.InvariantCulture);
        string Size(Size s) => outer.Size(s);
        string Arena(int buffer) => $"step.Arena({I(buffer)})";

        w.Open("// " + title);
        foreach (var n in KernelDescriptions.ComputedNodes(scan)) w.Line("// " + n);
        w.Line($"int {steps} = {Size(body.Steps)};");
        w.Open($"for (int {step} = 0; {step} < {steps}; {step}++)");
        w.Line($"int {t} = {(body.Reverse ? $"{steps} - 1 - {step}" : step)};");
        // The time of the step before (a stacked carry's previous value) and whether a carry's alternating buffers hold the final value now.
        string previousTime = body.Reverse ? $"{t} + 1" : $"{t} - 1";
        string writesFinal = $"(({steps} - 1 - {step}) & 1) == 0", wroteFinal = $"(({steps} - {step}) & 1) == 0";

        Node? OutputNode(int output, bool stacked) =>
            scan.Outputs.FirstOrDefault(o => o.Attrs.Int("output") == output && o.Attrs.Bool("stacked") == stacked);
        string Count(Node n) => Size(n.Shape.Count);
        string At(string buffer, string time, Node value) => $"{buffer}.SubView(({time}) * {Count(value)}, {Count(value)})";

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
                w.Line($"{FloatView} {local} = {At(buffer, t, value)};");
                previous[output] = At(buffer, previousTime, value);
            }
            else
            {
                var alternates = memory.Alternates[output].Select(Arena).ToList();
                string first = OutputNode(output, stacked: false) is { } final ? outer.Buffer(final) : alternates[1];
                w.Line($"{FloatView} {local} = {writesFinal} ? {first} : {alternates[0]};");
                previous[output] = $"({wroteFinal} ? {first} : {alternates[0]})";
            }
            destination[output] = local;
        }

        // Each slot's value at this step.
        var slots = new Dictionary<Node, (string Expression, string Type)>();
        var carries = body.Carries.ToList();
        foreach (var slot in body.Slots)
        {
            string local = $"{prefix}Slot{I(slot.Leaf.Id)}";
            var initial = scan.Root.Inputs[slot.Input];
            string input = outer.Buffer(initial);
            switch (slot.Kind)
            {
                case LoopSlotKind.Invariant:
                    // Read in place, whatever its element type (an embedding's indices are ints).
                    slots[slot.Leaf] = (input, initial.Type == ElementType.Int ? DeviceStorageNames.IntView : FloatView);
                    continue;
                case LoopSlotKind.Sequence:
                    w.Line($"{FloatView} {local} = {At(input, t, slot.Leaf)};");
                    break;
                case LoopSlotKind.Lagged:
                    w.Line($"{FloatView} {local} = {t} == 0 ? {input} : {At(outer.Buffer(scan.Root.Inputs[slot.History]), $"{t} - 1", slot.Leaf)};");
                    break;
                default:
                {
                    int output = carries.IndexOf(slot);
                    string before = OutputNode(output, stacked: true) is { } history
                        ? At(outer.Buffer(history), previousTime, slot.Leaf)
                        : previous[output];
                    w.Line($"{FloatView} {local} = {step} == 0 ? {input} : {before};");
                    break;
                }
            }
            slots[slot.Leaf] = (local, FloatView);
        }

        // The body's kernels, each emitted once: host calls and launches name the step's views directly, kernel
        // methods receive them through their argument structs.
        var hostNames = new ScanStorageNames(host, program.Memory, schedule, memory, slots, destination, kernelSide: false);
        foreach (var k in schedule.Program.Kernels)
        {
            w.Line();
            emitter.EmitKernel(w, kernels, k, schedule.Program, hostNames,
                () => new ScanStorageNames(host, program.Memory, schedule, memory, slots, destination, kernelSide: true),
                $"{methodName}Step{I(k.Index)}", $"kernel {I(k.Index)} of the steps of {description}");
        }
        w.Close();

        // A carry read both stacked and final: the final value is the last step's slice of its history.
        foreach (int output in schedule.Outputs)
            if (OutputNode(output, stacked: true) is { } history && OutputNode(output, stacked: false) is { } final)
                w.Line($"step.Library.Copy({At(outer.Buffer(history), body.Reverse ? "0" : $"{steps} - 1", body.Outputs[output])}, {outer.Buffer(final)});");
        w.Close();
    }

    /// <summary>
    /// Storage inside a loop body on ILGPU: slots and outputs are the step's views (host locals), body buffers live in
    /// the enclosing arena. Host side it spells those expressions; kernel side it records an argument field for each.
    /// </summary>
    sealed class ScanStorageNames : IDeviceKernelNames
    {
        readonly CSharpGraphEmitter host;
        readonly MemoryPlan outerMemory;
        readonly LoopSchedule schedule;
        readonly LoopMemory memory;
        readonly IReadOnlyDictionary<Node, (string Expression, string Type)> slots;
        readonly IReadOnlyDictionary<int, string> destinations;
        readonly bool kernelSide;
        readonly List<(string Field, string Type, string HostExpression)> fields = new();
        readonly HashSet<string> declared = new();

        public ScanStorageNames(CSharpGraphEmitter host, MemoryPlan outerMemory, LoopSchedule schedule, LoopMemory memory,
            IReadOnlyDictionary<Node, (string Expression, string Type)> slots, IReadOnlyDictionary<int, string> destinations, bool kernelSide)
        {
            this.host = host;
            this.outerMemory = outerMemory;
            this.schedule = schedule;
            this.memory = memory;
            this.slots = slots;
            this.destinations = destinations;
            this.kernelSide = kernelSide;
        }

        public IReadOnlyList<(string Field, string Type, string HostExpression)> Fields => fields;

        public string Buffer(Node node)
        {
            var root = Passes.Fusion.StorageRoot(node);
            var storage = schedule.Program.Memory.StorageOf(node);
            string index = storage.Index.ToString(CultureInfo.InvariantCulture);
            switch (storage.Kind)
            {
                case StorageKind.LoopSlot:
                {
                    var (expression, type) = slots[root];
                    return Name("slot" + root.Id.ToString(CultureInfo.InvariantCulture), type, expression);
                }
                case StorageKind.Result:
                    return Name("output" + index, FloatView, destinations[schedule.Outputs[storage.Index]]);
                case StorageKind.Arena:
                {
                    string buffer = memory.BodyBuffers[storage.Index].ToString(CultureInfo.InvariantCulture);
                    return Name("buffer" + buffer, FloatView, $"step.Arena({buffer})");
                }
                default:
                    throw new DeviceLoweringException($"%{node.Id} {node.Op} has {storage.Kind} storage, which a loop body cannot have");
            }
        }

        public string Scratch(Kernel kernel)
        {
            string buffer = outerMemory.Scratch[kernel].ToString(CultureInfo.InvariantCulture);
            return Name("buffer" + buffer, FloatView, $"step.Arena({buffer})");
        }

        public string Size(Size size) => CSharpGraphEmitter.Product(size, symbol =>
        {
            string index = host.IndexOfSymbol(symbol).ToString(CultureInfo.InvariantCulture);
            return Name(host.SymbolLocal(symbol), "int", $"step.Symbol({index})");
        });

        public bool Accumulates(Node output) => false;

        string Name(string field, string type, string hostExpression)
        {
            if (!kernelSide) return hostExpression;
            if (declared.Add(field)) fields.Add((field, type, hostExpression));
            return "a." + field;
        }
    }
}
