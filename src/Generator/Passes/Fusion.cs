using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops;
using Kiln.Generator.Schedule;

namespace Kiln.Generator.Passes;

/// <summary>
/// Groups nodes into kernels, walking from the outputs back: an elementwise node joins the loop of its consumers
/// when all of them are in that loop and it has the loop's shape (chains become one loop; a reduction absorbs
/// its producers, e.g. sum of squares); a GEMM whose output only feeds one elementwise loop takes that loop as
/// its epilogue (bias, activation, or the backward's activation mask); cross-entropy's loss and gradient on the
/// same logits share one pass. Nothing here knows the target: the result is a list of backend-neutral kernels.
/// </summary>
internal static class Fusion
{
    /// <summary>
    /// Outputs must be writable by the kernel that computes them: the result cannot be a view or a leaf, and a
    /// gradient (accumulated into the parameter's Grad) must be computed by a loop or a GEMM and read by nothing else.
    /// A copy node makes them so.
    /// </summary>
    public static GraphProgram MaterialiseOutputs(GraphBuilder b, GraphProgram program)
    {
        var result = program.Result;
        var resultClass = OpClasses.Of(result);
        if (resultClass is OpClass.Leaf or OpClass.View) result = b.Create(OpNames.Copy, new[] { result });

        var users = Nodes.Users(program.Nodes());
        var seen = new HashSet<Node> { result };
        var gradients = program.Gradients.ToArray();
        for (int i = 0; i < gradients.Length; i++)
        {
            var g = gradients[i];
            if (g is null) continue;
            // A view of the computed value (a reshape after a keep-dim reduction) is written through: same elements, same order.
            var computed = StorageRoot(g);
            var cls = OpClasses.Of(computed);
            bool onlyThroughView = computed == g || (users[computed].Count == 1 && users[computed][0] == g);
            bool writable = (cls is OpClass.Elementwise or OpClass.Reduction or OpClass.Gemm || OpClasses.CanAccumulate(computed))
                && onlyThroughView && users[g].Count == 0 && !seen.Contains(computed);
            seen.Add(computed);
            if (!writable) g = b.Create(OpNames.Copy, new[] { g }, Attrs.Of(("gradient_of", Attrs.FormatInt(i))));
            seen.Add(g);
            gradients[i] = g;
        }
        var updates = program.Updates.Select(u =>
        {
            var v = u.Value;
            bool writable = OpClasses.Of(v) == OpClass.Elementwise && users[v].Count == 0 && seen.Add(v);
            return (u.Capture, writable ? v : b.Create(OpNames.Copy, new[] { v }, Attrs.Of(("update_of", Attrs.FormatInt(u.Capture)))));
        }).ToImmutableArray();
        return new GraphProgram(program.Name, result, ImmutableArray.Create(gradients), updates);
    }

    /// <param name="scratchSize">The backend's working memory for a library op (im2col columns on the CPU), or null.</param>
    public static List<Kernel> Run(GraphProgram program, Func<Node, Size?> scratchSize)
    {
        var nodes = program.Nodes();
        var users = Nodes.Users(nodes);
        var outputs = new HashSet<Node>(program.Outputs);
        var gradients = new HashSet<Node>(program.Gradients.Where(g => g is not null).Select(g => StorageRoot(g!)));
        var assigned = new Dictionary<Node, Kernel>();
        var kernels = new List<Kernel>();

        foreach (var n in Enumerable.Reverse(nodes))
        {
            if (assigned.ContainsKey(n)) continue;
            Kernel kernel;
            switch (OpClasses.Of(n))
            {
                case OpClass.Leaf or OpClass.View:
                    continue;
                case OpClass.Elementwise:
                    kernel = new Kernel(KernelKind.Loop, n);
                    Add(kernel, n, assigned);
                    Absorb(kernel, n, n.Shape, users, outputs, gradients, assigned, scratchSize);
                    break;
                case OpClass.Reduction:
                    kernel = new Kernel(KernelKind.Loop, n);
                    Add(kernel, n, assigned);
                    Absorb(kernel, n, n.Inputs[0].Shape, users, outputs, gradients, assigned, scratchSize);
                    break;
                case OpClass.Gemm:
                    kernel = new Kernel(KernelKind.Gemm, n) { Gemm = n };
                    assigned[n] = kernel;
                    break;
                default:
                    kernel = new Kernel(KernelKind.Library, n) { Scratch = scratchSize(n) };
                    assigned[n] = kernel;
                    if (n.Op == OpNames.CrossEntropyBackward && OpClasses.Of(n.Inputs[2]) == OpClass.Leaf)
                    {
                        var loss = nodes.FirstOrDefault(f => f.Op == "cross_entropy" && f.Inputs[0] == n.Inputs[0] && f.Inputs[1] == n.Inputs[1]);
                        if (loss is not null && !assigned.ContainsKey(loss))
                        {
                            kernel.Root = loss;
                            kernel.SecondOutput = n;
                            assigned[loss] = kernel;
                        }
                    }
                    break;
            }
            kernels.Add(kernel);
        }

        foreach (var k in kernels)
        {
            k.Body.Sort((a, b) => a.Id.CompareTo(b.Id));
            if (k.Body.Count == 0) continue;
            var inBody = new HashSet<Node>(k.Body);
            var operands = k.Body.SelectMany(n => n.Inputs).Where(i => !inBody.Contains(i)).Distinct().OrderBy(i => i.Id).ToList();
            bool reduction = OpClasses.Of(k.Root) == OpClass.Reduction;
            var bodyShape = reduction ? k.Root.Inputs[0].Shape : k.Root.Shape;
            var reduced = reduction ? ShapeRules.ReducedDims(k.Root.Inputs[0], k.Root.Attrs, "Sum") : Array.Empty<int>();
            k.Loop = LoopNest.Build(bodyShape, operands, reduced);
        }
        var updates = program.Updates.ToDictionary(u => u.Value, u => u.Capture);
        return MergeSiblingLoops(Order(kernels, updates), new HashSet<Node>(updates.Keys));
    }

