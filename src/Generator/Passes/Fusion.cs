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
        var resultClass = OpRegistry.ClassOf(result);
        if (resultClass is OpClass.Leaf or OpClass.View) result = b.Create(OpNames.Copy, new[] { result });
        var seen = new HashSet<Node> { result };
        // Each further result gets its own result tensor: a copy when it is a leaf or a view, or the same value as another.
        var moreResults = program.MoreResults.Select((r, i) =>
        {
            bool writable = OpRegistry.ClassOf(r) is not (OpClass.Leaf or OpClass.View) && seen.Add(r);
            if (writable) return r;
            var copy = b.Create(OpNames.Copy, new[] { r }, Attrs.Of(("result_of", Attrs.FormatInt(i + 1))));
            seen.Add(copy);
            return copy;
        }).ToImmutableArray();

        var users = Nodes.Users(new GraphProgram(program.Name, result, program.Gradients, program.Updates, moreResults).Nodes());
        var gradients = program.Gradients.ToArray();
        for (int i = 0; i < gradients.Length; i++)
        {
            var g = gradients[i];
            if (g is null) continue;
            // A view of the computed value (a reshape after a keep-dim reduction) is written through: same elements, same order.
            var computed = StorageRoot(g);
            var cls = OpRegistry.ClassOf(computed);
            bool onlyThroughView = computed == g || (users[computed].Count == 1 && users[computed][0] == g);
            bool writable = (cls is OpClass.Elementwise or OpClass.Reduction or OpClass.Gemm || OpRegistry.Get(computed.Op).CanAccumulate)
                && onlyThroughView && users[g].Count == 0 && !seen.Contains(computed);
            seen.Add(computed);
            if (!writable) g = b.Create(OpNames.Copy, new[] { g }, Attrs.Of(("gradient_of", Attrs.FormatInt(i))));
            seen.Add(g);
            gradients[i] = g;
        }
        var updates = program.Updates.Select(u =>
        {
            var v = u.Value;
            bool writable = OpRegistry.ClassOf(v) == OpClass.Elementwise && users[v].Count == 0 && seen.Add(v);
            return (u.Capture, writable ? v : b.Create(OpNames.Copy, new[] { v }, Attrs.Of(("update_of", Attrs.FormatInt(u.Capture)))));
        }).ToImmutableArray();
        return new GraphProgram(program.Name, result, ImmutableArray.Create(gradients), updates, moreResults);
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
        var gemmSums = GemmSums(nodes, users, outputs);

        foreach (var n in Enumerable.Reverse(nodes))
        {
            if (assigned.ContainsKey(n)) continue;
            Kernel kernel;
            if (gemmSums.TryGetValue(n, out var sum))
            {
                kernel = new Kernel(KernelKind.Gemm, n);
                TakeGemmSum(kernel, n, sum, assigned);
                kernels.Add(kernel);
                continue;
            }
            switch (OpRegistry.ClassOf(n))
            {
                case OpClass.Leaf or OpClass.View:
                    continue;
                case OpClass.Elementwise:
                    kernel = new Kernel(KernelKind.Loop, n);
                    Add(kernel, n, assigned);
                    Absorb(kernel, n, n.Shape, users, outputs, gradients, assigned, scratchSize, gemmSums);
                    break;
                case OpClass.Reduction:
                    kernel = new Kernel(KernelKind.Loop, n);
                    Add(kernel, n, assigned);
                    Absorb(kernel, n, n.Inputs[0].Shape, users, outputs, gradients, assigned, scratchSize, gemmSums);
                    break;
                case OpClass.Gemm:
                    kernel = new Kernel(KernelKind.Gemm, n) { Gemm = n };
                    assigned[n] = kernel;
                    break;
                case OpClass.Loop:
                    // Every output of one loop the program reads comes from one run of it.
                    kernel = new Kernel(KernelKind.Scan, n);
                    assigned[n] = kernel;
                    foreach (var sibling in nodes.Where(m => m != n && Autodiff.SameLoop(m, n)))
                    {
                        kernel.ExtraRoots.Add(sibling);
                        assigned[sibling] = kernel;
                    }
                    break;
                default:
                    kernel = new Kernel(KernelKind.Library, n) { Scratch = scratchSize(n) };
                    assigned[n] = kernel;
                    if (OpRegistry.Get(n.Op).SharedPass is { } shared && (shared.LeafInput is not int leaf || OpRegistry.ClassOf(n.Inputs[leaf]) == OpClass.Leaf))
                    {
                        var loss = nodes.FirstOrDefault(f => shared.Shares(n, f));
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
            bool reduction = OpRegistry.ClassOf(k.Root) == OpClass.Reduction;
            var bodyShape = reduction ? k.Root.Inputs[0].Shape : k.Root.Shape;
            var reduced = reduction ? Ops.Definitions.Reductions.ReducedDims(k.Root) : Array.Empty<int>();
            k.Loop = LoopNest.Build(bodyShape, operands, reduced, k.StridedViews);
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
                if (fromTarget.Any(r => !target.LoopRoots.Contains(r) || OpRegistry.ClassOf(r) != OpClass.Elementwise)) continue;
                if (sources.Any(k => k != target && k.Index > target.Index)) continue;
                var reductionDims = target.LoopRoots.Concat(consumer.LoopRoots).Where(r => OpRegistry.ClassOf(r) == OpClass.Reduction)
                    .Select(r => string.Join(",", Ops.Definitions.Reductions.ReducedDims(r))).Distinct().ToList();
                if (reductionDims.Count > 1) continue;

                target.Body.AddRange(consumer.Body);
                target.Body.Sort((a, b) => a.Id.CompareTo(b.Id));
                target.ExtraRoots.AddRange(consumer.LoopRoots);
                target.StridedViews.AddRange(consumer.StridedViews);
                var inBody = new HashSet<Node>(target.Body);
                var operands = target.Body.SelectMany(n => n.Inputs).Where(i => !inBody.Contains(i)).Distinct().OrderBy(i => i.Id).ToList();
                var reduction = target.LoopRoots.FirstOrDefault(r => OpRegistry.ClassOf(r) == OpClass.Reduction);
                var reduced = reduction is null ? Array.Empty<int>() : Ops.Definitions.Reductions.ReducedDims(reduction);
                target.Loop = LoopNest.Build(target.Loop.BodyShape, operands, reduced, target.StridedViews);
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
        HashSet<Node> outputs, HashSet<Node> gradients, Dictionary<Node, Kernel> assigned, Func<Node, Size?> scratchSize,
        Dictionary<Node, GemmSum> gemmSums)
    {
        foreach (var p in consumer.Inputs.Distinct())
        {
            if (assigned.ContainsKey(p) || outputs.Contains(p) || !p.Shape.Equals(bodyShape)) continue;
            if (users[p].Any(u => !kernel.Body.Contains(u))) continue;
            if (gemmSums.TryGetValue(p, out var sum))
            {
                if (kernel.Kind == KernelKind.Loop && OpRegistry.ClassOf(kernel.Root) == OpClass.Elementwise && !gradients.Contains(kernel.Root))
                {
                    // The products accumulate into the loop's output buffer; the loop then runs over their sum in place.
                    kernel.Kind = KernelKind.Gemm;
                    TakeGemmSum(kernel, p, sum, assigned);
                }
            }
            else if (OpRegistry.IsElementwise(p))
            {
                Add(kernel, p, assigned);
                Absorb(kernel, p, bodyShape, users, outputs, gradients, assigned, scratchSize, gemmSums);
            }
            else if (OpRegistry.ClassOf(p) == OpClass.Gemm && kernel.Kind == KernelKind.Loop && OpRegistry.ClassOf(kernel.Root) == OpClass.Elementwise
                     && !gradients.Contains(kernel.Root))
            {
                // The GEMM writes straight into the loop's output buffer, and the loop runs over it in place as the epilogue.
                kernel.Kind = KernelKind.Gemm;
                kernel.Gemm = p;
                assigned[p] = kernel;
            }
            else if (OpRegistry.Get(p.Op).ReadInPlace is not null)
            {
                // A slice of the same shape as the loop is read in place with its source's strides: no copy kernel.
                kernel.StridedViews.Add(p);
                assigned[p] = kernel;
            }
            else if (OpRegistry.ClassOf(p) == OpClass.Library && TakesEpilogue(p) && kernel.Kind == KernelKind.Loop && OpRegistry.ClassOf(kernel.Root) == OpClass.Elementwise
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

    internal sealed record GemmSum(List<Node> Gemms, List<Node> Adds);

    /// <summary>
    /// Sums of matrix products (an add tree whose leaves are GEMMs used only there, all of one shape): an RNN's
    /// x·Wᵢₕᵀ + h·Wₕₕᵀ, or a weight gradient summed over time steps. One GEMM writes, the others accumulate.
    /// </summary>
    static Dictionary<Node, GemmSum> GemmSums(List<Node> nodes, Dictionary<Node, List<Node>> users, HashSet<Node> outputs)
    {
        var sums = new Dictionary<Node, GemmSum>();
        var claimed = new HashSet<Node>();
        bool Collect(Node add, GemmSum sum)
        {
            foreach (var x in add.Inputs)
            {
                if (!x.Shape.Equals(add.Shape) || users[x].Count != 1 || outputs.Contains(x) || claimed.Contains(x)) return false;
                if (OpRegistry.ClassOf(x) == OpClass.Gemm) sum.Gemms.Add(x);
                else if (x.Op == OpNames.Add && Collect(x, sum)) sum.Adds.Add(x);
                else return false;
            }
            return true;
        }
        foreach (var n in Enumerable.Reverse(nodes))
        {
            if (n.Op != OpNames.Add || claimed.Contains(n) || n.Inputs[0] == n.Inputs[1]) continue;
            var sum = new GemmSum(new List<Node>(), new List<Node>());
            if (!Collect(n, sum)) continue;
            sum.Adds.Add(n);
            sum.Gemms.Sort((a, b) => a.Id.CompareTo(b.Id));
            sums[n] = sum;
            foreach (var x in sum.Gemms.Concat(sum.Adds)) claimed.Add(x);
        }
        return sums;
    }

    static void TakeGemmSum(Kernel kernel, Node root, GemmSum sum, Dictionary<Node, Kernel> assigned)
    {
        kernel.Gemm = sum.Gemms[0];
        kernel.MoreGemms.AddRange(sum.Gemms.Skip(1));
        kernel.SumNodes.AddRange(sum.Adds);
        foreach (var x in sum.Gemms.Concat(sum.Adds)) assigned[x] = kernel;
        _ = root;
    }

    /// <summary>Library ops that write their whole output densely (so an elementwise epilogue can follow in place).</summary>
    static bool TakesEpilogue(Node n) => OpRegistry.Get(n.Op).TakesEpilogue;

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
        while (OpRegistry.ClassOf(n) == OpClass.View) n = n.Inputs[0];
        return n;
    }
}
