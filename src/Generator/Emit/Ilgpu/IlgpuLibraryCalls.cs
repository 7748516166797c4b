using System.Collections.Generic;
using System.Linq;
using System.Globalization;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops;
using Kiln.Generator.Ops.Definitions;
using Kiln.Generator.Schedule;

namespace Kiln.Generator.Emit.Ilgpu;

/// <summary>
/// The ILGPU lowering of library ops and GEMMs: host calls of Kiln.Accelerators' DeviceLibrary (hand-written device
/// kernels, cuBLAS for GEMM on CUDA) on the step's views. One entry per op, keyed by its name; an op without one
/// makes the graph's device program fail with a <see cref="DeviceLoweringException"/> naming it.
/// </summary>
internal static class IlgpuLibraryCalls
{
    const string Library = "step.Library";

    static readonly Dictionary<string, LibraryLowering> Table = new()
    {
        [Probabilities.Softmax] = c => Softmax(c, log: false),
        [Probabilities.LogSoftmax] = c => Softmax(c, log: true),
        [Probabilities.SoftmaxBackward] = c =>
        {
            var (outer, size, inner) = ShapeRules.SplitAround(c.Node.Shape, c.Node.Attrs.Int("dim", -1), "Softmax");
            c.W.Line($"{Library}.SoftmaxBackward(step.Graph, {c.In(0)}, {c.In(1)}, {c.Out}, {c.Size(outer)}, {c.Size(size)}, {c.Size(inner)}, log: {Bool(c.Node.Attrs.Bool("log"))});");
        },
        [Normalization.DropoutMask] = c =>
        {
            // Without a generator input the CPU draws from Kiln.Rng.Default; seed 0 would repeat one mask every step.
            if (c.Node.Inputs.Length < 2) throw new DeviceLoweringException($"%{c.Node.Id} {c.Node.Op} has no random generator input");
            string site = c.Node.Attrs.Int("site").ToString(CultureInfo.InvariantCulture);
            string p = Kiln.Generator.Emit.CSharp.CSharpElementwise.Literal(c.Node.Attrs.Float("p", 0.5f));
            c.W.Line($"{Library}.DropoutMask(step.Graph, {c.Out}, training: {c.In(0)}, seed: {c.In(1)}, site: {site}, p: {p});");
        },
        [Probabilities.CrossEntropy] = c =>
        {
            var logits = c.Node.Inputs[0];
            c.W.Line($"{Library}.CrossEntropy(step.Graph, {c.In(0)}, {c.In(1)}, {c.Size(logits.Shape[0])}, {c.Size(logits.Shape[1])}, loss: {c.Out}, upstream: step.One, upstreamScale: 0f, gradient: null);");
        },
        [Probabilities.CrossEntropyBackward] = c =>
        {
            var logits = c.Node.Inputs[0];
            var (upstream, scale) = Upstream(c.Node.Inputs[2], c.Names);
            string loss = c.Kernel.SecondOutput is not null ? c.Names.Buffer(c.Kernel.Root) : "null";
            c.W.Line($"{Library}.CrossEntropy(step.Graph, {c.In(0)}, {c.In(1)}, {c.Size(logits.Shape[0])}, {c.Size(logits.Shape[1])}, loss: {loss}, upstream: {upstream}, upstreamScale: {scale}, gradient: {c.Out});");
        },
        [Layout.Transpose] = c =>
        {
            var s = c.Node.Inputs[0].Shape;
            var (d0, d1) = Layout.Axes(s, c.Node.Attrs, "Transpose");
            if (d0 > d1) (d0, d1) = (d1, d0);
            if (d0 == d1)
            {
                c.W.Line($"{Library}.Copy({c.In(0)}, {c.Out});");
                return;
            }
            c.W.Line($"{Library}.SwapAxes(step.Graph, {c.In(0)}, {c.Out}, {c.Size(s.CountOf(0, d0))}, {c.Size(s[d0])}, " +
                     $"{c.Size(s.CountOf(d0 + 1, d1))}, {c.Size(s[d1])}, {c.Size(s.CountOf(d1 + 1, s.Rank))});");
        },
        [Layout.Concat] = CopyBlocks,
        [Layout.Narrow] = CopyBlocks,
        [Layout.NarrowBackward] = CopyBlocks,
        [Convolution.Conv2d] = c =>
        {
            string bias = c.Node.Inputs.Length == 3 ? c.In(2) : "null";
            c.W.Line($"{Library}.Conv2d(step.Graph, {c.In(0)}, {c.In(1)}, {bias}, {c.Out}, {ConvGeometry(c.Node.Inputs[0].Shape, c.Node.Inputs[1].Shape, c.Node.Attrs, c.Names)});");
        },
        [Convolution.Conv2dBackwardInput] = c =>
            c.W.Line($"{Library}.Conv2dBackwardInput(step.Graph, {c.In(0)}, {c.In(1)}, {c.Out}, {ConvGeometry(c.Node.Shape, c.Node.Inputs[1].Shape, c.Node.Attrs, c.Names)});"),
        [Convolution.Conv2dBackwardWeight] = c =>
            c.W.Line($"{Library}.Conv2dBackwardWeight(step.Graph, {c.In(0)}, {c.In(1)}, {c.Out}, accumulate: {Bool(c.Names.Accumulates(c.Node))}, {ConvGeometry(c.Node.Inputs[0].Shape, c.Node.Shape, c.Node.Attrs, c.Names)});"),
        [ConvReluPool.Forward] = c => ConvReluPoolForward(c, keepArgMax: false),
        [ConvReluPool.ArgMax] = c => ConvReluPoolForward(c, keepArgMax: true),
        [ConvReluPool.Backward] = c =>
        {
            var conv = c.Node.Shape;
            c.W.Line($"{Library}.Conv2dReluMaxPool2x2Backward(step.Graph, {c.In(0)}, {c.In(1)}, {c.In(2)}, {c.Out}, {c.Size(conv[0].Times(conv[1]))}, {c.Size(conv[2])}, {c.Size(conv[3])});");
        },
        [ConvReluPool.BackwardWeight] = c =>
            c.W.Line($"{Library}.Conv2dReluMaxPool2x2BackwardWeight(step.Graph, {c.In(0)}, {c.In(1)}, {c.In(2)}, {c.In(3)}, {c.Out}, accumulate: {Bool(c.Names.Accumulates(c.Node))}, {ConvGeometry(c.Node.Inputs[0].Shape, c.Node.Shape, c.Node.Attrs, c.Names)});"),
        [Convolution.MaxPool2d] = c => c.W.Line($"{Library}.Pool2d(step.Graph, max: true, {c.In(0)}, {c.Out}, {PoolGeometry(c.Node.Inputs[0].Shape, c.Node.Attrs, c.Names)});"),
        [Convolution.AvgPool2d] = c => c.W.Line($"{Library}.Pool2d(step.Graph, max: false, {c.In(0)}, {c.Out}, {PoolGeometry(c.Node.Inputs[0].Shape, c.Node.Attrs, c.Names)});"),
        [Convolution.MaxPool2dBackward] = c => c.W.Line($"{Library}.MaxPool2dBackward(step.Graph, {c.In(0)}, {c.In(1)}, {c.Out}, {PoolGeometry(c.Node.Shape, c.Node.Attrs, c.Names)});"),
        [Convolution.AvgPool2dBackward] = c => c.W.Line($"{Library}.AvgPool2dBackward(step.Graph, {c.In(0)}, {c.Out}, {PoolGeometry(c.Node.Shape, c.Node.Attrs, c.Names)});"),
        [Reductions.Max] = c =>
        {
            var (outer, size, inner) = ShapeRules.SplitAround(c.Node.Inputs[0].Shape, c.Node.Attrs.Int("dim"), "Max");
            c.W.Line($"{Library}.MaxAlong(step.Graph, {c.In(0)}, {c.Out}, {c.Size(outer)}, {c.Size(size)}, {c.Size(inner)});");
        },
        [Reductions.MaxBackward] = c =>
        {
            var (outer, size, inner) = ShapeRules.SplitAround(c.Node.Shape, c.Node.Attrs.Int("dim"), "Max");
            c.W.Line($"{Library}.MaxAlongBackward(step.Graph, {c.In(0)}, {c.In(1)}, {c.Out}, {c.Size(outer)}, {c.Size(size)}, {c.Size(inner)});");
        },
        [Embedding.Lookup] = c =>
        {
            var weight = c.Node.Inputs[1];
            c.W.Line($"{Library}.Gather(step.Graph, {c.In(1)}, {c.Size(weight.Shape[1])}, {c.In(0)}, {c.Out}, {c.Size(c.Node.Inputs[0].Shape.Count)});");
        },
        [Embedding.LookupBackward] = c =>
        {
            if (!c.Names.Accumulates(c.Node)) c.W.Line($"{Library}.Clear({c.Out});");
            c.W.Line($"{Library}.ScatterAdd(step.Graph, {c.In(0)}, {c.In(1)}, {c.Size(c.Node.Shape[1])}, {c.Out}, {c.Node.Attrs.Int("padding_idx", -1).ToString(CultureInfo.InvariantCulture)}, {c.Size(c.Node.Inputs[1].Shape.Count)});");
        },
    };

