using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops;
using Kiln.Generator.Schedule;

namespace Kiln.Generator.Schedule
{
    internal enum StorageKind { Input, Capture, Constant, Arena, Result, Gradient, CaptureUpdate, LoopSlot }

    /// <summary>Where a value lives: an argument, a capture, an inline scalar, an arena buffer, the result tensor, or a parameter's Grad.</summary>
    internal readonly record struct Storage(StorageKind Kind, int Index);

    /// <summary>
    /// The buffers of a scan kernel: its body's arena buffers, each placed in the enclosing arena (<see cref="BodyBuffers"/>,
    /// by body buffer index), and for each carry that is not stacked the buffers its steps alternate between
    /// (<see cref="Alternates"/>: one beside the final value's own buffer, or two when the final value is not read).
    /// </summary>
    internal sealed record LoopMemory(IReadOnlyList<int> BodyBuffers, IReadOnlyDictionary<int, int[]> Alternates);

    /// <summary>An intermediate buffer: its element count (symbolic) and the kernels between which it is alive.</summary>
    internal sealed record ArenaBuffer(int Index, Node Node, Size Count, int FirstUse, int LastUse);

    /// <summary>
    /// The memory plan of a program: every materialised value's storage, and the arena buffers with their
    /// lifetimes. Offsets depend on the symbol values, so the runtime's ArenaPlanner places the buffers once per
    /// binding, at the first call with it.
    /// </summary>
    internal sealed class MemoryPlan
    {
        public MemoryPlan(IReadOnlyDictionary<Node, Storage> storage, IReadOnlyList<ArenaBuffer> buffers, IReadOnlyDictionary<Kernel, int> scratch,
            IReadOnlyDictionary<Kernel, LoopMemory>? loops = null)
        {
            Loops = loops ?? new Dictionary<Kernel, LoopMemory>();
            Storage = storage;
            Buffers = buffers;
            Scratch = scratch;
        }

        /// <summary>The buffers of each scan kernel.</summary>
        public IReadOnlyDictionary<Kernel, LoopMemory> Loops { get; }

        /// <summary>The arena buffer serving as each library kernel's scratch memory (a loop body's kernels included).</summary>
        public IReadOnlyDictionary<Kernel, int> Scratch { get; }

        public IReadOnlyDictionary<Node, Storage> Storage { get; }
        public IReadOnlyList<ArenaBuffer> Buffers { get; }

        public Storage StorageOf(Node n) => Storage[Passes.Fusion.StorageRoot(n)];

        /// <summary>Each buffer's element count for one binding of the symbols (the runtime's ArenaPlanner places them).</summary>
        public int[] Sizes(IReadOnlyDictionary<string, int> binding) => Buffers.Select(b => checked((int)b.Count.Evaluate(binding))).ToArray();
    }
}

