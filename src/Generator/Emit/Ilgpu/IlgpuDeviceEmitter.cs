using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Kiln.Generator.Emit.CSharp;
using Kiln.Generator.Graph;
using Kiln.Generator.Models;
using Kiln.Generator.Schedule;

namespace Kiln.Generator.Emit.Ilgpu;

/// <summary>
/// The ILGPU backend: for a graph with a forward+backward program, writes into the graph class
/// <list type="bullet">
/// <item><c>To(device, optimizer)</c>, returning a <c>&lt;Method&gt;DeviceGraph</c> (a Kiln.Accelerators.DeviceGraph
/// with a typed <c>Step</c>) that trains resident on the device;</item>
/// <item><c>&lt;Method&gt;DeviceProgram</c>: <c>Run</c> launches the same kernel schedule as the C# backend, each
/// GEMM and library op through Kiln.Accelerators' DeviceLibrary;</item>
/// <item><c>&lt;Method&gt;DeviceKernels</c>: each fused loop as a plain static <c>(Index1D, Args)</c> kernel under the
/// same comment as the C# kernel.</item>
/// </list>
/// A graph the backend cannot lower still gets <c>To</c> (it trains on KilnDevice.Cpu), with no device program and
/// the reason, naming the op, in the exception an ILGPU device raises.
/// </summary>
internal sealed class IlgpuDeviceEmitter
{
    readonly GraphSpec spec;
    readonly IReadOnlyList<KernelProgram> programs;
    readonly CSharpGraphEmitter host;

    public IlgpuDeviceEmitter(GraphSpec spec, IReadOnlyList<KernelProgram> programs, CSharpGraphEmitter host)
    {
        this.spec = spec;
        this.programs = programs;
        this.host = host;
    }

    string Prefix => spec.MethodName;
    string DeviceGraphClass => Prefix + "DeviceGraph";
    string ProgramClass => Prefix + "DeviceProgram";
    string KernelsClass => Prefix + "DeviceKernels";

    public void Emit(CodeWriter w)
    {
        int index = -1;
        for (int p = 0; p < programs.Count; p++)
            if (programs[p].Graph.HasGradients && programs[p].Graph.Name != Passes.Autodiff.VjpName) index = p;
        if (index < 0) return; // no scalar loss: nothing to train on a device.
        var program = programs[index];

        // Lower into separate writers first: a graph that cannot be lowered gets none of it, only the reason.
        var run = new CodeWriter();
        var kernels = new CodeWriter();
        string? unsupported = null;
        try
        {
            if (program.Graph.MoreResults.Length > 0) throw new DeviceLoweringException("it returns a tuple; a device graph trains on a single loss");
            EmitProgram(run, kernels, program, index);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The generator never throws: any failure here only costs this graph its device program.
            unsupported = e is DeviceLoweringException ? e.Message : $"the ILGPU backend failed on it ({e.GetType().Name}: {e.Message})";
        }

        EmitTo(w);
        w.Line();
        EmitDeviceGraph(w, program, index, unsupported);
        if (unsupported is not null) return;
        w.Line();
        w.Lines(run.ToString().TrimEnd('\n'));
        w.Line();
        w.Lines(kernels.ToString().TrimEnd('\n'));
    }

    void EmitTo(CodeWriter w)
    {
        w.Line("/// <summary>");
        w.Line("/// Binds the forward+backward program to <paramref name=\"device\"/> for training with <paramref name=\"optimizer\"/>: on an");
        w.Line("/// ILGPU device parameters, gradients, optimizer state and the arena stay resident there (a step copies the inputs in");
        w.Line("/// and the loss out; SyncToHost writes the parameters back); on KilnDevice.Cpu a step runs ForwardBackward and Kiln.Optim.");
        w.Line("/// </summary>");
        w.Line($"public {DeviceGraphClass} To(global::Kiln.Accelerators.KilnDevice device, global::Kiln.Accelerators.DeviceOptimizer optimizer) => new {DeviceGraphClass}(this, device, optimizer);");
    }

