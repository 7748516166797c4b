using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Emit.CSharp;
using Kiln.Generator.Graph;
using Kiln.Generator.Helpers;
using Kiln.Generator.Models;
using Kiln.Generator.Passes;
using Kiln.Generator.Schedule;

namespace Kiln.Generator.Compiler;

/// <summary>
/// The compiler core: GraphSpec in, C# source and diagnostics out. The pipeline is a flat list of passes:
/// shape inference (building the graph) → optimisation (constant folding, algebraic simplification, loop-invariant
/// motion, splitting loops by layer, hoisting loops' input projections and their gradients' sums over steps; CSE is
/// interning, dead code is whatever the outputs do not reach) → conv + ReLU + 2×2 max-pool fusion → autodiff → the
/// same optimisation of the differentiated program → fusion → memory planning → emit. The graph
/// verifier runs after every graph pass. Never throws: an internal failure becomes KILN9999.
/// </summary>
internal static class GraphCompiler
{
    public static CompileResult Compile(GraphSpec spec) => Compile(spec, CompileOptions.Default, out _);

    public static CompileResult Compile(GraphSpec spec, CompileOptions options) => Compile(spec, options, out _);

    /// <summary>As <see cref="Compile(GraphSpec, CompileOptions)"/>, also handing back the intermediate programs (for tests).</summary>
    internal static CompileResult Compile(GraphSpec spec, CompileOptions options, out CompiledMethod? method)
    {
        method = null;
        var backend = Emit.Backends.For(options.Backend);
        var context = new CompileContext(spec, backend) { CancellationToken = options.CancellationToken };
        try
        {
            // Module sizes from constructors are equated with the sizes they meet; every later pass sees agreeing shapes.
            spec = SymbolUnification.Solve(spec, backend, options.CancellationToken);
            context = new CompileContext(spec, backend) { CancellationToken = options.CancellationToken };
            method = Lower(context);
            if (method is null || context.HasErrors) return Result(spec, null, context);
            var emitter = new CSharpGraphEmitter(spec, method.Programs, context.Backend, method.DeadOps.Count);
            if (options.IlgpuDevicePrograms)
            {
                var programs = method.Programs;
                emitter.MoreMembers = w => new Emit.Ilgpu.IlgpuDeviceEmitter(spec, programs, emitter).Emit(w);
            }
            var source = emitter.Emit();
            return Result(spec, source, context);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            context.Diagnostics.Add(new CompileDiagnostic(DiagnosticIds.InternalError, -1, new EquatableArray<string>(new[] { e.GetType().Name + ": " + e.Message })));
            return Result(spec, null, context);
        }

    }

    static CompileResult Result(GraphSpec spec, string? source, CompileContext context) =>
        new(spec.HintName, context.HasErrors ? null : source, context.Diagnostics.ToEquatableArray());

    /// <summary>Runs every pass up to (not including) emission.</summary>
    /// <summary>The runtime keys its per-binding plans on at most this many symbol values (Kiln.Compiled.BindingKey).</summary>
    internal const int MaxSymbols = 8;

    internal static CompiledMethod? Lower(CompileContext context)
    {
        var b = context.Builder;
        var symbols = context.Spec.BoundSymbols();
        if (symbols.Count > MaxSymbols)
        {
            context.Report(DiagnosticIds.Unsupported, -1, "the method",
                $"its shapes use {symbols.Count} symbolic dimensions ({string.Join(", ", symbols)}), and a compiled graph binds at most {MaxSymbols}; make some of them constants");
            return null;
        }
        context.CancellationToken.ThrowIfCancellationRequested();
        var forward = ShapeInference.Run(context);
        if (forward is null) return null;
        GraphVerifier.Verify(forward, nameof(ShapeInference));

        context.CancellationToken.ThrowIfCancellationRequested();
        forward = Optimise(b, forward);
        // Before autodiff, so the backward is built from the fused op's gradient and keeps only its pooled outputs.
        forward = ConvReluPoolFusion.Run(b, forward);
        GraphVerifier.Verify(forward, nameof(ConvReluPoolFusion));

        GraphProgram? backward = null;
        if (ShapeInference.IsScalar(forward.Result.Shape))
        {
            backward = Autodiff.Run(context, forward);
            if (context.HasErrors) return null;
            if (backward is not null)
            {
                GraphVerifier.Verify(backward, nameof(Autodiff));
                backward = Optimise(b, backward);
            }
        }

        // The vector-Jacobian program behind Apply (a graph as one node of the eager tape); optional, never an error.
        var vjp = Autodiff.Vjp(context, forward);
        if (vjp is not null)
        {
            GraphVerifier.Verify(vjp, nameof(Autodiff.Vjp));
            vjp = Optimise(b, vjp);
        }

        context.CancellationToken.ThrowIfCancellationRequested();
        var programs = new List<KernelProgram> { Schedule(context, forward) };
        if (backward is not null) programs.Add(Schedule(context, backward));
        if (vjp is not null) programs.Add(Schedule(context, vjp));
        return new CompiledMethod(context, programs, DeadCode.DeadSpecOps(context));
    }