namespace Kiln.Generator.Passes
{
    /// <summary>Assigns storage by liveness: outputs of the program go to the result tensor or a Grad, the rest to arena buffers.</summary>
    internal static class MemoryPlanner
    {
        public static MemoryPlan Run(GraphProgram program, IReadOnlyList<Kernel> kernels)
        {
            var storage = new Dictionary<Node, Storage>();
            var gradientOf = new Dictionary<Node, int>();
            var updateOf = program.Updates.ToDictionary(u => u.Value, u => u.Capture);
            var resultOf = new Dictionary<Node, int>();
            for (int i = program.MoreResults.Length - 1; i >= 0; i--) resultOf[program.MoreResults[i]] = i + 1;
            resultOf[program.Result] = 0;
            for (int i = 0; i < program.Gradients.Length; i++)
                if (program.Gradients[i] is { } g) gradientOf[Fusion.StorageRoot(g)] = i;

            foreach (var n in program.Nodes())
            {
                switch (n.Op)
                {
                    case OpNames.Input: storage[n] = new Storage(StorageKind.Input, n.Attrs.Int("index")); break;
                    case OpNames.Capture: storage[n] = new Storage(StorageKind.Capture, n.Attrs.Int("index")); break;
                    case OpNames.Constant or OpNames.InvCount or OpNames.UnbiasFactor: storage[n] = new Storage(StorageKind.Constant, n.Id); break;
                    case OpNames.LoopInput: storage[n] = new Storage(StorageKind.LoopSlot, n.Id); break;
                }
            }

            var buffers = new List<(Node Node, Size Count, int First, int Last)>();
            var scratch = new Dictionary<Kernel, int>();
            var loops = new Dictionary<Kernel, LoopMemory>();
            foreach (var k in kernels)
            {
                if (k.Scratch is { } scratchSize)
                {
                    scratch[k] = buffers.Count;
                    buffers.Add((k.Root, scratchSize, k.Index, k.Index));
                }
                foreach (var o in k.Outputs)
                {
                    if (resultOf.TryGetValue(o, out int result)) storage[o] = new Storage(StorageKind.Result, result);
                    else if (gradientOf.TryGetValue(o, out int capture)) storage[o] = new Storage(StorageKind.Gradient, capture);
                    else if (updateOf.TryGetValue(o, out int updated)) storage[o] = new Storage(StorageKind.CaptureUpdate, updated);
                    else
                    {
                        storage[o] = new Storage(StorageKind.Arena, buffers.Count);
                        buffers.Add((o, o.Shape.Count, k.Index, k.Index));
                    }
                }
                foreach (var aliased in k.Aliased)
                    if (aliased != k.Root) storage[aliased] = storage[k.Root];
                if (k.Steps is { } steps) loops[k] = PlanLoop(k, steps, buffers, scratch);
            }
            foreach (var k in kernels)
                foreach (var r in k.Reads)
                {
                    var s = storage[Fusion.StorageRoot(r)];
                    if (s.Kind == StorageKind.Arena)
                    {
                        var b = buffers[s.Index];
                        buffers[s.Index] = (b.Node, b.Count, b.First, Math.Max(b.Last, k.Index));
                    }
                }
            return new MemoryPlan(storage, buffers.Select((b, i) => new ArenaBuffer(i, b.Node, b.Count, b.First, b.Last)).ToList(), scratch, loops);
        }

        /// <summary>
        /// A scan kernel's working memory, all alive while it runs: its body's buffers (planned once for every step) and
        /// the alternating buffers of carries whose history is not kept (a stacked carry writes each step into its history).
        /// </summary>
        static LoopMemory PlanLoop(Kernel k, LoopSchedule steps, List<(Node Node, Size Count, int First, int Last)> buffers, Dictionary<Kernel, int> scratch)
        {
            var body = steps.Program.Memory;
            var bodyBuffers = new List<int>();
            foreach (var b in body.Buffers)
            {
                bodyBuffers.Add(buffers.Count);
                buffers.Add((b.Node, b.Count, k.Index, k.Index));
            }
            foreach (var s in body.Scratch) scratch[s.Key] = bodyBuffers[s.Value];
            foreach (var inner in body.Loops) throw new NotSupportedException($"a loop inside a loop body (kernel {inner.Key.Index}) is not compiled yet");
            var alternates = new Dictionary<int, int[]>();
            for (int c = 0; c < steps.Body.CarryCount; c++)
            {
                if (k.Outputs.Any(o => o.Attrs.Int("output") == c && o.Attrs.Bool("stacked"))) continue;
                bool final = k.Outputs.Any(o => o.Attrs.Int("output") == c);
                var count = steps.Body.Outputs[c].Shape.Count;
                alternates[c] = Enumerable.Range(0, final ? 1 : 2).Select(_ =>
                {
                    buffers.Add((k.Root, count, k.Index, k.Index));
                    return buffers.Count - 1;
                }).ToArray();
            }
            return new LoopMemory(bodyBuffers, alternates);
        }
    }
}