    void EmitDeviceGraph(CodeWriter w, KernelProgram program, int index, string? unsupported)
    {
        string graphName = CodeWriter.Quote(host.MethodDisplay);
        var captures = Enumerable.Range(0, spec.Captures.Count).ToList();
        string captureList = string.Join(", ", captures.Select(c => host.IsTensorCapture(c) ? GraphAccess(spec.Captures[c], "graph.") : "null"));
        string trainable = string.Join(", ", captures.Select(c => spec.Captures[c].Kind == CaptureKind.Parameter ? "true" : "false"));
        string programExpression = unsupported is null ? $"new {ProgramClass}()" : "null";
        string reason = unsupported is null ? "null" : CodeWriter.Quote(unsupported);
        // The model, so that saving its state syncs the device's parameters back first (a static method has none).
        string modelArgument = spec.IsStatic ? "" : ", graph.model";

        w.Line($"/// <summary><c>{spec.MethodName}</c>'s forward+backward program bound to a device for training (see <see cref=\"To\"/>).</summary>");
        w.Line($"[global::System.CodeDom.Compiler.GeneratedCode(\"Kiln.Generator\", \"{CSharpGraphEmitter.GeneratorVersion}\")]");
        w.Open($"public sealed class {DeviceGraphClass} : global::Kiln.Accelerators.DeviceGraph");
        w.Line($"private readonly {host.GraphClass} graph;");
        w.Line();
        w.Line($"internal {DeviceGraphClass}({host.GraphClass} graph, global::Kiln.Accelerators.KilnDevice device, global::Kiln.Accelerators.DeviceOptimizer optimizer)");
        w.Line($"    : base(device, optimizer, graph, {graphName}, {index.ToString(CultureInfo.InvariantCulture)}, new global::Kiln.Tensor?[] {{ {captureList} }}, new bool[] {{ {trainable} }}, {spec.Inputs.Count.ToString(CultureInfo.InvariantCulture)}, {programExpression}, {reason}{modelArgument})");
        w.Line("    => this.graph = graph;");
        w.Line();
        string arguments = string.Join(", ", Enumerable.Range(0, spec.Inputs.Count).Select(Argument));
        w.Line("/// <summary>One training step: zero the gradients, forward and backward, one optimizer step. Returns the loss.</summary>");
        w.Line($"public float Step({host.Parameters}) => this.StepCore({string.Join(", ", spec.Inputs.Select(i => CSharpGraphEmitter.Identifier(i.Name)))});");
        w.Line();
        w.Open($"private float StepCore({host.CoreParameters})");
        // A method returning (loss, ...) trains on its first result.
        string first = program.Graph.MoreResults.Length > 0 ? ".Item1" : "";
        w.Line($"if (this.OnHost) return this.HostStep(() => this.graph.{CSharpGraphEmitter.MethodName(program)}({arguments}){first});");
        w.Line($"global::System.Span<int> symbols = stackalloc int[{host.Symbols.Count.ToString(CultureInfo.InvariantCulture)}];");
        w.Line("global::Kiln.Compiled.CompiledGraph.BeginBinding(symbols);");
        for (int i = 0; i < spec.Inputs.Count; i++) w.Line($"this.graph.BindInput({i.ToString(CultureInfo.InvariantCulture)}, {Argument(i)}, symbols);");
        foreach (int c in captures.Where(host.IsTensorCapture))
            w.Line($"this.graph.BindCapture({c.ToString(CultureInfo.InvariantCulture)}, {GraphAccess(spec.Captures[c], "this.graph.")}, symbols);");
        w.Line($"var state = this.graph.Prepare({index.ToString(CultureInfo.InvariantCulture)}, symbols);");
        w.Line("this.BeginDeviceStep();");
        foreach (int c in captures.Where(c => spec.Captures[c].Kind == CaptureKind.Flag))
            w.Line($"this.SetFlag({c.ToString(CultureInfo.InvariantCulture)}, {GraphAccess(spec.Captures[c], "this.graph.")});");
        // A random generator (a Dropout's) gives one seed per step; the device kernels hash it into masks.
        foreach (int c in captures.Where(c => spec.Captures[c].Kind == CaptureKind.Rng))
            w.Line($"this.SetSeed({c.ToString(CultureInfo.InvariantCulture)}, {GraphAccess(spec.Captures[c], "this.graph.")});");
        for (int i = 0; i < spec.Inputs.Count; i++) w.Line($"this.CopyIn({i.ToString(CultureInfo.InvariantCulture)}, {Argument(i)});");
        w.Line("return this.RunDeviceStep(state.Offsets, state.Sizes, symbols);");
        w.Close();
        w.Close();
    }

    static string Argument(int i) => "argument" + i.ToString(CultureInfo.InvariantCulture);

    /// <summary>A capture's access expression from inside the device graph class (the graph's model, not <c>this</c>).</summary>
    string GraphAccess(CaptureSpec capture, string graph) => spec.IsStatic
        ? host.Access(capture)
        : System.Text.RegularExpressions.Regex.Replace(capture.AccessExpression, @"(?<![\w.])this\.", graph + "model.");