    /// <summary>
    /// Multi-output fusion: a loop that reads an elementwise output of an earlier loop (or GEMM epilogue) over the
    /// same shape, and otherwise only values ready before that loop, runs inside it: the shared value is used from
    /// registers instead of being reloaded, and one pass over memory computes both (e.g. Σd² and 2·d from the same
    /// d; a bias gradient Σg reduced in the GEMM epilogue that produced g).
    /// </summary>
    static List<Kernel> MergeSiblingLoops(List<Kernel> kernels, HashSet<Node> updates)
    {
        bool merged = true;
        while (merged)
        {
            merged = false;
            var producer = new Dictionary<Node, Kernel>();
            foreach (var k in kernels)
                foreach (var o in k.Outputs.Concat(k.Producer is null ? Enumerable.Empty<Node>() : new[] { k.Producer })) producer[o] = k;
            foreach (var consumer in kernels)
            {
                if (consumer.Kind != KernelKind.Loop || consumer.Loop is null || updates.Contains(consumer.Root)) continue;
                var reads = consumer.Reads.ToList();
                var sources = reads.Where(r => producer.ContainsKey(StorageRoot(r))).Select(r => producer[StorageRoot(r)]).Distinct().ToList();
                if (sources.Count == 0) continue;
                var target = sources.OrderBy(k => k.Index).Last();
                if (target.Loop is null || updates.Contains(target.Root)) continue;
                if (!target.Loop.BodyShape.Equals(consumer.Loop.BodyShape)) continue;
                // What the consumer takes from the target must be its elementwise outputs, read as they are (no views).
                var fromTarget = reads.Where(r => producer.TryGetValue(StorageRoot(r), out var k) && k == target).ToList();
                if (fromTarget.Any(r => !target.LoopRoots.Contains(r) || OpClasses.Of(r) != OpClass.Elementwise)) continue;
                if (sources.Any(k => k != target && k.Index > target.Index)) continue;
                var reductionDims = target.LoopRoots.Concat(consumer.LoopRoots).Where(r => OpClasses.Of(r) == OpClass.Reduction)
                    .Select(r => string.Join(",", ShapeRules.ReducedDims(r.Inputs[0], r.Attrs, "Sum"))).Distinct().ToList();
                if (reductionDims.Count > 1) continue;

                target.Body.AddRange(consumer.Body);
                target.Body.Sort((a, b) => a.Id.CompareTo(b.Id));
                target.ExtraRoots.AddRange(consumer.LoopRoots);
                var inBody = new HashSet<Node>(target.Body);
                var operands = target.Body.SelectMany(n => n.Inputs).Where(i => !inBody.Contains(i)).Distinct().OrderBy(i => i.Id).ToList();
                var reduction = target.LoopRoots.FirstOrDefault(r => OpClasses.Of(r) == OpClass.Reduction);
                var reduced = reduction is null ? Array.Empty<int>() : ShapeRules.ReducedDims(reduction.Inputs[0], reduction.Attrs, "Sum");
                target.Loop = LoopNest.Build(target.Loop.BodyShape, operands, reduced);
                kernels.Remove(consumer);
                for (int i = 0; i < kernels.Count; i++) kernels[i].Index = i;
                merged = true;
                break;
            }
        }
        return kernels;
    }

