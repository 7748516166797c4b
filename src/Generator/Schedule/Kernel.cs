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
    /// <summary>A call of a library kernel (normalisation, losses, layout copies, convolution).</summary>
    Library,
    /// <summary>A loop running its body's own kernels (<see cref="Kernel.Steps"/>) once per step; its outputs are the loop's scan nodes.</summary>
    Scan,
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

    /// <summary>Further matrix products added into the first one's output (accumulating GEMMs), with the adds they replace.</summary>
    public List<Node> MoreGemms { get; } = new();
    public List<Node> SumNodes { get; } = new();

    /// <summary>Nodes the kernel computes into its root's buffer before any epilogue runs.</summary>
    public IEnumerable<Node> Aliased => (Producer is null ? Enumerable.Empty<Node>() : new[] { Producer }).Concat(MoreGemms).Concat(SumNodes);

    /// <summary>A library op (convolution, pooling, ...) whose output the kernel's loop then runs over in place as an epilogue.</summary>
    public Node? LibraryProducer { get; set; }

    /// <summary>The node written to memory before the epilogue loop runs over it: the GEMM or the library op.</summary>
    public Node? Producer => Gemm ?? LibraryProducer;

    /// <summary>Slices read in place by the loop (no copy): computed by this kernel in the sense that no other kernel materialises them.</summary>
    public List<Node> StridedViews { get; } = new();

    /// <summary>A second output computed in the same pass (an op with a <see cref="Ops.SharedPass"/>).</summary>
    public Node? SecondOutput { get; set; }

    /// <summary>Fused elementwise/reduction nodes computed inside the loop, in topological order (includes Root for loops).</summary>
    public List<Node> Body { get; } = new();

    /// <summary>The loop nest of a loop kernel or of a GEMM's epilogue; null for library calls and bare GEMMs.</summary>
    public LoopNest? Loop { get; set; }

    public int Index { get; set; }

    /// <summary>The scheduled body of a <see cref="KernelKind.Scan"/> kernel; null for every other kernel.</summary>
    public LoopSchedule? Steps { get; set; }

    /// <summary>Elements of working memory a library kernel needs for itself (alive only during the kernel).</summary>
    public Size? Scratch { get; set; }

    /// <summary>Further outputs of a loop, computed in the same iterations (loops merged by multi-output fusion).</summary>
    public List<Node> ExtraRoots { get; } = new();

    /// <summary>The values a loop stores: its root and the roots of loops merged into it.</summary>
    public IEnumerable<Node> LoopRoots => new[] { Root }.Concat(ExtraRoots);

    public IEnumerable<Node> Outputs => (SecondOutput is null ? new[] { Root } : new[] { Root, SecondOutput }).Concat(ExtraRoots);

    /// <summary>Every node computed by this kernel.</summary>
    public IEnumerable<Node> Computed =>
        Body.Concat(StridedViews).Concat(Aliased).Concat(Kind is KernelKind.Library or KernelKind.Scan && LibraryProducer is null ? Outputs : Enumerable.Empty<Node>()).Distinct();

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
/// operand walks them as one contiguous range), which axes are reduced, and for every operand the buffer it reads,
/// its element offset and its stride along each axis (0 when broadcast). Contiguous operands have the usual
/// row-major strides; a slice read in place has its source's strides. The innermost axis is the vectorised one.
/// </summary>
internal sealed class LoopNest
{
    LoopNest(ImmutableArray<Size> axes, ImmutableArray<bool> reduced, IReadOnlyDictionary<Node, ImmutableArray<Size>> strides,
        IReadOnlyDictionary<Node, Size> offsets, IReadOnlyDictionary<Node, Node> sources, Shape bodyShape)
    {
        Axes = axes;
        Reduced = reduced;
        Strides = strides;
        Offsets = offsets;
        Sources = sources;
        BodyShape = bodyShape;
    }

    public ImmutableArray<Size> Axes { get; }
    public ImmutableArray<bool> Reduced { get; }
    public IReadOnlyDictionary<Node, ImmutableArray<Size>> Strides { get; }
    public IReadOnlyDictionary<Node, Size> Offsets { get; }

