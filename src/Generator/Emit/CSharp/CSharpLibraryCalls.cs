using System;
using System.Collections.Generic;
using System.Globalization;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops;
using Kiln.Generator.Ops.Definitions;
using Kiln.Generator.Schedule;

namespace Kiln.Generator.Emit.CSharp;

/// <summary>
/// The C# lowering of every library op: one call of the Kiln.Kernels routine the eager op runs (or of the
/// chunked convolution driver over those routines), on spans into the arena. One entry per op, keyed by its name;
/// an op without an entry fails loudly when a kernel needs it.
/// </summary>
internal static class CSharpLibraryCalls
{
    const string Kernels = "global::Kiln.Kernels";

    static readonly Dictionary<string, LibraryLowering> Table = new()
    {
        [Probabilities.Softmax] = c => SoftmaxForward(c, log: false),
        [Probabilities.LogSoftmax] = c => SoftmaxForward(c, log: true),
        [Probabilities.SoftmaxBackward] = c =>
        {
            var (outer, size, inner) = ShapeRules.SplitAround(c.Node.Shape, c.Node.Attrs.Int("dim", -1), "Softmax");
            c.W.Line($"{Kernels}.Softmax.Backward({c.In(0)}, {c.In(1)}, {c.Out}, {c.Size(outer)}, {c.Size(size)}, {c.Size(inner)}, log: {Bool(c.Node.Attrs.Bool("log"))});");
        },
        [Probabilities.CrossEntropy] = c =>
        {
            var logits = c.Node.Inputs[0];
            c.W.Line($"{Kernels}.CrossEntropy.Forward({c.In(0)}, {c.In(1)}, {c.Size(logits.Shape[0])}, {c.Size(logits.Shape[1])}, {c.Out});");
        },
        [Probabilities.CrossEntropyBackward] = c =>
        {
            var logits = c.Node.Inputs[0];
            var upstream = ScalarOperands.Expression(c.Node.Inputs[2], c.Names);
            string rows = c.Size(logits.Shape[0]), classes = c.Size(logits.Shape[1]);
            if (c.Kernel.SecondOutput is not null)
                c.W.Line($"{Kernels}.CrossEntropy.ForwardBackward({c.In(0)}, {c.In(1)}, {rows}, {classes}, {c.Names.Buffer(c.Kernel.Root)}, {upstream}, {c.Out});");
            else
                c.W.Line($"{Kernels}.CrossEntropy.Backward({c.In(0)}, {c.In(1)}, {rows}, {classes}, {upstream}, {c.Out});");
        },
        [Layout.Transpose] = c =>
        {
            var s = c.Node.Inputs[0].Shape;
            var (d0, d1) = Layout.Axes(s, c.Node.Attrs, "Transpose");
            if (d0 > d1) (d0, d1) = (d1, d0);
            if (d0 == d1)
            {
                c.W.Line($"{c.In(0)}.CopyTo({c.Out});");
                return;
            }
            c.W.Line($"{Kernels}.Layout.SwapAxes({c.In(0)}, {c.Out}, {c.Size(s.CountOf(0, d0))}, {c.Size(s[d0])}, " +
                     $"{c.Size(s.CountOf(d0 + 1, d1))}, {c.Size(s[d1])}, {c.Size(s.CountOf(d1 + 1, s.Rank))});");
        },
        [Layout.Concat] = CopyBlocks,
        [Layout.Narrow] = CopyBlocks,
        [Layout.NarrowBackward] = CopyBlocks,
        [Convolution.Conv2d] = c =>
        {
            c.W.Line($"var geometry = {ConvGeometry(c.Node.Inputs[0].Shape, c.Node.Inputs[1].Shape, c.Node.Attrs, c.Names.Size)};");
            var bias = c.Node.Inputs.Length == 3 ? c.In(2) : "global::System.ReadOnlySpan<float>.Empty";
            c.W.Line($"global::Kiln.Compiled.ChunkedConvolution.Conv2dForward({c.In(0)}, {c.In(1)}, {bias}, {c.Out}, {Scratch(c)}, geometry);");
        },
        [Convolution.Conv2dBackwardInput] = c =>
        {
            c.W.Line($"var geometry = {ConvGeometry(c.Node.Shape, c.Node.Inputs[1].Shape, c.Node.Attrs, c.Names.Size)};");
            c.W.Line($"global::Kiln.Compiled.ChunkedConvolution.Conv2dBackwardInput({c.In(0)}, {c.In(1)}, {c.Out}, {Scratch(c)}, geometry);");
        },
        [Convolution.Conv2dBackwardWeight] = c =>
        {
            c.W.Line($"var geometry = {ConvGeometry(c.Node.Inputs[0].Shape, c.Node.Shape, c.Node.Attrs, c.Names.Size)};");
            c.W.Line($"global::Kiln.Compiled.ChunkedConvolution.Conv2dBackwardWeight({c.In(0)}, {c.In(1)}, {c.Out}, global::System.Span<float>.Empty, {Scratch(c)}, geometry, accumulate: {Bool(c.Names.Accumulates(c.Node))});");
        },
        [ConvReluPool.Forward] = c => ConvReluPoolForward(c, keepArgMax: false),
        [ConvReluPool.ArgMax] = c => ConvReluPoolForward(c, keepArgMax: true),
        [ConvReluPool.Backward] = c =>
        {
            var conv = c.Node.Shape;
            c.W.Line($"{Kernels}.ConvReluPool.Backward({c.In(0)}, {c.In(1)}, {c.In(2)}, {c.Out}, {c.Size(conv[0].Times(conv[1]))}, {c.Size(conv[2])}, {c.Size(conv[3])});");
        },
        [ConvReluPool.BackwardWeight] = c =>
        {
            c.W.Line($"var geometry = {ConvGeometry(c.Node.Inputs[0].Shape, c.Node.Shape, c.Node.Attrs, c.Names.Size)};");
            c.W.Line($"global::Kiln.Compiled.ChunkedConvolution.Conv2dReluMaxPool2x2BackwardWeight({c.In(0)}, {c.In(1)}, {c.In(2)}, {c.In(3)}, {c.Out}, {Scratch(c)}, geometry, accumulate: {Bool(c.Names.Accumulates(c.Node))});");
        },
        [Convolution.MaxPool2d] = c =>
        {
            c.W.Line($"var geometry = {PoolGeometry(c.Node.Inputs[0].Shape, c.Node.Attrs, c.Names)};");
            c.W.Line($"{Kernels}.Pooling.MaxPool2dForward({c.In(0)}, {c.Out}, global::System.Span<int>.Empty, geometry);");
        },
        [Convolution.MaxPool2dBackward] = c =>
        {
            c.W.Line($"var geometry = {PoolGeometry(c.Node.Shape, c.Node.Attrs, c.Names)};");
            c.W.Line($"global::Kiln.Compiled.CompiledKernels.MaxPool2dBackward({c.In(0)}, {c.In(1)}, {c.Out}, {Scratch(c)}, geometry);");
        },
        [Convolution.AvgPool2d] = c =>
        {
            c.W.Line($"var geometry = {PoolGeometry(c.Node.Inputs[0].Shape, c.Node.Attrs, c.Names)};");
            c.W.Line($"{Kernels}.Pooling.AvgPool2dForward({c.In(0)}, {c.Out}, geometry);");
        },
        [Convolution.AvgPool2dBackward] = c =>
        {
            c.W.Line($"var geometry = {PoolGeometry(c.Node.Shape, c.Node.Attrs, c.Names)};");
            c.W.Line($"{Kernels}.Pooling.AvgPool2dBackward({c.In(0)}, {c.Out}, geometry);");
        },
        [Normalization.DropoutMask] = c =>
        {
            var rng = c.Node.Inputs.Length > 1 ? c.In(1) : "null";
            c.W.Line($"global::Kiln.Compiled.CompiledKernels.DropoutMask({c.In(0)}, {rng}, {CSharpElementwise.Literal(c.Node.Attrs.Float("p", 0.5f))}, {c.Out});");
        },
        [Reductions.Max] = c =>
        {
            var (outer, size, inner) = ShapeRules.SplitAround(c.Node.Inputs[0].Shape, c.Node.Attrs.Int("dim"), "Max");
            c.W.Line($"{Kernels}.Reduction.MaxAlong({c.In(0)}, {c.Out}, global::System.Span<int>.Empty, {c.Size(outer)}, {c.Size(size)}, {c.Size(inner)});");
        },
        [Reductions.ArgMax] = c =>
        {
            var (outer, size, inner) = ShapeRules.SplitAround(c.Node.Inputs[0].Shape, c.Node.Attrs.Int("dim"), "ArgMax");
            c.W.Line($"{Kernels}.Reduction.ArgMaxAlong({c.In(0)}, {c.Out}, {c.Size(outer)}, {c.Size(size)}, {c.Size(inner)});");
        },
        [Reductions.MaxBackward] = c =>
        {
            var (outer, size, inner) = ShapeRules.SplitAround(c.Node.Shape, c.Node.Attrs.Int("dim"), "Max");
            c.W.Line($"{Kernels}.Reduction.MaxAlongBackward({c.In(0)}, {c.In(1)}, {c.Out}, {c.Size(outer)}, {c.Size(size)}, {c.Size(inner)});");
        },
        [Embedding.Lookup] = c =>
        {
            var weight = c.Node.Inputs[1];
            c.W.Line($"{Kernels}.Embedding.Gather({c.In(1)}, {c.Size(weight.Shape[1])}, {c.In(0)}, {c.Out});");
        },
        [Embedding.LookupBackward] = c =>
        {
            if (!c.Names.Accumulates(c.Node)) c.W.Line($"{c.Out}.Clear();");
            c.W.Line($"{Kernels}.Embedding.ScatterAdd({c.In(0)}, {c.In(1)}, {c.Size(c.Node.Shape[1])}, {c.Out}, {c.Node.Attrs.Int("padding_idx", -1).ToString(CultureInfo.InvariantCulture)});");
        },
    };