    static void Add(Kernel kernel, Node n, Dictionary<Node, Kernel> assigned)
    {
        kernel.Body.Add(n);
        assigned[n] = kernel;
    }

    static void Absorb(Kernel kernel, Node consumer, Shape bodyShape, Dictionary<Node, List<Node>> users,
        HashSet<Node> outputs, HashSet<Node> gradients, Dictionary<Node, Kernel> assigned, Func<Node, Size?> scratchSize)
    {
        foreach (var p in consumer.Inputs.Distinct())
        {
            if (assigned.ContainsKey(p) || outputs.Contains(p) || !p.Shape.Equals(bodyShape)) continue;
            if (users[p].Any(u => !kernel.Body.Contains(u))) continue;
            if (OpClasses.IsElementwise(p))
            {
                Add(kernel, p, assigned);
                Absorb(kernel, p, bodyShape, users, outputs, gradients, assigned, scratchSize);
            }
            else if (OpClasses.Of(p) == OpClass.Gemm && kernel.Kind == KernelKind.Loop && OpClasses.Of(kernel.Root) == OpClass.Elementwise
                     && !gradients.Contains(kernel.Root))
            {
                // The GEMM writes straight into the loop's output buffer, and the loop runs over it in place as the epilogue.
                kernel.Kind = KernelKind.Gemm;
                kernel.Gemm = p;
                assigned[p] = kernel;
            }
            else if (OpClasses.Of(p) == OpClass.Library && TakesEpilogue(p) && kernel.Kind == KernelKind.Loop && OpClasses.Of(kernel.Root) == OpClass.Elementwise
                     && !gradients.Contains(kernel.Root))
            {
                // Same as a GEMM: the library kernel writes the loop's output buffer, the loop runs over it in place.
                kernel.Kind = KernelKind.Library;
                kernel.LibraryProducer = p;
                kernel.Scratch = scratchSize(p);
                assigned[p] = kernel;
            }
        }
    }

    /// <summary>Library ops that write their whole output densely (so an elementwise epilogue can follow in place).</summary>
    static bool TakesEpilogue(Node n) => n.Op is "conv2d" or OpNames.Conv2dBackwardInput or "max_pool2d" or OpNames.MaxPool2dBackward
        or "avg_pool2d" or OpNames.AvgPool2dBackward or "softmax" or "log_softmax" or OpNames.SoftmaxBackward or "embedding"
        or "transpose" or "concat" or "narrow" or OpNames.NarrowBackward;

    /// <summary>Topological order of kernels (by what they read), earliest root first among the ready ones.</summary>
    static List<Kernel> Order(List<Kernel> kernels, Dictionary<Node, int> updates)
    {
        var producer = new Dictionary<Node, Kernel>();
        foreach (var k in kernels)
        {
            foreach (var o in k.Outputs) producer[o] = k;
            if (k.Producer is not null) producer[k.Producer] = k;
        }
        var deps = kernels.ToDictionary(k => k, k => new HashSet<Kernel>(
            k.Reads.Select(StorageRoot).Where(producer.ContainsKey).Select(r => producer[r]).Where(p => p != k)));
        // In-place writes of captures run after every other kernel, and after every other update that reads the old value.
        foreach (var k in kernels.Where(k => updates.ContainsKey(k.Root)))
        {
            foreach (var other in kernels.Where(o => !updates.ContainsKey(o.Root))) deps[k].Add(other);
            int capture = updates[k.Root];
            foreach (var other in kernels.Where(o => o != k && o.Reads.Select(StorageRoot).Any(r => r.Op == OpNames.Capture && r.Attrs.Int("index") == capture)))
                deps[k].Add(other);
        }
        var ordered = new List<Kernel>();
        var done = new HashSet<Kernel>();
        while (ordered.Count < kernels.Count)
        {
            var next = kernels.Where(k => !done.Contains(k) && deps[k].All(done.Contains)).OrderBy(k => k.Outputs.Min(o => o.Id)).FirstOrDefault()
                ?? throw new InvalidOperationException("fusion produced a cycle between kernels");
            next.Index = ordered.Count;
            ordered.Add(next);
            done.Add(next);
        }
        return ordered;
    }

    /// <summary>The node whose buffer a value lives in: views share their input's buffer.</summary>
    public static Node StorageRoot(Node n)
    {
        while (OpClasses.Of(n) == OpClass.View) n = n.Inputs[0];
        return n;
    }
}
