using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Schedule;

internal enum KernelKind
{
    /// <summary>A loop nest computing fused elementwise nodes, optionally reducing them (sum/mean).</summary>
    Loop,
    /// <summary>A matrix product followed by an optional fused elementwise epilogue over its output.</summary>
    Gemm,
    /// <summary>A call of a library kernel (softmax, cross-entropy, layout copies).</summary>
    Library,
}

/// <summary>
/// A fused kernel, backend-neutral: the graph nodes it computes and the loop structure over them. A backend
/// (C# today, CUDA C next) only decides how to spell the loops and the library calls.
/// </summary>
internal sealed class Kernel
{
    public Kernel(KernelKind kind, Node root)
    {
        Kind = kind;
        Root = root;
    }

    public KernelKind Kind { get; set; }

    /// <summary>The node whose value leaves the kernel (the epilogue's last node for a GEMM with an epilogue).</summary>
    public Node Root { get; set; }

    /// <summary>The matrix product of a GEMM kernel.</summary>
    public Node? Gemm { get; set; }

    /// <summary>A library op (convolution, pooling, softmax, ...) whose output the kernel's loop then runs over in place as an epilogue.</summary>
    public Node? LibraryProducer { get; set; }

    /// <summary>The node written to memory before the epilogue loop runs over it: the GEMM or the library op.</summary>
    public Node? Producer => Gemm ?? LibraryProducer;

    /// <summary>A second output computed in the same pass (cross-entropy's gradient with its loss).</summary>
    public Node? SecondOutput { get; set; }

    /// <summary>Fused elementwise/reduction nodes computed inside the loop, in topological order (includes Root for loops).</summary>
    public List<Node> Body { get; } = new();

    /// <summary>The loop nest of a loop kernel or of a GEMM's epilogue; null for library calls and bare GEMMs.</summary>
    public LoopNest? Loop { get; set; }

    public int Index { get; set; }

    /// <summary>Elements of working memory a library kernel needs for itself (alive only during the kernel).</summary>
    public Size? Scratch { get; set; }

    /// <summary>Further outputs of a loop, computed in the same iterations (loops merged by multi-output fusion).</summary>
    public List<Node> ExtraRoots { get; } = new();

    /// <summary>The values a loop stores: its root and the roots of loops merged into it.</summary>
    public IEnumerable<Node> LoopRoots => new[] { Root }.Concat(ExtraRoots);

    public IEnumerable<Node> Outputs => (SecondOutput is null ? new[] { Root } : new[] { Root, SecondOutput }).Concat(ExtraRoots);

    /// <summary>Every node computed by this kernel.</summary>
    public IEnumerable<Node> Computed =>
        Body.Concat(Producer is null ? Enumerable.Empty<Node>() : new[] { Producer }).Concat(Kind == KernelKind.Library && LibraryProducer is null ? Outputs : Enumerable.Empty<Node>()).Distinct();

    /// <summary>The values the kernel reads from memory or inlines as scalars.</summary>
    public IEnumerable<Node> Reads
    {
        get
        {
            var computed = new HashSet<Node>(Computed);
            return Computed.SelectMany(n => n.Inputs).Where(i => !computed.Contains(i)).Distinct().OrderBy(n => n.Id);
        }
    }

    public bool IsFusedLoop => Body.Count > 1;
}

/// <summary>
/// The loop structure of a fused loop: the body shape split into axes (adjacent dimensions merged when every
/// operand is either indexed or broadcast along all of them alike), which axes are reduced, and for every
/// operand along which axes it varies. The innermost axis is the vectorised one.
/// </summary>
internal sealed class LoopNest
{
    public LoopNest(ImmutableArray<Size> axes, ImmutableArray<bool> reduced, IReadOnlyDictionary<Node, ImmutableArray<bool>> varies, Shape bodyShape)
    {
        Axes = axes;
        Reduced = reduced;
        Varies = varies;
        BodyShape = bodyShape;
    }

    public ImmutableArray<Size> Axes { get; }
    public ImmutableArray<bool> Reduced { get; }
    public IReadOnlyDictionary<Node, ImmutableArray<bool>> Varies { get; }
    public Shape BodyShape { get; }
    public bool IsReduction => Reduced.Any(r => r);

    /// <summary>Splits <paramref name="bodyShape"/> into axes for the given operands (each broadcastable to it).</summary>
    public static LoopNest Build(Shape bodyShape, IReadOnlyList<Node> operands, IReadOnlyCollection<int> reducedDims)
    {
        int rank = bodyShape.Rank;
        bool VariesAt(Node operand, int d)
        {
            int offset = rank - operand.Shape.Rank;
            return d >= offset && !operand.Shape[d - offset].IsOne;
        }

        var axes = new List<Size>();
        var reduced = new List<bool>();
        var signatures = new List<bool[]>();
        for (int d = 0; d < rank; d++)
        {
            if (bodyShape[d].IsOne) continue;
            var signature = operands.Select(o => VariesAt(o, d)).Append(reducedDims.Contains(d)).ToArray();
            if (signatures.Count > 0 && signatures[signatures.Count - 1].SequenceEqual(signature))
                axes[axes.Count - 1] = axes[axes.Count - 1].Times(bodyShape[d]);
            else
            {
                axes.Add(bodyShape[d]);
                reduced.Add(reducedDims.Contains(d));
                signatures.Add(signature);
            }
        }
        if (axes.Count == 0)
        {
            axes.Add(Size.One);
            reduced.Add(false);
            signatures.Add(operands.Select(_ => false).Append(false).ToArray());
        }

        var varies = new Dictionary<Node, ImmutableArray<bool>>();
        for (int o = 0; o < operands.Count; o++)
            varies[operands[o]] = signatures.Select(s => s[o]).ToImmutableArray();
        return new LoopNest(axes.ToImmutableArray(), reduced.ToImmutableArray(), varies, bodyShape);
    }
}

/// <summary>A program's kernels in execution order, with the buffers they need.</summary>
internal sealed class KernelProgram
{
    public KernelProgram(GraphProgram graph, IReadOnlyList<Kernel> kernels, MemoryPlan memory)
    {
        Graph = graph;
        Kernels = kernels;
        Memory = memory;
    }

    public GraphProgram Graph { get; }
    public IReadOnlyList<Kernel> Kernels { get; }
    public MemoryPlan Memory { get; }
}