    /// <summary>
    /// The fused conv2d + ReLU + 2×2 max-pool: the pooled values into the kernel's root, and the argmax into
    /// the argmax op's output when the kernel computes it too (the backward program; the forward one keeps none).
    /// </summary>
    static void ConvReluPoolForward(LibraryCall c, bool keepArgMax)
    {
        string argmax = keepArgMax ? c.Out : "global::System.Span<float>.Empty";
        var forward = c.Kernel.Root;
        if (forward.Op != ConvReluPool.Forward)
            throw new System.InvalidOperationException($"%{c.Node.Id} {c.Node.Op} must run in the pass of its {ConvReluPool.Forward} (kernel root %{forward.Id} {forward.Op})");
        c.W.Line("// pooled = relu(max of each 2x2 window of conv2d(x, w) + b): the full-size convolution is never written" + (keepArgMax ? "; argmax = each window's winning position 0..3, for the backward" : ""));
        c.W.Line($"var geometry = {ConvGeometry(forward.Inputs[0].Shape, forward.Inputs[1].Shape, forward.Attrs, c.Names.Size)};");
        var bias = forward.Inputs.Length == 3 ? c.Names.Buffer(forward.Inputs[2]) : "global::System.ReadOnlySpan<float>.Empty";
        c.W.Line($"global::Kiln.Compiled.ChunkedConvolution.Conv2dReluMaxPool2x2({c.Names.Buffer(forward.Inputs[0])}, {c.Names.Buffer(forward.Inputs[1])}, {bias}, " +
                 $"{c.Names.Buffer(forward)}, {argmax}, {Scratch(c)}, geometry);");
    }

