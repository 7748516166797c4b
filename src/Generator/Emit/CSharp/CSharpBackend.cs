using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops;
using Kiln.Generator.Ops.Definitions;
using Kiln.Generator.Schedule;

namespace Kiln.Generator.Emit.CSharp;

/// <summary>
/// The C# backend: storage is spans over tensor data and an arena array; fused loops become SIMD loops over
/// System.Numerics.Vector&lt;float&gt; with a scalar tail; GEMMs call Kiln.Kernels.Gemm; library ops call the
/// Kiln.Kernels routine the eager op uses (<see cref="CSharpLibraryCalls"/>), elementwise ops are spelled by
/// <see cref="CSharpElementwise"/>.
/// </summary>
internal sealed class CSharpBackend : IKernelBackend
{
    const string VectorType = CSharpElementwise.VectorType;

    public string Name => "C#";

    /// <summary>
    /// Writes the kernel's statements; the host writes its description (<see cref="KernelDescriptions"/>) and places
    /// them (the C# host: in a method of their own, <see cref="KernelMethods"/>).
    /// </summary>
    public void EmitKernel(CodeWriter w, Kernel kernel, KernelProgram program, IStorageNames names)
    {
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
        // Anomaly mode (Autograd.DetectAnomaly()): the first kernel to write a NaN or ∞ names itself; one flag read when off.
        string quoted = CodeWriter.Quote(KernelDescriptions.Title(kernel, program.Kernels.Count));
        // Integer outputs (indices) cannot hold a NaN.
        foreach (var output in kernel.Outputs.Where(o => o.Type == ElementType.Float))
            w.Line($"if (global::Kiln.Autograd.AnomalyDetectionEnabled) global::Kiln.Compiled.CompiledGraph.CheckFinite({names.Buffer(output)}, {quoted});");
    }

    public Size? ScratchSize(Node n) => CSharpLibraryCalls.ScratchSize(n);

    public string? ScratchLength(Kernel kernel, Func<Size, string> size) =>
        CSharpLibraryCalls.ScratchLength(kernel.LibraryProducer ?? kernel.SecondOutput ?? kernel.Root, size);

    public bool Lowers(OpDef op) => op.Class switch
    {
        OpClass.Elementwise => CSharpElementwise.Lowers(op.Name),
        OpClass.Library => CSharpLibraryCalls.Lowers(op.Name),
        _ => true,
    };

    /// <summary>Spans over the tensors' data and over slices of the arena: every kernel reads and writes through them.</summary>
    public void EmitStorage(CodeWriter w, IReadOnlyList<StorageBinding> bindings)
    {
        foreach (var b in bindings)
            w.Line(b.Role switch
            {
                StorageRole.Input or StorageRole.Capture or StorageRole.IntInput or StorageRole.Result or StorageRole.Update => $"{StorageType(b.Role)} {b.Local} = {b.Source}.Data;",
                StorageRole.IntResult => $"{StorageType(b.Role)} {b.Local} = {b.Source};",
                StorageRole.Gradient => $"{StorageType(b.Role)} {b.Local} = this.GradientOf({b.Source}, {b.Index});",
                StorageRole.Arena => $"{StorageType(b.Role)} {b.Local} = {b.Source}.Arena;",
                _ => $"{StorageType(b.Role)} {b.Local} = {b.Source}.Slice({b.Offset}, {b.Length});",
            });
    }

    /// <summary>The type of the local <see cref="EmitStorage"/> declares for a binding of this role.</summary>
    internal static string StorageType(StorageRole role) => role switch
    {
        StorageRole.Input or StorageRole.Capture => SpanType(writable: false),
        StorageRole.IntInput => "global::System.ReadOnlySpan<int>",
        StorageRole.IntResult => "global::System.Span<int>",
        _ => SpanType(writable: true),
    };

    public void EmitStepLoop(CodeWriter w, string counter, string count) => w.Open($"for (int {counter} = 0; {counter} < {count}; {counter}++)");

