using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops;
using Kiln.Generator.Ops.Definitions;
using Kiln.Generator.Schedule;

namespace Kiln.Generator.Emit.Ilgpu;

/// <summary>
/// A fused loop (or a GEMM's / library op's epilogue) as an implicitly grouped <c>Index1D</c> kernel: one thread per
/// element of the loop's kept (non-reduced) axes. A loop without reductions is one thread per element; a loop with
/// reductions has each thread walk the reduced axes for its output element, storing elementwise outputs on the way
/// and its sums at the end (no atomics, one write per output element, so results do not depend on scheduling).
/// </summary>
internal static class IlgpuLoops
{
    /// <summary>The number of threads: the product of the kept axes' extents, spelled by <paramref name="names"/> (host side).</summary>
    public static string Extent(Kernel kernel, IStorageNames names)
    {
        var nest = kernel.Loop!;
        var kept = Enumerable.Range(0, nest.Axes.Length).Where(j => !nest.Reduced[j]).Select(j => "(" + names.Size(nest.Axes[j]) + ")").ToList();
        return kept.Count == 0 ? "1" : string.Join(" * ", kept);
    }

    /// <summary>
    /// A loop whose every axis is reduced (its sums are scalars): one thread per output would leave one thread to do
    /// all the work, so it becomes an explicitly grouped kernel instead — one group striding over the elements, each
    /// sum combined in shared memory (DeviceStep.LaunchGroup).
    /// </summary>
    public static bool IsFullReduction(Kernel kernel) =>
        kernel.Loop!.Reduced.All(r => r) && kernel.LoopRoots.Any(r => OpRegistry.ClassOf(r) == OpClass.Reduction);

    /// <summary>The group size the shared-memory tree of a full reduction is written for (DeviceStep.ReductionGroup).</summary>
    const int ReductionGroup = 256;

    /// <summary>Writes the kernel's body; storage and sizes come from <paramref name="names"/> (kernel side: argument struct fields).</summary>
    public static void EmitBody(CodeWriter output, Kernel kernel, IStorageNames names)
    {
        if (IsFullReduction(kernel))
        {
            EmitGroupReduction(output, kernel, names);
            return;
        }
        var w = new CodeWriter();
        var nest = kernel.Loop!;
        var roots = kernel.LoopRoots.ToList();
        var reductions = new HashSet<Node>(roots.Where(r => OpRegistry.ClassOf(r) == OpClass.Reduction));
        var computed = kernel.Body.Where(n => !reductions.Contains(n)).ToList();
        var operands = nest.Operands.ToList();
        var scalars = operands.Where(ScalarOperands.IsInline).ToList();
        var loaded = operands.Except(scalars).ToList();
        int axes = nest.Axes.Length;
        var kept = Enumerable.Range(0, axes).Where(j => !nest.Reduced[j]).ToList();
        var reduced = Enumerable.Range(0, axes).Where(j => nest.Reduced[j]).ToList();

        // The thread's position along the kept axes, the last one fastest (row-major, as the outputs are laid out).
        if (kept.Count > 0)
        {
            w.Line("int rest = index.X;");
            for (int k = kept.Count - 1; k >= 0; k--)
            {
                int j = kept[k];
                if (k == 0) w.Line($"int i{j} = rest;");
                else
                {
                    w.Line($"int i{j} = rest % extent{j};");
                    w.Line($"rest /= extent{j};");
                }
            }
        }
        foreach (var c in scalars)
        {
            if (c.Type == ElementType.Flag) w.Line($"bool s{c.Id} = {names.Buffer(c)} != 0;");
            else w.Line($"float s{c.Id} = {ScalarOperands.Expression(c, names)};");
        }
        var scale = new Dictionary<Node, string?>();
        foreach (var r in roots.Where(reductions.Contains))
        {
            w.Line($"float accumulator{r.Id} = 0f;");
            scale[r] = r.Op == OpNames.Mean ? $"(1f / {names.Size(Reductions.ReducedCount(r))})" : null;
        }
        foreach (int j in reduced) w.Open($"for (int i{j} = 0; i{j} < extent{j}; i{j}++)");
        foreach (var o in loaded)
            w.Line($"float s{o.Id} = {names.Buffer(nest.Sources[o])}[{OperandOffset(nest, o, names)}];");
        foreach (var n in computed)
            w.Line($"float s{n.Id} = {IlgpuElementwise.Scalar(n, n.Inputs.Select(x => "s" + x.Id).ToArray())};");
        string elementOffset = Offset(Enumerable.Range(0, axes).ToList());
        foreach (var r in roots)
        {
            if (reductions.Contains(r))
            {
                w.Line($"accumulator{r.Id} += s{r.Inputs[0].Id};");
                continue;
            }
            w.Line($"{names.Buffer(r)}[{elementOffset}] {(names.Accumulates(r) ? "+=" : "=")} s{r.Id};");
        }
        foreach (int _ in reduced) w.Close();
        string keptOffset = Offset(kept);
        foreach (var r in roots.Where(reductions.Contains))
        {
            string value = scale[r] is { } s ? $"accumulator{r.Id} * {s}" : $"accumulator{r.Id}";
            w.Line($"{names.Buffer(r)}[{keptOffset}] {(names.Accumulates(r) ? "+=" : "=")} {value};");
        }

        // The extents the body uses (an unused local would be a warning in the user's build).
        string body = w.ToString();
        for (int j = 0; j < axes; j++)
            if (System.Text.RegularExpressions.Regex.IsMatch(body, $@"\bextent{j}\b"))
                output.Line($"int extent{j} = {names.Size(nest.Axes[j])};");
        output.Lines(body.TrimEnd('\n'));
    }