    /// <summary>Concat, narrow and narrow's gradient: the block copies <see cref="BlockCopies"/> works out, each one call.</summary>
    static void CopyBlocks(LibraryCall c)
    {
        if (BlockCopies.ClearsOutput(c.Node)) c.W.Line($"{c.Out}.Clear();");
        foreach (var b in BlockCopies.Of(c.Node))
            c.W.Line($"{Kernels}.Layout.CopyBlocks({c.In(b.Input)}, {c.Size(b.SourceStride)}, {c.Size(b.SourceOffset)}, {c.Out}, {c.Size(b.DestinationStride)}, {c.Size(b.DestinationOffset)}, {c.Size(b.Count)}, {c.Size(b.Block)});");
    }

    /// <summary>The kernel's scratch buffer, or an empty span for a kernel the plan gave none.</summary>
    static string Scratch(LibraryCall c) => c.Kernel.Scratch is null ? "global::System.Span<float>.Empty" : c.Names.Scratch(c.Kernel);

    public static bool Lowers(string op) => Table.ContainsKey(op);

    public static void Emit(CodeWriter w, Kernel kernel, Node node, IStorageNames names)
    {
        if (!Table.TryGetValue(node.Op, out var lowering)) throw new MissingRuleError(node.Op, "C# library lowering");
        lowering(new LibraryCall(w, kernel, node, names));
    }

