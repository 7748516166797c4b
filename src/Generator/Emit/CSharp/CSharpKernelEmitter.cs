using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops;
using Kiln.Generator.Schedule;

namespace Kiln.Generator.Emit.CSharp;

/// <summary>
/// The C# backend: fused loops become SIMD loops over System.Numerics.Vector&lt;float&gt; with a scalar tail,
/// GEMMs call Kiln.Kernels.Gemm, library ops call Kiln.Kernels / Kiln.Compiled.CompiledKernels, all on spans into the arena.
/// </summary>
internal sealed class CSharpKernelEmitter : IKernelBackend
{
    const string VectorType = CSharpOps.VectorType;

    public string Name => "C#";

    public void EmitKernel(CodeWriter w, Kernel kernel, KernelProgram program, IStorageNames names)
    {
        w.Open($"// {KernelDescriptions.Title(kernel, program.Kernels.Count)}");
        // The comment line above is the block's header; the braces scope the kernel's locals.
        foreach (var n in KernelDescriptions.ComputedNodes(kernel)) w.Line("// " + n);
        switch (kernel.Kind)
        {
            case KernelKind.Loop:
                EmitLoop(w, kernel, names);
                break;
            case KernelKind.Gemm:
                EmitGemm(w, kernel, names);
                if (kernel.Loop is not null) EmitLoop(w, kernel, names);
                break;
            default:
                EmitLibrary(w, kernel, names);
                if (kernel.Loop is not null) EmitLoop(w, kernel, names);
                break;
        }
        w.Close();
    }

    /// <summary>Working memory a library kernel needs besides its output (im2col columns; recomputed pooling indices).</summary>
    public Size? ScratchSize(Node n)
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

    /// <summary>
    /// Convolutions run their batch in chunks across cores (as the eager op does), each chunk with its own im2col
    /// columns, and the weight gradient with partial sums per extra chunk: the chunk count is the runtime's (it
    /// depends on the core count), so the scratch is sized by the runtime when the arena is planned.
    /// </summary>
    public string? ScratchLength(Kernel kernel, Func<Size, string> size)
    {
        var n = kernel.LibraryProducer ?? kernel.SecondOutput ?? kernel.Root;
        return n.Op switch
        {
            "conv2d" => $"global::Kiln.Compiled.ChunkedConvolution.ScratchLength({ConvGeometry(n.Inputs[0].Shape, n.Inputs[1].Shape, n.Attrs, size)}, weightGradient: false)",
            OpNames.Conv2dBackwardInput => $"global::Kiln.Compiled.ChunkedConvolution.ScratchLength({ConvGeometry(n.Shape, n.Inputs[1].Shape, n.Attrs, size)}, weightGradient: false)",
            OpNames.Conv2dBackwardWeight => $"global::Kiln.Compiled.ChunkedConvolution.ScratchLength({ConvGeometry(n.Inputs[0].Shape, n.Shape, n.Attrs, size)}, weightGradient: true)",
            _ => null,
        };
    }

    // ---- GEMM ----

    static void EmitGemm(CodeWriter w, Kernel kernel, IStorageNames names)
    {
        // The first product writes (or adds into a Grad), the others of a sum of products add into the same buffer.
        bool first = true;
        foreach (var mm in new[] { kernel.Gemm! }.Concat(kernel.MoreGemms))
        {
            EmitOneGemm(w, kernel, mm, accumulate: !first || (kernel.Loop is null && names.Accumulates(kernel.Root)), names);
            first = false;
        }
    }

    static void EmitOneGemm(CodeWriter w, Kernel kernel, Node mm, bool accumulate, IStorageNames names)
    {
        Node a = mm.Inputs[0], b = mm.Inputs[1];
        bool ta = mm.Attrs.Bool("transpose_a"), tb = mm.Attrs.Bool("transpose_b");
        var m = ta ? a.Shape[1] : a.Shape.CountOf(0, a.Shape.Rank - 1);
        var k = ta ? a.Shape[0] : a.Shape[a.Shape.Rank - 1];
        var n = tb ? b.Shape[0] : b.Shape[1];
        w.Line($"global::Kiln.Kernels.Gemm.Multiply({names.Buffer(a)}, {names.Buffer(b)}, {names.Buffer(kernel.Root)}, {names.Size(m)}, {names.Size(n)}, {names.Size(k)}, " +
               $"transposeA: {Bool(ta)}, transposeB: {Bool(tb)}, accumulate: {Bool(accumulate)});");
    }