    static GraphProgram Optimise(GraphBuilder b, GraphProgram program)
    {
        program = ConstantFolding.Run(b, program);
        GraphVerifier.Verify(program, nameof(ConstantFolding));
        program = AlgebraicSimplification.Run(b, program);
        GraphVerifier.Verify(program, nameof(AlgebraicSimplification));
        program = LoopInvariantMotion.Run(b, program);
        GraphVerifier.Verify(program, nameof(LoopInvariantMotion));
        // Before autodiff (the forward is optimised first), so the hoisted products are differentiated outside the loop too;
        // a stacked Rnn is split into a loop per layer first, so that every layer's input is a sequence.
        program = LoopFission.Run(b, program);
        GraphVerifier.Verify(program, nameof(LoopFission));
        program = ScanInputHoisting.Run(b, program);
        GraphVerifier.Verify(program, nameof(ScanInputHoisting));
        // After autodiff: a weight's gradient the reverse loop summed step by step becomes one GEMM over all steps.
        program = ScanSumHoisting.Run(b, program);
        GraphVerifier.Verify(program, nameof(ScanSumHoisting));
        return program;
    }

    /// <summary>
    /// A loop's body is optimised, fused and memory-planned once, as a program whose results are the body outputs the
    /// loop needs: every carry, and the per-step outputs read after the loop.
    /// </summary>
    static LoopSchedule ScheduleBody(CompileContext context, Kernel scan)
    {
        var body = scan.Root.Body!;
        var read = new HashSet<int>(scan.Outputs.Select(o => o.Attrs.Int("output")));
        var used = Enumerable.Range(0, body.Outputs.Length).Where(i => i < body.CarryCount || read.Contains(i)).ToList();
        var outputs = used.Select(i => body.Outputs[i]).ToList();
        var graph = new GraphProgram("loop body", outputs[0], System.Collections.Immutable.ImmutableArray<Node?>.Empty, default,
            outputs.Skip(1).ToImmutableArray());
        GraphVerifier.Verify(graph, "loop body");
        return new LoopSchedule(body, used, Schedule(context, Optimise(context.Builder, graph)));
    }

    static KernelProgram Schedule(CompileContext context, GraphProgram program)
    {
        program = CustomFunctions.Erase(context.Builder, program);
        GraphVerifier.Verify(program, nameof(CustomFunctions));
        program = Fusion.MaterialiseOutputs(context.Builder, program);
        GraphVerifier.Verify(program, nameof(Fusion.MaterialiseOutputs));
        var kernels = Fusion.Run(program, context.Backend.ScratchSize);
        foreach (var k in kernels.Where(k => k.Kind == KernelKind.Scan)) k.Steps = ScheduleBody(context, k);
        KernelVerifier.Verify(program, kernels);
        var memory = MemoryPlanner.Run(program, kernels);
        return new KernelProgram(program, kernels, memory);
    }
}

/// <summary>
/// The programs of one method after all graph passes: forward; forward+backward when the result is a scalar; the
/// vector-Jacobian product (<see cref="Autodiff.Vjp"/>) when the method has one.
/// </summary>
internal sealed class CompiledMethod
{
    public CompiledMethod(CompileContext context, IReadOnlyList<KernelProgram> programs, IReadOnlyList<int> deadOps)
    {
        Context = context;
        Programs = programs;
        DeadOps = deadOps;
    }

    /// <summary>Indices of spec ops whose values reach no output (removed).</summary>
    public IReadOnlyList<int> DeadOps { get; }

    public CompileContext Context { get; }
    public IReadOnlyList<KernelProgram> Programs { get; }
    public KernelProgram Forward => Programs[0];
    public KernelProgram? ForwardBackward => Programs.FirstOrDefault(p => p.Graph.HasGradients && p.Graph.Name != Autodiff.VjpName);
    public KernelProgram? Vjp => Programs.FirstOrDefault(p => p.Graph.Name == Autodiff.VjpName);
}