    /// <summary>Working memory a library kernel needs besides its output (im2col columns; recomputed pooling indices).</summary>
    public static Size? ScratchSize(Node n)
    {
        switch (n.Op)
        {
            case Convolution.Conv2d or Convolution.Conv2dBackwardInput or Convolution.Conv2dBackwardWeight:
            {
                var (x, w, y) = ConvShapes(n);
                var (sh, sw) = ShapeRules.Pair(n.Attrs, "stride", 1);
                var (ph, pw) = ShapeRules.Pair(n.Attrs, "padding", 0);
                bool pointwise = w[2].IsOne && w[3].IsOne && sh == 1 && sw == 1 && ph == 0 && pw == 0;
                return pointwise ? null : x[1].Times(w[2]).Times(w[3]).Times(y[2]).Times(y[3]);
            }
            case ConvReluPool.Forward or ConvReluPool.ArgMax or ConvReluPool.BackwardWeight:
            {
                // The convolution's im2col columns (or the direct kernels' copies) and one image's full output (ChunkedConvolution sizes it at run time).
                Shape x = n.Inputs[0].Shape, w = n.Op == ConvReluPool.BackwardWeight ? n.Shape : n.Inputs[1].Shape;
                var (kh, kw) = (w[2].Constant, w[3].Constant);
                var (ph, pw) = ShapeRules.Pair(n.Attrs, "padding", 0);
                var (sh, sw) = ShapeRules.Pair(n.Attrs, "stride", 1);
                long oh = (x[2].Constant + 2 * ph - kh) / sh + 1, ow = (x[3].Constant + 2 * pw - kw) / sw + 1;
                return x[1].Times(w[2]).Times(w[3]).Times(Graph.Size.Of(oh * ow)).Times(Graph.Size.Of(2));
            }
            case Convolution.MaxPool2dBackward:
                // The forward's values and argmax indices, recomputed from the kept input.
                return n.Inputs[1].Shape.Count.Times(Graph.Size.Of(2));
            default:
                return null;
        }
    }

    /// <summary>
    /// Convolutions run their batch in chunks across cores (as the eager op does), each chunk with its own im2col
    /// columns, and the weight gradient with partial sums per extra chunk: the chunk count is the runtime's (it
    /// depends on the core count), so the scratch is sized by the runtime when the arena is planned.
    /// </summary>
    public static string? ScratchLength(Node n, Func<Size, string> size)
    {
        if (n.Op is ConvReluPool.Forward or ConvReluPool.ArgMax)
            return $"global::Kiln.Compiled.ChunkedConvolution.ReluPoolScratchLength({ConvGeometry(n.Inputs[0].Shape, n.Inputs[1].Shape, n.Attrs, size)})";
        if (n.Op is ConvReluPool.BackwardWeight)
            return $"global::Kiln.Compiled.ChunkedConvolution.ReluPoolScratchLength({ConvGeometry(n.Inputs[0].Shape, n.Shape, n.Attrs, size)}, weightGradient: true)";
        if (n.Op is not (Convolution.Conv2d or Convolution.Conv2dBackwardInput or Convolution.Conv2dBackwardWeight)) return null;
        var (x, w, _) = ConvShapes(n);
        return $"global::Kiln.Compiled.ChunkedConvolution.ScratchLength({ConvGeometry(x, w, n.Attrs, size)}, weightGradient: {Bool(n.Op == Convolution.Conv2dBackwardWeight)})";
    }

    /// <summary>(input, weight, output) shapes of a convolution or of either of its gradients.</summary>
    static (Shape X, Shape W, Shape Y) ConvShapes(Node n) => n.Op switch
    {
        Convolution.Conv2d => (n.Inputs[0].Shape, n.Inputs[1].Shape, n.Shape),
        Convolution.Conv2dBackwardInput => (n.Shape, n.Inputs[1].Shape, n.Inputs[0].Shape),
        _ => (n.Inputs[0].Shape, n.Shape, n.Inputs[1].Shape),
    };

    static void SoftmaxForward(LibraryCall c, bool log)
    {
        var (outer, size, inner) = ShapeRules.SplitAround(c.Node.Inputs[0].Shape, c.Node.Attrs.Int("dim", -1), "Softmax");
        c.W.Line($"{Kernels}.Softmax.Forward({c.In(0)}, {c.Out}, {c.Size(outer)}, {c.Size(size)}, {c.Size(inner)}, log: {Bool(log)});");
    }

    static string Bool(bool b) => b ? "true" : "false";

    static string ConvGeometry(Shape x, Shape weight, Attrs attrs, Func<Size, string> size) =>
        $"new global::Kiln.Kernels.Conv2dGeometry({WindowArguments.Convolution(x, weight, attrs, size)})";

    static string PoolGeometry(Shape x, Attrs attrs, IStorageNames names) =>
        $"new global::Kiln.Kernels.Pool2dGeometry({WindowArguments.Pooling(x, attrs, names.Size)})";
}