    /// <summary>The node whose buffer an operand is read from: itself, or a slice's source.</summary>
    public IReadOnlyDictionary<Node, Node> Sources { get; }
    public Shape BodyShape { get; }
    public bool IsReduction => Reduced.Any(r => r);

    public IEnumerable<Node> Operands => Strides.Keys.OrderBy(o => o.Id);

    /// <summary>Whether an operand changes along each axis (false: broadcast).</summary>
    public ImmutableArray<bool> Varies(Node operand) => Strides[operand].Select(s => !IsZero(s)).ToImmutableArray();

    static bool IsZero(Size s) => s.Constant == 0;

    /// <summary>Splits <paramref name="bodyShape"/> into axes for the given operands (each broadcastable to it, or a slice of the body's shape read in place).</summary>
    public static LoopNest Build(Shape bodyShape, IReadOnlyList<Node> operands, IReadOnlyCollection<int> reducedDims, IReadOnlyCollection<Node>? stridedViews = null)
    {
        int rank = bodyShape.Rank;
        var dimStrides = new Dictionary<Node, Size[]>();
        var offsets = new Dictionary<Node, Size>();
        var sources = new Dictionary<Node, Node>();
        foreach (var o in operands)
        {
            var strides = new Size[rank];
            if (stridedViews is not null && stridedViews.Contains(o))
            {
                // A slice read in place: same shape as the body, strides and offset of the source buffer.
                var (offset, viewStrides) = Ops.OpRegistry.Get(o.Op).ReadInPlace!(o, bodyShape);
                strides = viewStrides;
                offsets[o] = offset;
                sources[o] = o.Inputs[0];
            }
            else
            {
                int lead = rank - o.Shape.Rank;
                for (int d = 0; d < rank; d++)
                    strides[d] = d < lead || o.Shape[d - lead].IsOne ? Size.Of(0) : o.Shape.CountOf(d - lead + 1, o.Shape.Rank);
                offsets[o] = Size.Of(0);
                sources[o] = o;
            }
            dimStrides[o] = strides;
        }

        var axes = new List<Size>();
        var reduced = new List<bool>();
        var axisStrides = operands.ToDictionary(o => o, _ => new List<Size>());
        int previous = -1;
        for (int d = 0; d < rank; d++)
        {
            if (bodyShape[d].IsOne) continue;
            bool isReduced = reducedDims.Contains(d);
            // Dimension d joins the previous axis when every operand steps through both as one contiguous range.
            bool merge = previous >= 0 && reduced[reduced.Count - 1] == isReduced && operands.All(o =>
            {
                Size outer = dimStrides[o][previous], inner = dimStrides[o][d];
                return IsZero(inner) ? IsZero(outer) : outer.Equals(inner.Times(bodyShape[d]));
            });
            if (merge)
            {
                axes[axes.Count - 1] = axes[axes.Count - 1].Times(bodyShape[d]);
                foreach (var o in operands) axisStrides[o][axisStrides[o].Count - 1] = dimStrides[o][d];
            }
            else
            {
                axes.Add(bodyShape[d]);
                reduced.Add(isReduced);
                foreach (var o in operands) axisStrides[o].Add(dimStrides[o][d]);
            }
            previous = d;
        }
        if (axes.Count == 0)
        {
            axes.Add(Size.One);
            reduced.Add(false);
            foreach (var o in operands) axisStrides[o].Add(Size.Of(0));
        }
        return new LoopNest(axes.ToImmutableArray(), reduced.ToImmutableArray(),
            axisStrides.ToDictionary(p => p.Key, p => p.Value.ToImmutableArray()), offsets, sources, bodyShape);
    }
}

/// <summary>
/// A loop's body as a program of its own: <see cref="Program"/>'s results are the body outputs <see cref="Outputs"/>
/// (by index into the body's outputs: every carry, and each per-step output the loop's users read).
/// </summary>
internal sealed class LoopSchedule
{
    public LoopSchedule(Graph.LoopBody body, IReadOnlyList<int> outputs, KernelProgram program)
    {
        Body = body;
        Outputs = outputs;
        Program = program;
    }

    public Graph.LoopBody Body { get; }
    public IReadOnlyList<int> Outputs { get; }
    public KernelProgram Program { get; }
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