    static string Bool(bool b) => b ? "true" : "false";

    // ---- library kernels ----

    static void EmitLibrary(CodeWriter w, Kernel kernel, IStorageNames names)
    {
        var n = kernel.LibraryProducer ?? kernel.SecondOutput ?? kernel.Root;
        string Out(Node x) => names.Buffer(x);
        switch (n.Op)
        {
            case "softmax" or "log_softmax":
            {
                var (outer, size, inner) = Split(n.Inputs[0].Shape, n.Attrs.Int("dim", -1));
                w.Line($"global::Kiln.Kernels.Softmax.Forward({names.Buffer(n.Inputs[0])}, {Out(n)}, {names.Size(outer)}, {names.Size(size)}, {names.Size(inner)}, log: {Bool(n.Op == "log_softmax")});");
                break;
            }
            case OpNames.SoftmaxBackward:
            {
                var (outer, size, inner) = Split(n.Shape, n.Attrs.Int("dim", -1));
                w.Line($"global::Kiln.Kernels.Softmax.Backward({names.Buffer(n.Inputs[0])}, {names.Buffer(n.Inputs[1])}, {Out(n)}, {names.Size(outer)}, {names.Size(size)}, {names.Size(inner)}, log: {Bool(n.Attrs.Bool("log"))});");
                break;
            }
            case "cross_entropy":
            {
                var logits = n.Inputs[0];
                w.Line($"global::Kiln.Compiled.CompiledKernels.CrossEntropy({names.Buffer(logits)}, {names.Buffer(n.Inputs[1])}, {names.Size(logits.Shape[0])}, {names.Size(logits.Shape[1])}, {Out(n)});");
                break;
            }
            case OpNames.CrossEntropyBackward:
            {
                var logits = n.Inputs[0];
                var upstream = ScalarOperand(n.Inputs[2], names);
                if (kernel.SecondOutput is not null)
                    w.Line($"global::Kiln.Compiled.CompiledKernels.CrossEntropyWithGradient({names.Buffer(logits)}, {names.Buffer(n.Inputs[1])}, {names.Size(logits.Shape[0])}, {names.Size(logits.Shape[1])}, {Out(kernel.Root)}, {upstream}, {Out(n)});");
                else
                    w.Line($"global::Kiln.Compiled.CompiledKernels.CrossEntropyBackward({names.Buffer(logits)}, {names.Buffer(n.Inputs[1])}, {names.Size(logits.Shape[0])}, {names.Size(logits.Shape[1])}, {upstream}, {Out(n)});");
                break;
            }
            case "transpose":
            {
                var s = n.Inputs[0].Shape;
                int d0 = ShapeRules.NormalizeDim(n.Attrs.Int("dim0"), s.Rank, "Transpose"), d1 = ShapeRules.NormalizeDim(n.Attrs.Int("dim1"), s.Rank, "Transpose");
                if (d0 > d1) (d0, d1) = (d1, d0);
                if (d0 == d1)
                {
                    w.Line($"{names.Buffer(n.Inputs[0])}.CopyTo({Out(n)});");
                    break;
                }
                w.Line($"global::Kiln.Compiled.CompiledKernels.SwapAxes({names.Buffer(n.Inputs[0])}, {Out(n)}, {names.Size(s.CountOf(0, d0))}, {names.Size(s[d0])}, " +
                       $"{names.Size(s.CountOf(d0 + 1, d1))}, {names.Size(s[d1])}, {names.Size(s.CountOf(d1 + 1, s.Rank))});");
                break;
            }
            case "concat":
            {
                int d = ShapeRules.NormalizeDim(n.Attrs.Int("dim", 0), n.Shape.Rank, "Concat");
                var outer = n.Shape.CountOf(0, d);
                var inner = n.Shape.CountOf(d + 1, n.Shape.Rank);
                var dstStride = n.Shape[d].Times(inner);
                long offset = 0;
                foreach (var input in n.Inputs)
                {
                    var block = input.Shape[d].Times(inner);
                    w.Line($"global::Kiln.Compiled.CompiledKernels.CopyBlocks({names.Buffer(input)}, {names.Size(block)}, 0, {Out(n)}, {names.Size(dstStride)}, {names.Size(Size.Of(offset).Times(inner))}, {names.Size(outer)}, {names.Size(block)});");
                    offset += input.Shape[d].Constant;
                }
                break;
            }
            case "narrow":
            {
                var s = n.Inputs[0].Shape;
                int d = ShapeRules.NormalizeDim(n.Attrs.Int("dim"), s.Rank, "Narrow");
                var inner = s.CountOf(d + 1, s.Rank);
                var block = Size.Of(n.Attrs.Int("length")).Times(inner);
                w.Line($"global::Kiln.Compiled.CompiledKernels.CopyBlocks({names.Buffer(n.Inputs[0])}, {names.Size(s[d].Times(inner))}, {names.Size(Size.Of(n.Attrs.Int("start")).Times(inner))}, {Out(n)}, {names.Size(block)}, 0, {names.Size(s.CountOf(0, d))}, {names.Size(block)});");
                break;
            }
            case OpNames.NarrowBackward:
            {
                var s = n.Shape;
                int d = ShapeRules.NormalizeDim(n.Attrs.Int("dim"), s.Rank, "Narrow");
                var inner = s.CountOf(d + 1, s.Rank);
                var block = Size.Of(n.Attrs.Int("length")).Times(inner);
                w.Line($"{Out(n)}.Clear();");
                w.Line($"global::Kiln.Compiled.CompiledKernels.CopyBlocks({names.Buffer(n.Inputs[0])}, {names.Size(block)}, 0, {Out(n)}, {names.Size(s[d].Times(inner))}, {names.Size(Size.Of(n.Attrs.Int("start")).Times(inner))}, {names.Size(s.CountOf(0, d))}, {names.Size(block)});");
                break;
            }
            case "conv2d":
            {
                w.Line($"var geometry = {ConvGeometry(n.Inputs[0].Shape, n.Inputs[1].Shape, n.Attrs, names.Size)};");
                var bias = n.Inputs.Length == 3 ? names.Buffer(n.Inputs[2]) : "global::System.ReadOnlySpan<float>.Empty";
                w.Line($"global::Kiln.Compiled.ChunkedConvolution.Conv2dForward({names.Buffer(n.Inputs[0])}, {names.Buffer(n.Inputs[1])}, {bias}, {Out(n)}, {Scratch(kernel, names)}, geometry);");
                break;
            }
            case OpNames.Conv2dBackwardInput:
            {
                w.Line($"var geometry = {ConvGeometry(n.Shape, n.Inputs[1].Shape, n.Attrs, names.Size)};");
                w.Line($"global::Kiln.Compiled.ChunkedConvolution.Conv2dBackwardInput({names.Buffer(n.Inputs[0])}, {names.Buffer(n.Inputs[1])}, {Out(n)}, {Scratch(kernel, names)}, geometry);");
                break;
            }
            case OpNames.Conv2dBackwardWeight:
            {
                w.Line($"var geometry = {ConvGeometry(n.Inputs[0].Shape, n.Shape, n.Attrs, names.Size)};");
                w.Line($"global::Kiln.Compiled.ChunkedConvolution.Conv2dBackwardWeight({names.Buffer(n.Inputs[0])}, {names.Buffer(n.Inputs[1])}, {Out(n)}, global::System.Span<float>.Empty, {Scratch(kernel, names)}, geometry, accumulate: {Bool(names.Accumulates(n))});");
                break;
            }
            case "max_pool2d":
                w.Line($"var geometry = {PoolGeometry(n.Inputs[0].Shape, n.Attrs, names)};");
                w.Line($"global::Kiln.Kernels.Pooling.MaxPool2dForward({names.Buffer(n.Inputs[0])}, {Out(n)}, global::System.Span<int>.Empty, geometry);");
                break;
            case OpNames.MaxPool2dBackward:
                w.Line($"var geometry = {PoolGeometry(n.Shape, n.Attrs, names)};");
                w.Line($"global::Kiln.Compiled.CompiledKernels.MaxPool2dBackward({names.Buffer(n.Inputs[0])}, {names.Buffer(n.Inputs[1])}, {Out(n)}, {Scratch(kernel, names)}, geometry);");
                break;
            case "avg_pool2d":
                w.Line($"var geometry = {PoolGeometry(n.Inputs[0].Shape, n.Attrs, names)};");
                w.Line($"global::Kiln.Kernels.Pooling.AvgPool2dForward({names.Buffer(n.Inputs[0])}, {Out(n)}, geometry);");
                break;
            case OpNames.AvgPool2dBackward:
                w.Line($"var geometry = {PoolGeometry(n.Shape, n.Attrs, names)};");
                w.Line($"global::Kiln.Kernels.Pooling.AvgPool2dBackward({names.Buffer(n.Inputs[0])}, {Out(n)}, geometry);");
                break;
            case OpNames.DropoutMask:
            {
                var rng = n.Inputs.Length > 1 ? names.Buffer(n.Inputs[1]) : "null";
                w.Line($"global::Kiln.Compiled.CompiledKernels.DropoutMask({names.Buffer(n.Inputs[0])}, {rng}, {CSharpOps.Literal(n.Attrs.Float("p", 0.5f))}, {Out(n)});");
                break;
            }
            case "max":
            {
                var (outer, size, inner) = Split(n.Inputs[0].Shape, n.Attrs.Int("dim"));
                w.Line($"global::Kiln.Compiled.CompiledKernels.MaxAlong({names.Buffer(n.Inputs[0])}, {Out(n)}, {names.Size(outer)}, {names.Size(size)}, {names.Size(inner)});");
                break;
            }
            case OpNames.MaxBackward:
            {
                var (outer, size, inner) = Split(n.Shape, n.Attrs.Int("dim"));
                w.Line($"global::Kiln.Compiled.CompiledKernels.MaxAlongBackward({names.Buffer(n.Inputs[0])}, {names.Buffer(n.Inputs[1])}, {Out(n)}, {names.Size(outer)}, {names.Size(size)}, {names.Size(inner)});");
                break;
            }
            case "embedding":
            {
                var weight = n.Inputs[1];
                w.Line($"global::Kiln.Kernels.Embedding.Gather({names.Buffer(weight)}, {names.Size(weight.Shape[1])}, {names.Buffer(n.Inputs[0])}, {Out(n)});");
                break;
            }
            case OpNames.EmbeddingBackward:
            {
                if (!names.Accumulates(n)) w.Line($"{Out(n)}.Clear();");
                w.Line($"global::Kiln.Kernels.Embedding.ScatterAdd({names.Buffer(n.Inputs[0])}, {names.Buffer(n.Inputs[1])}, {names.Size(n.Shape[1])}, {Out(n)}, {n.Attrs.Int("padding_idx", -1).ToString(System.Globalization.CultureInfo.InvariantCulture)});");
                break;
            }
            default:
                throw new InvalidOperationException($"the C# backend has no library kernel for '{n.Op}'");
        }
    }