    /// <summary>Concat, narrow and narrow's gradient: the block copies <see cref="BlockCopies"/> works out, each one call.</summary>
    static void CopyBlocks(LibraryCall c)
    {
        if (BlockCopies.ClearsOutput(c.Node)) c.W.Line($"{Library}.Clear({c.Out});");
        foreach (var b in BlockCopies.Of(c.Node))
            c.W.Line($"{Library}.CopyBlocks(step.Graph, {c.In(b.Input)}, {c.Size(b.SourceStride)}, {c.Size(b.SourceOffset)}, {c.Out}, {c.Size(b.DestinationStride)}, {c.Size(b.DestinationOffset)}, {c.Size(b.Count)}, {c.Size(b.Block)});");
    }

    /// <summary>The fused conv2d + ReLU + 2×2 max-pool: pooled values into the kernel's root, the argmax when the kernel computes it too.</summary>
    static void ConvReluPoolForward(LibraryCall c, bool keepArgMax)
    {
        string argmax = keepArgMax ? c.Out : "null";
        var forward = c.Kernel.Root;
        if (forward.Op != ConvReluPool.Forward)
            throw new DeviceLoweringException($"%{c.Node.Id} {c.Node.Op} must run in the pass of its {ConvReluPool.Forward} (kernel root %{forward.Id} {forward.Op})");
        c.W.Line("// pooled = relu(max of each 2x2 window of conv2d(x, w) + b): the full-size convolution is never written" + (keepArgMax ? "; argmax = each window's winning position 0..3, for the backward" : ""));
        string bias = forward.Inputs.Length == 3 ? c.Names.Buffer(forward.Inputs[2]) : "null";
        c.W.Line($"{Library}.Conv2dReluMaxPool2x2(step.Graph, {c.Names.Buffer(forward.Inputs[0])}, {c.Names.Buffer(forward.Inputs[1])}, {bias}, {c.Names.Buffer(forward)}, {argmax}, " +
                 $"{ConvGeometry(forward.Inputs[0].Shape, forward.Inputs[1].Shape, forward.Attrs, c.Names)});");
    }