    static void EmitGroupReduction(CodeWriter output, Kernel kernel, IStorageNames names)
    {
        var nest = kernel.Loop!;
        var roots = kernel.LoopRoots.ToList();
        var reductions = roots.Where(r => OpRegistry.ClassOf(r) == OpClass.Reduction).ToList();
        var computed = kernel.Body.Where(n => !reductions.Contains(n)).ToList();
        var operands = nest.Operands.ToList();
        var scalars = operands.Where(ScalarOperands.IsInline).ToList();
        var loaded = operands.Except(scalars).ToList();
        int axes = nest.Axes.Length;
        var w = new CodeWriter();

        w.Line($"var partial = global::ILGPU.SharedMemory.Allocate1D<float>({ReductionGroup});");
        w.Line("int thread = global::ILGPU.Group.IdxX;");
        w.Line("int threads = global::ILGPU.Group.DimX;");
        foreach (var c in scalars)
        {
            if (c.Type == ElementType.Flag) w.Line($"bool s{c.Id} = {names.Buffer(c)} != 0;");
            else w.Line($"float s{c.Id} = {ScalarOperands.Expression(c, names)};");
        }
        foreach (var r in reductions) w.Line($"float accumulator{r.Id} = 0f;");
        w.Line($"int total = {string.Join(" * ", Enumerable.Range(0, axes).Select(j => "extent" + j.ToString(CultureInfo.InvariantCulture)))};");
        w.Open("for (int flat = thread; flat < total; flat += threads)");
        w.Line("int rest = flat;");
        for (int j = axes - 1; j >= 0; j--)
        {
            if (j == 0) w.Line("int i0 = rest;");
            else
            {
                w.Line($"int i{j} = rest % extent{j};");
                w.Line($"rest /= extent{j};");
            }
        }
        foreach (var o in loaded)
            w.Line($"float s{o.Id} = {names.Buffer(nest.Sources[o])}[{OperandOffset(nest, o, names)}];");
        foreach (var n in computed)
            w.Line($"float s{n.Id} = {IlgpuElementwise.Scalar(n, n.Inputs.Select(x => "s" + x.Id).ToArray())};");
        string elementOffset = Offset(Enumerable.Range(0, axes).ToList());
        foreach (var r in roots)
        {
            if (reductions.Contains(r)) w.Line($"accumulator{r.Id} += s{r.Inputs[0].Id};");
            else w.Line($"{names.Buffer(r)}[{elementOffset}] {(names.Accumulates(r) ? "+=" : "=")} s{r.Id};");
        }
        w.Close();
        // Each sum: the threads' partial sums folded pairwise in shared memory (threads ≤ 256, so halving from 128 covers them all).
        foreach (var r in reductions)
        {
            w.Line($"partial[thread] = accumulator{r.Id};");
            w.Line("global::ILGPU.Group.Barrier();");
            w.Open($"for (int half = {ReductionGroup / 2}; half > 0; half /= 2)");
            w.Line("if (thread < half && thread + half < threads) partial[thread] += partial[thread + half];");
            w.Line("global::ILGPU.Group.Barrier();");
            w.Close();
            string value = r.Op == OpNames.Mean ? $"partial[0] * (1f / {names.Size(Reductions.ReducedCount(r))})" : "partial[0]";
            w.Line($"if (thread == 0) {names.Buffer(r)}[0] {(names.Accumulates(r) ? "+=" : "=")} {value};");
            w.Line("global::ILGPU.Group.Barrier();");
        }

        string body = w.ToString();
        for (int j = 0; j < axes; j++) output.Line($"int extent{j} = {names.Size(nest.Axes[j])};");
        output.Lines(body.TrimEnd('\n'));
    }


    /// <summary>An operand's element offset: its offset plus Σ i_j · stride_j over every axis it varies along.</summary>
    static string OperandOffset(LoopNest nest, Node o, IStorageNames names)
    {
        var terms = new List<string>();
        if (nest.Offsets[o].Constant != 0) terms.Add(names.Size(nest.Offsets[o]));
        for (int j = 0; j < nest.Axes.Length; j++)
        {
            var stride = nest.Strides[o][j];
            if (stride.Constant == 0) continue;
            terms.Add(stride.IsOne ? $"i{j}" : $"i{j} * {names.Size(stride)}");
        }
        return terms.Count == 0 ? "0" : string.Join(" + ", terms);
    }

    /// <summary>Row-major position over <paramref name="axes"/>: Σ i_j · (product of the later listed axes' extents).</summary>
    static string Offset(IReadOnlyList<int> axes)
    {
        var terms = new List<string>();
        for (int k = 0; k < axes.Count; k++)
        {
            var later = axes.Skip(k + 1).Select(l => "extent" + l.ToString(CultureInfo.InvariantCulture)).ToList();
            terms.Add(later.Count == 0 ? $"i{axes[k]}" : $"i{axes[k]} * " + string.Join(" * ", later));
        }
        return terms.Count == 0 ? "0" : string.Join(" + ", terms);
    }
}