    static string Scratch(Kernel kernel, IStorageNames names) => kernel.Scratch is null ? "global::System.Span<float>.Empty" : names.Scratch(kernel);

    static string ConvGeometry(Shape x, Shape weight, Attrs attrs, Func<Size, string> size)
    {
        var (sh, sw) = ShapeRules.Pair(attrs, "stride", 1);
        var (ph, pw) = ShapeRules.Pair(attrs, "padding", 0);
        return $"new global::Kiln.Kernels.Conv2dGeometry({size(x[0])}, {size(x[1])}, {size(x[2])}, {size(x[3])}, " +
               $"{size(weight[0])}, {size(weight[2])}, {size(weight[3])}, {sh}, {sw}, {ph}, {pw})";
    }

    static string PoolGeometry(Shape x, Attrs attrs, IStorageNames names)
    {
        var (kh, kw) = ShapeRules.Pair(attrs, "kernel", 1);
        var (sh, sw) = attrs.Has("stride") ? ShapeRules.Pair(attrs, "stride", 1) : (kh, kw);
        var (ph, pw) = ShapeRules.Pair(attrs, "padding", 0);
        return $"new global::Kiln.Kernels.Pool2dGeometry({names.Size(x[0].Times(x[1]))}, {names.Size(x[2])}, {names.Size(x[3])}, {kh}, {kw}, {sh}, {sw}, {ph}, {pw})";
    }