    public static bool Lowers(string op) => Table.ContainsKey(op);

    public static void Emit(CodeWriter w, Kernel kernel, Node node, IStorageNames names)
    {
        if (!Table.TryGetValue(node.Op, out var lowering))
            throw new DeviceLoweringException($"op '{node.Op}' (%{node.Id} {node.Shape}) has no ILGPU library lowering");
        lowering(new LibraryCall(w, kernel, node, names));
    }

    /// <summary>c (+)= op(a)·op(b) for each product of a GEMM kernel; the first overwrites unless it adds into a Grad.</summary>
    public static void EmitGemm(CodeWriter w, Kernel kernel, IStorageNames names)
    {
        bool first = true;
        foreach (var mm in new[] { kernel.Gemm! }.Concat(kernel.MoreGemms))
        {
            bool accumulate = !first || (kernel.Loop is null && names.Accumulates(kernel.Root));
            var (m, n, k, ta, tb) = LinearAlgebra.Gemm(mm);
            w.Line($"{Library}.Gemm(step.Graph, {names.Buffer(mm.Inputs[0])}, {names.Buffer(mm.Inputs[1])}, {names.Buffer(kernel.Root)}, {names.Size(m)}, {names.Size(n)}, {names.Size(k)}, " +
                   $"transposeA: {Bool(ta)}, transposeB: {Bool(tb)}, accumulate: {Bool(accumulate)});");
            first = false;
        }
    }

    /// <summary>A scalar upstream gradient as (a one-element view, a float factor): a buffer's first element, or a constant times One.</summary>
    static (string View, string Scale) Upstream(Node operand, IStorageNames names)
    {
        if (ScalarOperands.IsComputed(operand)) return ("step.One", ScalarOperands.Expression(operand, names));
        return (names.Buffer(Passes.Fusion.StorageRoot(operand)), "1f");
    }

    static void Softmax(LibraryCall c, bool log)
    {
        var (outer, size, inner) = ShapeRules.SplitAround(c.Node.Inputs[0].Shape, c.Node.Attrs.Int("dim", -1), "Softmax");
        c.W.Line($"{Library}.Softmax(step.Graph, {c.In(0)}, {c.Out}, {c.Size(outer)}, {c.Size(size)}, {c.Size(inner)}, log: {Bool(log)});");
    }

    static string Bool(bool b) => b ? "true" : "false";

    /// <summary>The DeviceLibrary's convolution arguments (see <see cref="WindowArguments"/>).</summary>
    static string ConvGeometry(Shape x, Shape weight, Attrs attrs, IStorageNames names) => WindowArguments.Convolution(x, weight, attrs, names.Size);

    /// <summary>The DeviceLibrary's pooling arguments.</summary>
    static string PoolGeometry(Shape x, Attrs attrs, IStorageNames names) => WindowArguments.Pooling(x, attrs, names.Size);
}