    public void EmitSlice(CodeWriter w, string local, string buffer, string offset, string length, bool writable) =>
        w.Line($"{SpanType(writable)} {local} = {ReadOnly(buffer, writable)}.Slice({offset}, {length});");

    public void EmitChoice(CodeWriter w, string local, string condition, string whenTrue, string whenFalse, bool writable) =>
        w.Line($"{SpanType(writable)} {local} = {condition} ? {ReadOnly(whenTrue, writable)} : {ReadOnly(whenFalse, writable)};");

    public string Slice(string buffer, string offset, string length) => $"{buffer}.Slice({offset}, {length})";

    public void EmitCopy(CodeWriter w, string from, string to) => w.Line($"{ReadOnly(from, writable: false)}.CopyTo({to});");

    /// <summary>The type of a float span local: the slices and choices of a step loop, the float storage.</summary>
    internal static string SpanType(bool writable) => writable ? "global::System.Span<float>" : "global::System.ReadOnlySpan<float>";

    /// <summary>Inputs are read-only spans and the arena's writable ones; a read takes either.</summary>
    static string ReadOnly(string buffer, bool writable) => writable ? buffer : $"((global::System.ReadOnlySpan<float>){buffer})";

    /// <summary>CPU kernels run synchronously on the calling thread: nothing to wait for.</summary>
    public void EmitSynchronize(CodeWriter w) { }

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
        var (m, n, k, ta, tb) = LinearAlgebra.Gemm(mm);
        w.Line($"global::Kiln.Kernels.Gemm.Multiply({names.Buffer(mm.Inputs[0])}, {names.Buffer(mm.Inputs[1])}, {names.Buffer(kernel.Root)}, {names.Size(m)}, {names.Size(n)}, {names.Size(k)}, " +
               $"transposeA: {Bool(ta)}, transposeB: {Bool(tb)}, accumulate: {Bool(accumulate)});");
    }

    static string Bool(bool b) => b ? "true" : "false";

    // ---- library kernels ----

    static void EmitLibrary(CodeWriter w, Kernel kernel, IStorageNames names) =>
        CSharpLibraryCalls.Emit(w, kernel, kernel.LibraryProducer ?? kernel.SecondOutput ?? kernel.Root, names);



    // ---- fused loops ----

    /// <summary>
    /// The loop nest of a fused loop (or a GEMM's epilogue, which reads the GEMM's output in place): outer axes as
    /// plain loops, the innermost axis as a Vector&lt;float&gt; loop plus a scalar tail (or one overlapping last vector, see
    /// overlapLast below); operands broadcast along
    /// the innermost axis are loaded once per row. A loop may have several outputs: elementwise ones are stored per
    /// element, reductions accumulate over the reduced axes (in a vector register when the innermost axis is reduced).
    /// </summary>
    static void EmitLoop(CodeWriter w, Kernel kernel, IStorageNames names)
    {
        var nest = kernel.Loop!;
        var roots = kernel.LoopRoots.ToList();
        var reductions = new HashSet<Node>(roots.Where(r => OpRegistry.ClassOf(r) == OpClass.Reduction));
        var computed = kernel.Body.Where(n => !reductions.Contains(n)).ToList();
        var operands = nest.Operands.ToList();
        // Vector loads need each operand to be contiguous (or constant) along the innermost axis.
        bool simd = computed.All(CSharpElementwise.HasVector) && operands.All(o => nest.Strides[o][nest.Axes.Length - 1] is { Constant: 0 or 1, IsConstant: true });
        var scalars = operands.Where(ScalarOperands.IsInline).ToList();
        var loaded = operands.Except(scalars).ToList();
        int axes = nest.Axes.Length, inner = axes - 1;
        bool reduceInner = nest.Reduced[inner];
        // A row whose length is no multiple of the vector width ends with one vector overlapping the one before it,
        // instead of a scalar loop over the rest (a row of 20 floats with vectors of 16: lanes 0..15, then 4..19). The
        // last vector's inputs are loaded and computed before the row is written (an epilogue overwrites the GEMM's
        // output in place) and stored after the others, rewriting lanes 4..15 with the values they already hold. Only
        // where every element is stored once: an accumulating output or a reduction would add the shared lanes twice.
        bool overlapLast = simd && reductions.Count == 0 && !roots.Any(names.Accumulates);

        for (int j = 0; j < axes; j++) w.Line($"int extent{j} = {names.Size(nest.Axes[j])};");
        if (overlapLast)
        {
            w.Line($"int lastVector = extent{inner} - {VectorType}.Count;");
            w.Line($"bool overlapLast = lastVector > 0 && extent{inner} % {VectorType}.Count != 0;");
        }
        foreach (var c in scalars)
        {
            if (c.Type == ElementType.Flag)
            {
                w.Line($"bool s{c.Id} = {names.Buffer(c)};");
                if (simd) w.Line($"bool v{c.Id} = s{c.Id};");
                continue;
            }
            w.Line($"float s{c.Id} = {ScalarOperands.Expression(c, names)};");
            if (simd) w.Line($"var v{c.Id} = new {VectorType}(s{c.Id});");
        }
        var scale = new Dictionary<Node, string?>();
        foreach (var r in roots.Where(reductions.Contains))
        {
            scale[r] = null;
            if (r.Op == OpNames.Mean)
            {
                w.Line($"float scale{r.Id} = 1f / {names.Size(Reductions.ReducedCount(r))};");
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
        // One vector of every computed value, its lanes starting at element `index` of the row.
        void ComputeVector(string index)
        {
            foreach (var o in innerLoaded) w.Line($"var v{o.Id} = new {VectorType}({Source(o)}.Slice({rows[o]}{index}));");
            foreach (var n in computed) w.Line($"var v{n.Id} = {CSharpElementwise.VectorExpression(n, n.Inputs.Select(x => "v" + x.Id).ToArray())};");
        }

        w.Line("int i = 0;");
        if (overlapLast)
        {
            foreach (var r in roots) w.Line($"var last{r.Id} = {VectorType}.Zero;");
            w.Open("if (overlapLast)");
            ComputeVector("lastVector");
            foreach (var r in roots) w.Line($"last{r.Id} = v{r.Id};");
            w.Close();
        }
        if (simd)
        {
            w.Open($"for (; i <= extent{inner} - {VectorType}.Count; i += {VectorType}.Count)");
            ComputeVector("i");
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
        if (overlapLast)
        {
            w.Open("if (overlapLast)");
            foreach (var r in roots) w.Line($"last{r.Id}.CopyTo({names.Buffer(r)}.Slice({mapRow}lastVector));");
            w.Close();
            w.Open("else");
        }
        w.Open($"for (; i < extent{inner}; i++)");
        foreach (var o in innerLoaded) w.Line($"float s{o.Id} = {Source(o)}[{rows[o]}{InnerIndex(o)}];");
        foreach (var n in computed) w.Line($"float s{n.Id} = {CSharpElementwise.Scalar(n, n.Inputs.Select(x => "s" + x.Id).ToArray())};");
        foreach (var r in roots)
        {
            var sv = "s" + ValueOf(r).Id;
            var output = names.Buffer(r);
            if (reductions.Contains(r) && reduceInner) w.Line($"tail{r.Id} += {sv};");
            else if (reductions.Contains(r) || names.Accumulates(r)) w.Line($"{output}[{RowOf(r)}i] += {Scaled(sv, reductions.Contains(r) ? scale[r] : null)};");
            else w.Line($"{output}[{RowOf(r)}i] = {sv};");
        }
        w.Close();
        if (overlapLast) w.Close();
        if (reduceInner)
            foreach (var r in roots.Where(reductions.Contains))
            {
                var sum = simd ? $"{CSharpElementwise.Vector}.Sum(accumulator{r.Id}) + tail{r.Id}" : $"tail{r.Id}";
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