    static (Size Outer, Size Size, Size Inner) Split(Shape s, int dim)
    {
        int d = ShapeRules.NormalizeDim(dim, s.Rank, "Softmax");
        return (s.CountOf(0, d), s[d], s.CountOf(d + 1, s.Rank));
    }

    /// <summary>A scalar-valued operand as a float expression: a literal, 1/count, or the first element of its buffer.</summary>
    static bool IsInlineScalar(Node n) => Passes.Fusion.StorageRoot(n).Op is OpNames.Constant or OpNames.InvCount or OpNames.UnbiasFactor || n.Type == ElementType.Flag;

    static string ScalarOperand(Node operand, IStorageNames names) => Passes.Fusion.StorageRoot(operand) switch
    {
        var n when n.Op == OpNames.Constant => CSharpOps.Literal(n.ConstantValue),
        var n when n.Op == OpNames.InvCount => $"(1f / {names.Size(Size.Parse(n.Attrs.Text("count")!))})",
        var n when n.Op == OpNames.UnbiasFactor => $"((float){names.Size(Size.Parse(n.Attrs.Text("count")!))} / ({names.Size(Size.Parse(n.Attrs.Text("count")!))} - 1))",
        var n => $"{names.Buffer(n)}[0]",
    };


    // ---- fused loops ----