    void EmitProgram(CodeWriter run, CodeWriter kernels, KernelProgram program, int index)
    {
        run.Line($"/// <summary>The forward+backward program of <c>{spec.MethodName}</c> for ILGPU: the C# backend's kernel schedule, launched in order.</summary>");
        run.Open($"private sealed class {ProgramClass} : global::Kiln.Accelerators.DeviceProgram");
        run.Line($"public override int ProgramIndex => {index.ToString(CultureInfo.InvariantCulture)};");
        run.Line();
        run.Line($"public override global::System.Type KernelType => typeof({KernelsClass});");
        run.Line();
        run.Open("public override void Run(global::Kiln.Accelerators.DeviceStep step)");

        kernels.Line($"/// <summary>The fused loops of <c>{spec.MethodName}</c>'s forward+backward program as ILGPU kernels: one thread per output element of each loop's kept axes (one group for a loop reduced to scalars).</summary>");
        kernels.Open($"internal static class {KernelsClass}");
        var hostNames = DeviceStorageNames.Host(spec, program, host);
        foreach (var kernel in program.Kernels)
        {
            if (kernel.Index > 0) run.Line();
            string number = kernel.Index.ToString(CultureInfo.InvariantCulture);
            EmitKernel(run, kernels, kernel, program, hostNames, () => DeviceStorageNames.Kernel(spec, program, host), "Kernel" + number, "kernel " + number);
        }
        run.Close();
        run.Close();
        kernels.Close();
    }

    bool firstKernelMethod = true;

    /// <summary>
    /// One kernel of <paramref name="program"/> (the graph's, or a loop body's): its launch or library call in
    /// <paramref name="run"/> and, for a fused loop, its kernel method <paramref name="methodName"/> in <paramref name="kernels"/>
    /// (<paramref name="description"/> names it in the argument struct's summary, e.g. "kernel 3").
    /// </summary>
    internal void EmitKernel(CodeWriter run, CodeWriter kernels, Kernel kernel, KernelProgram program, IStorageNames hostNames,
        Func<IDeviceKernelNames> kernelNamesFactory, string methodName, string description)
    {
        string title = KernelDescriptions.Title(kernel, program.Kernels.Count);
        switch (kernel.Kind)
        {
            case KernelKind.Gemm:
                run.Line("// " + title);
                IlgpuLibraryCalls.EmitGemm(run, kernel, hostNames);
                break;
            case KernelKind.Library:
                run.Line("// " + title);
                IlgpuLibraryCalls.Emit(run, kernel, kernel.LibraryProducer ?? kernel.SecondOutput ?? kernel.Root, hostNames);
                break;
            case KernelKind.Scan:
                new IlgpuScan(this, host).Emit(run, kernels, kernel, program, hostNames, methodName, description);
                return;
            case KernelKind.Loop:
                run.Line("// " + title);
                break;
            default:
                throw new DeviceLoweringException($"the ILGPU backend has no lowering for a {kernel.Kind} kernel ({title})");
        }
        if (kernel.Loop is null) return;

        // The loop: the kernel method (body first, so its argument struct lists exactly what it touches) and its launch.
        var kernelNames = kernelNamesFactory();
        var body = new CodeWriter();
        IlgpuLoops.EmitBody(body, kernel, kernelNames);
        if (!firstKernelMethod) kernels.Line();
        firstKernelMethod = false;
        kernels.Line($"/// <summary>The storage and sizes {description} reads and writes.</summary>");
        kernels.Open($"internal struct {methodName}Args");
        foreach (var (field, type, _) in kernelNames.Fields) kernels.Line($"public {type} {field};");
        kernels.Close();
        kernels.Line();
        kernels.Line("// " + title);
        foreach (var n in KernelDescriptions.ComputedNodes(kernel)) kernels.Line("// " + n);
        bool grouped = IlgpuLoops.IsFullReduction(kernel);
        kernels.Open(grouped
            ? $"internal static void {methodName}({methodName}Args a)"
            : $"internal static void {methodName}(global::ILGPU.Index1D index, {methodName}Args a)");
        kernels.Lines(body.ToString().TrimEnd('\n'));
        kernels.Close();

        string arguments = $"new {KernelsClass}.{methodName}Args {{ {string.Join(", ", kernelNames.Fields.Select(f => $"{f.Field} = {f.HostExpression}"))} }}";
        run.Line(grouped
            ? $"step.LaunchGroup({KernelsClass}.{methodName}, {arguments});"
            : $"step.Launch({KernelsClass}.{methodName}, {IlgpuLoops.Extent(kernel, hostNames)}, {arguments});");
    }
}
