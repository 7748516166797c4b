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
            var cls = OpClasses.Of(g);
            bool writable = (cls is OpClass.Elementwise or OpClass.Reduction or OpClass.Gemm || OpClasses.CanAccumulate(g)) && users[g].Count == 0 && !seen.Contains(g);
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
        return new GraphProgram(program.Name, result, gradients.ToImmutableArrayOrEmpty(), updates);
    }

    public static List<Kernel> Run(GraphProgram program)
    {
        var nodes = program.Nodes();
        var users = Nodes.Users(nodes);
        var outputs = new HashSet<Node>(program.Outputs);
        var gradients = new HashSet<Node>(program.Gradients.Where(g => g is not null).Select(g => g!));
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
                    Absorb(kernel, n, n.Shape, users, outputs, gradients, assigned);
                    break;
                case OpClass.Reduction:
                    kernel = new Kernel(KernelKind.Loop, n);
                    Add(kernel, n, assigned);
                    Absorb(kernel, n, n.Inputs[0].Shape, users, outputs, gradients, assigned);
                    break;
                case OpClass.Gemm:
                    kernel = new Kernel(KernelKind.Gemm, n) { Gemm = n };
                    assigned[n] = kernel;
                    break;
                default:
                    kernel = new Kernel(KernelKind.Library, n) { Scratch = ScratchSize(n) };
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
        return Order(kernels, new HashSet<Node>(program.Updates.Select(u => u.Value)));
    }

    static void Add(Kernel kernel, Node n, Dictionary<Node, Kernel> assigned)
    {
        kernel.Body.Add(n);
        assigned[n] = kernel;
    }

    static void Absorb(Kernel kernel, Node consumer, Shape bodyShape, Dictionary<Node, List<Node>> users,
        HashSet<Node> outputs, HashSet<Node> gradients, Dictionary<Node, Kernel> assigned)
    {
        foreach (var p in consumer.Inputs.Distinct())
        {
            if (assigned.ContainsKey(p) || outputs.Contains(p) || !p.Shape.Equals(bodyShape)) continue;
            if (users[p].Any(u => !kernel.Body.Contains(u))) continue;
            if (OpClasses.IsElementwise(p))
            {
                Add(kernel, p, assigned);
                Absorb(kernel, p, bodyShape, users, outputs, gradients, assigned);
            }
            else if (OpClasses.Of(p) == OpClass.Gemm && kernel.Kind == KernelKind.Loop && OpClasses.Of(kernel.Root) == OpClass.Elementwise
                     && !gradients.Contains(kernel.Root))
            {
                // The GEMM writes straight into the loop's output buffer, and the loop runs over it in place as the epilogue.
                kernel.Kind = KernelKind.Gemm;
                kernel.Gemm = p;
                assigned[p] = kernel;
            }
        }
    }

    /// <summary>Working memory a library kernel needs besides its output (im2col columns; recomputed pooling indices).</summary>
    static Size? ScratchSize(Node n)
    {
        switch (n.Op)
        {
            case "conv2d" or OpNames.Conv2dBackwardInput or OpNames.Conv2dBackwardWeight:
            {
                var x = n.Op == OpNames.Conv2dBackwardInput ? n.Shape : n.Inputs[0].Shape;
                var w = n.Op switch { "conv2d" => n.Inputs[1].Shape, OpNames.Conv2dBackwardInput => n.Inputs[1].Shape, _ => n.Shape };
                var y = n.Op switch { "conv2d" => n.Shape, _ => n.Op == OpNames.Conv2dBackwardInput ? n.Inputs[0].Shape : n.Inputs[1].Shape };
                var (sh, sw) = ShapeRules.Pair(n.Attrs, "stride", 1);
                var (ph, pw) = ShapeRules.Pair(n.Attrs, "padding", 0);
                bool pointwise = w[2].IsOne && w[3].IsOne && sh == 1 && sw == 1 && ph == 0 && pw == 0;
                return pointwise ? null : x[1].Times(w[2]).Times(w[3]).Times(y[2]).Times(y[3]);
            }
            case OpNames.MaxPool2dBackward:
                // The forward's values and argmax indices, recomputed from the kept input.
                return n.Inputs[1].Shape.Count.Times(Size.Of(2));
            default:
                return null;
        }
    }

    /// <summary>Topological order of kernels (by what they read), earliest root first among the ready ones.</summary>
    static List<Kernel> Order(List<Kernel> kernels, HashSet<Node> updates)
    {
        var producer = new Dictionary<Node, Kernel>();
        foreach (var k in kernels)
        {
            foreach (var o in k.Outputs) producer[o] = k;
            if (k.Gemm is not null) producer[k.Gemm] = k;
        }
        var deps = kernels.ToDictionary(k => k, k => new HashSet<Kernel>(
            k.Reads.Select(StorageRoot).Where(producer.ContainsKey).Select(r => producer[r]).Where(p => p != k)));
        // In-place writes of captures run after every other kernel, since any of them may read the old values.
        foreach (var k in kernels.Where(k => updates.Contains(k.Root)))
            foreach (var other in kernels.Where(o => !updates.Contains(o.Root))) deps[k].Add(other);
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

internal static class ImmutableArrayExtensions
{
    public static System.Collections.Immutable.ImmutableArray<T> ToImmutableArrayOrEmpty<T>(this T[] items) =>
        System.Collections.Immutable.ImmutableArray.Create(items);
}