    /// <summary>
    /// The loop nest of a fused loop (or a GEMM's epilogue, which reads the GEMM's output in place): outer axes as
    /// plain loops, the innermost axis as a Vector&lt;float&gt; loop plus a scalar tail; operands broadcast along
    /// the innermost axis are loaded once per row. A loop may have several outputs: elementwise ones are stored per
    /// element, reductions accumulate over the reduced axes (in a vector register when the innermost axis is reduced).
    /// </summary>
    static void EmitLoop(CodeWriter w, Kernel kernel, IStorageNames names)
    {
        var nest = kernel.Loop!;
        var roots = kernel.LoopRoots.ToList();
        var reductions = new HashSet<Node>(roots.Where(r => OpClasses.Of(r) == OpClass.Reduction));
        var computed = kernel.Body.Where(n => !reductions.Contains(n)).ToList();
        var operands = nest.Operands.ToList();
        // Vector loads need each operand to be contiguous (or constant) along the innermost axis.
        bool simd = computed.All(CSharpOps.HasVector) && operands.All(o => nest.Strides[o][nest.Axes.Length - 1] is { Constant: 0 or 1, IsConstant: true });
        var scalars = operands.Where(IsInlineScalar).ToList();
        var loaded = operands.Except(scalars).ToList();
        int axes = nest.Axes.Length, inner = axes - 1;
        bool reduceInner = nest.Reduced[inner];

        for (int j = 0; j < axes; j++) w.Line($"int extent{j} = {names.Size(nest.Axes[j])};");
        foreach (var c in scalars)
        {
            if (c.Type == ElementType.Flag)
            {
                w.Line($"bool s{c.Id} = {names.Buffer(c)};");
                if (simd) w.Line($"bool v{c.Id} = s{c.Id};");
                continue;
            }
            w.Line($"float s{c.Id} = {ScalarOperand(c, names)};");
            if (simd) w.Line($"var v{c.Id} = new {VectorType}(s{c.Id});");
        }
        var scale = new Dictionary<Node, string?>();
        foreach (var r in roots.Where(reductions.Contains))
        {
            scale[r] = null;
            if (r.Op == "mean")
            {
                w.Line($"float scale{r.Id} = 1f / {names.Size(GradientRules.ReducedCount(r))};");
                scale[r] = "scale" + r.Id;
            }
            if (!names.Accumulates(r)) w.Line($"{names.Buffer(r)}.Clear();");
        }

        for (int j = 0; j < inner; j++) w.Open($"for (int i{j} = 0; i{j} < extent{j}; i{j}++)");

        // Row offsets over the outer axes along which a value varies ("" when it is always 0).
        var rows = new Dictionary<Node, string>();
        foreach (var o in loaded) rows[o] = Row(w, $"row{o.Id}", OperandOffset(nest, o, inner, names));
        string mapRow = roots.Any(r => !reductions.Contains(r)) ? Row(w, "rowOut", RowOffset(nest.Reduced.Select(_ => true).ToImmutableArray(), inner)) : "";
        string reduceRow = reductions.Count > 0 ? Row(w, "rowReduced", RowOffset(nest.Reduced.Select(r => !r).ToImmutableArray(), inner)) : "";
        string RowOf(Node r) => reductions.Contains(r) ? reduceRow : mapRow;
        static string At(string row) => row.Length == 0 ? "0" : row.Substring(0, row.Length - 3);
        string Source(Node o) => names.Buffer(nest.Sources[o]);
        foreach (var o in loaded.Where(o => !nest.Varies(o)[inner]))
        {
            w.Line($"float s{o.Id} = {Source(o)}[{At(rows[o])}];");
            if (simd) w.Line($"var v{o.Id} = new {VectorType}(s{o.Id});");
        }
        var innerLoaded = loaded.Where(o => nest.Varies(o)[inner]).ToList();
        string InnerIndex(Node o) => nest.Strides[o][inner] is { IsConstant: true, Constant: 1 } ? "i" : $"i * {names.Size(nest.Strides[o][inner])}";
        Node ValueOf(Node r) => reductions.Contains(r) ? r.Inputs[0] : r;

        if (reduceInner)
            foreach (var r in roots.Where(reductions.Contains))
            {
                if (simd) w.Line($"var accumulator{r.Id} = {VectorType}.Zero;");
                w.Line($"float tail{r.Id} = 0f;");
            }
        w.Line("int i = 0;");
        if (simd)
        {
            w.Open($"for (; i <= extent{inner} - {VectorType}.Count; i += {VectorType}.Count)");
            foreach (var o in innerLoaded) w.Line($"var v{o.Id} = new {VectorType}({Source(o)}.Slice({rows[o]}i));");
            foreach (var n in computed) w.Line($"var v{n.Id} = {CSharpOps.VectorExpression(n, n.Inputs.Select(x => "v" + x.Id).ToArray())};");
            foreach (var r in roots)
            {
                var v = "v" + ValueOf(r).Id;
                var output = names.Buffer(r);
                if (reductions.Contains(r) && reduceInner) w.Line($"accumulator{r.Id} += {v};");
                else if (reductions.Contains(r) || names.Accumulates(r))
                    w.Line($"(new {VectorType}({output}.Slice({RowOf(r)}i)) + {Scaled(v, reductions.Contains(r) ? scale[r] : null)}).CopyTo({output}.Slice({RowOf(r)}i));");
                else w.Line($"{v}.CopyTo({output}.Slice({RowOf(r)}i));");
            }
            w.Close();
        }
        w.Open($"for (; i < extent{inner}; i++)");
        foreach (var o in innerLoaded) w.Line($"float s{o.Id} = {Source(o)}[{rows[o]}{InnerIndex(o)}];");
        foreach (var n in computed) w.Line($"float s{n.Id} = {CSharpOps.Scalar(n, n.Inputs.Select(x => "s" + x.Id).ToArray())};");
        foreach (var r in roots)
        {
            var sv = "s" + ValueOf(r).Id;
            var output = names.Buffer(r);
            if (reductions.Contains(r) && reduceInner) w.Line($"tail{r.Id} += {sv};");
            else if (reductions.Contains(r) || names.Accumulates(r)) w.Line($"{output}[{RowOf(r)}i] += {Scaled(sv, reductions.Contains(r) ? scale[r] : null)};");
            else w.Line($"{output}[{RowOf(r)}i] = {sv};");
        }
        w.Close();
        if (reduceInner)
            foreach (var r in roots.Where(reductions.Contains))
            {
                var sum = simd ? $"{CSharpOps.Vector}.Sum(accumulator{r.Id}) + tail{r.Id}" : $"tail{r.Id}";
                w.Line($"{names.Buffer(r)}[{At(reduceRow)}] += {(scale[r] is null ? sum : $"({sum}) * {scale[r]}")};");
            }

        for (int j = 0; j < inner; j++) w.Close();
    }

    /// <summary>An operand's element offset for the current outer indices: its offset plus Σ i_j · stride_j.</summary>
    static string OperandOffset(LoopNest nest, Node o, int inner, IStorageNames names)
    {
        var terms = new List<string>();
        if (nest.Offsets[o].Constant != 0) terms.Add(names.Size(nest.Offsets[o]));
        for (int j = 0; j < inner; j++)
        {
            var stride = nest.Strides[o][j];
            if (stride.Constant == 0) continue;
            terms.Add(stride.IsOne ? $"i{j}" : $"i{j} * {names.Size(stride)}");
        }
        return terms.Count == 0 ? "0" : string.Join(" + ", terms);
    }

    /// <summary>Declares an int offset when it is not constantly 0; returns the "name + " prefix for indexing.</summary>
    static string Row(CodeWriter w, string name, string offset)
    {
        if (offset == "0") return "";
        w.Line($"int {name} = {offset};");
        return name + " + ";
    }

    static string Scaled(string value, string? scale) => scale is null ? value : $"{value} * {scale}";

    /// <summary>Σ i_j · (product of the extents of later varying outer axes), plus room for the innermost axis if it varies.</summary>
    static string RowOffset(System.Collections.Immutable.ImmutableArray<bool> varies, int inner)
    {
        var terms = new List<string>();
        for (int j = 0; j < inner; j++)
        {
            if (!varies[j]) continue;
            var strides = Enumerable.Range(j + 1, inner - j).Where(l => varies[l]).Select(l => "extent" + l).ToList();
            terms.Add(strides.Count == 0 ? $"i{j}" : $"i{j} * " + string.Join(" * ", strides));
        }
        return terms.Count == 0 ? "0" : string.Join(" + ", terms);
    }
}
