using System.Globalization;
using System.Text;
using ILGPU;
using ILGPU.Runtime;
using System.Runtime.CompilerServices;
using Kiln.Compiled;
using Kiln.Nn;
using Kiln.Optim;

namespace Kiln.Accelerators;

/// <summary>
/// A compiled loss graph bound to a device for training. On an ILGPU device everything stays resident: parameters
/// (one flat buffer), their gradients, the optimizer's state and the arena; a <c>Step</c> copies the inputs in, runs
/// the generated kernels and the fused optimizer kernel, and copies the loss scalar out. <see cref="SyncToHost"/>
/// writes the parameters (and optionally gradients) back into the model's tensors; saving the model's state
/// (<see cref="Module.StateDict"/>, <see cref="Module.Save"/>) does it first on its own. On the cpu device a step is the
/// graph's <c>ForwardBackward</c> followed by Kiln.Optim's optimizer. The generated subclass adds the typed Step.
/// </summary>
public abstract class DeviceGraph : IDisposable
{
    readonly CompiledGraph graph;
    readonly string graphName;
    readonly int programIndex;
    readonly DeviceOptimizer optimizer;
    readonly Tensor?[] captures;
    readonly int[] parameterCaptures;
    readonly Optimizer? hostOptimizer;

    // Device side (ILGPU devices only).
    readonly DeviceSession? session;
    readonly DeviceProgram? program;
    readonly DeviceStep? step;
    readonly MemoryBuffer1D<float, Stride1D.Dense>? parameters, gradients, one, result;
    readonly MemoryBuffer1D<float, Stride1D.Dense>?[] state = Array.Empty<MemoryBuffer1D<float, Stride1D.Dense>?>();
    readonly ArrayView<float>[] stateViews = Array.Empty<ArrayView<float>>(); // the optimizer's per step, built once
    readonly MemoryBuffer1D<float, Stride1D.Dense>?[] buffers;
    readonly MemoryBuffer1D<float, Stride1D.Dense>?[] floatInputs;
    readonly MemoryBuffer1D<int, Stride1D.Dense>?[] intInputs;
    MemoryBuffer1D<float, Stride1D.Dense>? arena;
    readonly float[] loss = new float[1];
    // The graph most recently bound to each model: binding another takes over the model's state sync.
    static readonly ConditionalWeakTable<Module, DeviceGraph> boundGraphs = new();
    readonly Module? model;
    readonly List<IDisposable> stateSyncs = new();
    bool disposed;
    int steps;
    long stepBytesIn, stepBytesOut, stepLaunches;

    protected DeviceGraph(KilnDevice device, DeviceOptimizer optimizer, CompiledGraph graph, string graphName, int programIndex,
        Tensor?[] captures, bool[] trainable, int inputCount, DeviceProgram? program, string? unsupported, Module? model = null)
    {
        Device = device ?? throw new ArgumentNullException(nameof(device));
        this.optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        this.graph = graph;
        this.graphName = graphName;
        this.programIndex = programIndex;
        this.captures = captures;
        parameterCaptures = Enumerable.Range(0, captures.Length).Where(c => trainable[c] && captures[c] is not null).ToArray();
        floatInputs = new MemoryBuffer1D<float, Stride1D.Dense>?[inputCount];
        intInputs = new MemoryBuffer1D<int, Stride1D.Dense>?[inputCount];
        buffers = new MemoryBuffer1D<float, Stride1D.Dense>?[captures.Length];
        if (!device.IsIlgpu)
        {
            hostOptimizer = optimizer.CreateHost(parameterCaptures.Select(c => captures[c]!));
            return;
        }
        if (program is null)
            throw new NotSupportedException($"{graphName} cannot run on {device}: {unsupported ?? "the generator made no device program for it"}. It still runs on KilnDevice.Cpu.");
        this.program = program;
        session = device.Session;
        var accelerator = session.Accelerator;
        long total = parameterCaptures.Sum(c => (long)captures[c]!.Count);
        parameters = accelerator.Allocate1D<float>(Math.Max(1, total));
        gradients = accelerator.Allocate1D<float>(Math.Max(1, total));
        state = new MemoryBuffer1D<float, Stride1D.Dense>?[optimizer.StateBuffers];
        for (int s = 0; s < state.Length; s++)
        {
            state[s] = accelerator.Allocate1D<float>(Math.Max(1, total));
            state[s]!.View.MemSetToZero();
        }
        stateViews = state.Select(s => (ArrayView<float>)s!.View).ToArray();
        one = accelerator.Allocate1D(new[] { 1f });
        result = accelerator.Allocate1D<float>(1);
        step = new DeviceStep(graphName, session)
        {
            Captures = new ArrayView<float>[captures.Length],
            Flags = new int[captures.Length],
            Seeds = new ulong[captures.Length],
            Gradients = new ArrayView<float>[captures.Length],
            Inputs = new ArrayView<float>[inputCount],
            IntInputs = new ArrayView<int>[inputCount],
            OneView = one.View,
            ResultView = result.View,
        };
        long offset = 0;
        foreach (int c in parameterCaptures)
        {
            var tensor = captures[c]!;
            step.Captures[c] = parameters.View.SubView(offset, tensor.Count);
            step.Gradients[c] = gradients.View.SubView(offset, tensor.Count);
            step.Captures[c].CopyFromCPU(tensor.ToArray());
            offset += tensor.Count;
        }
        for (int c = 0; c < captures.Length; c++)
        {
            if (captures[c] is not { } tensor || parameterCaptures.Contains(c)) continue;
            buffers[c] = accelerator.Allocate1D(tensor.ToArray());
            step.Captures[c] = buffers[c]!.View;
        }
        ParameterBytes = total * sizeof(float);
        this.model = model;
        if (model is not null) BindStateSync(model);
    }

    /// <summary>
    /// Makes reading the model's state (its own or any sub-module's <c>StateDict</c>/<c>Save</c>) sync this graph's
    /// parameters back first. A graph bound to the model before this one stops syncing: its parameters are no longer
    /// the ones being trained.
    /// </summary>
    void BindStateSync(Module model)
    {
        lock (boundGraphs)
        {
            if (boundGraphs.TryGetValue(model, out var previous)) previous.UnbindStateSync();
            boundGraphs.AddOrUpdate(model, this);
            foreach (var module in model.Modules()) stateSyncs.Add(module.RegisterStateSync(() => SyncToHost(), CopyToDevice));
        }
    }

    void UnbindStateSync()
    {
        foreach (var registration in stateSyncs) registration.Dispose();
        stateSyncs.Clear();
    }

    public KilnDevice Device { get; }

    /// <summary>Whether steps run the generated C# kernels on the host (the cpu device).</summary>
    protected bool OnHost => !Device.IsIlgpu;

    /// <summary>Training steps run so far.</summary>
    public int Steps => steps;

    /// <summary>Kernel launches (including memsets and the optimizer) in the last step; on the cpu device, the graph's kernels.</summary>
    public long KernelsPerStep => OnHost ? graph.Programs[programIndex].KernelCount : stepLaunches;

    /// <summary>Bytes copied host→device in the last step (the inputs; 0 on the cpu device).</summary>
    public long BytesToDevicePerStep => stepBytesIn;

    /// <summary>Bytes copied device→host in the last step (the loss scalar; 0 on the cpu device).</summary>
    public long BytesToHostPerStep => stepBytesOut;

    /// <summary>The device arena's size in bytes (the host arena's on the cpu device).</summary>
    public long ArenaBytes => OnHost ? graph.PlannedArenaBytes(graph.Programs[programIndex].Name) : (arena?.Length ?? 0) * sizeof(float);

    /// <summary>Bytes of parameters resident on the device (gradients and optimizer state take as much again each).</summary>
    public long ParameterBytes { get; }

    /// <summary>Which GEMM ran: cuBLAS or the tiled kernel (the C# packed GEMM on the cpu device).</summary>
    public string GemmPath => OnHost ? "Kiln.Kernels.Gemm (C#, on the host)" : session!.Library.GemmPath ?? "none yet";

    /// <summary>Per-step figures of this device graph.</summary>
    public string Summary
    {
        get
        {
            var sb = new StringBuilder();
            var invariant = CultureInfo.InvariantCulture;
            sb.Append("device: ").Append(Device).Append('\n');
            sb.Append("graph: ").Append(graphName).Append(" (").Append(graph.Programs[programIndex].Name).Append(", ")
              .Append(graph.Programs[programIndex].KernelCount.ToString(invariant)).Append(" fused kernels)\n");
            sb.Append("optimizer: ").Append(optimizer).Append(OnHost ? ", Kiln.Optim on the host\n" : ", one fused device kernel over all parameters\n");
            sb.Append("steps: ").Append(steps.ToString(invariant)).Append('\n');
            sb.Append("kernels launched per step: ").Append(KernelsPerStep.ToString(invariant))
              .Append(OnHost ? " (generated C# kernels)\n" : " (generated and library kernels, gradient memset, optimizer)\n");
            sb.Append("bytes host->device per step: ").Append(BytesToDevicePerStep.ToString("N0", invariant)).Append('\n');
            sb.Append("bytes device->host per step: ").Append(BytesToHostPerStep.ToString("N0", invariant)).Append('\n');
            sb.Append(OnHost ? "arena bytes (host): " : "device arena bytes: ").Append(ArenaBytes.ToString("N0", invariant)).Append('\n');
            if (!OnHost) sb.Append("device parameter bytes: ").Append(ParameterBytes.ToString("N0", invariant)).Append(" (gradients and optimizer state beside them)\n");
            sb.Append("GEMM: ").Append(GemmPath).Append('\n');
            return sb.ToString();
        }
    }

    /// <summary>A host step: zero the gradients, run the graph's ForwardBackward, step Kiln.Optim's optimizer.</summary>
    protected float HostStep(Func<Tensor> forwardBackward)
    {
        hostOptimizer!.ZeroGrad();
        float value = forwardBackward().Item();
        hostOptimizer.Step();
        steps++;
        return value;
    }

    /// <summary>Starts a device step: the per-step counters restart.</summary>
    protected void BeginDeviceStep()
    {
        // Its buffers lived in a Context that a failed compile poisoned and the device has since replaced.
        if (session!.IsPoisoned)
            throw new InvalidOperationException($"{graphName}: the device session this graph was bound to was discarded after a kernel failed to compile; bind it again with To(device, optimizer).");
        stepBytesIn = 0;
        stepBytesOut = 0;
    }

    /// <summary>A bool capture's value for this step (a module's Training flag).</summary>
    protected void SetFlag(int capture, bool value) => step!.Flags[capture] = value ? 1 : 0;

    /// <summary>
    /// Draws this step's seed for a random generator capture (a Dropout's Rng; null: Kiln.Rng.Default, as on the CPU),
    /// so the device masks are reproducible from the generator's seed and advance it once per step.
    /// </summary>
    protected void SetSeed(int capture, Rng? rng) => step!.Seeds[capture] = (rng ?? Rng.Default).NextUInt64();

    protected void CopyIn(int index, Tensor input)
    {
        step!.Inputs[index] = Upload(ref floatInputs[index], input.Data);
        stepBytesIn += (long)input.Count * sizeof(float);
    }

    protected void CopyIn(int index, IntTensor input)
    {
        step!.IntInputs[index] = Upload(ref intInputs[index], input.Data);
        stepBytesIn += (long)input.Count * sizeof(int);
    }

    /// <summary>Copies an input into its device buffer, reallocated only when the input's length changes; returns the view holding it.</summary>
    ArrayView<T> Upload<T>(ref MemoryBuffer1D<T, Stride1D.Dense>? buffer, ReadOnlySpan<T> data) where T : unmanaged
    {
        if (buffer is null || buffer.Length != data.Length)
        {
            buffer?.Dispose();
            buffer = session!.Accelerator.Allocate1D<T>(Math.Max(1, data.Length));
        }
        ArrayView<T> view = ((ArrayView<T>)buffer.View).SubView(0, data.Length);
        view.CopyFromCPU(data);
        return view;
    }

    /// <summary>Runs the program with the arena planned for this binding, then the optimizer; returns the loss.</summary>
    protected float RunDeviceStep(int[] offsets, int[] sizes, ReadOnlySpan<int> symbols)
    {
        var library = session!.Library;
        long launchesBefore = library.Launches;
        long length = 1;
        for (int b = 0; b < offsets.Length; b++) length = Math.Max(length, (long)offsets[b] + sizes[b]);
        if (arena is null || arena.Length < length)
        {
            arena?.Dispose();
            arena = session.Accelerator.Allocate1D<float>(length);
        }
        step!.ArenaView = arena.View;
        step.Offsets = offsets;
        step.Sizes = sizes;
        if (step.Symbols.Length != symbols.Length) step.Symbols = new int[symbols.Length];
        symbols.CopyTo(step.Symbols);
        steps++;
        library.Clear(gradients!.View);
        program!.Run(step);
        optimizer.StepOnDevice(library, parameters!.View, gradients.View, stateViews, steps);
        result!.View.CopyToCPU(loss);
        stepBytesOut = sizeof(float);
        stepLaunches = library.Launches - launchesBefore;
        return loss[0];
    }

    /// <summary>
    /// Copies the model's parameters and the buffers the program updates from the host to the device: after
    /// <c>LoadStateDict</c>/<c>Load</c> on the model (called through its state-sync registration), training resumes from
    /// the loaded values. The optimizer's state stays, as torch's <c>load_state_dict</c> on a model leaves its optimizer's.
    /// </summary>
    void CopyToDevice()
    {
        if (OnHost) return;
        session!.Accelerator.Synchronize();
        foreach (int c in parameterCaptures) step!.Captures[c].CopyFromCPU(captures[c]!.ToArray());
        for (int c = 0; c < buffers.Length; c++)
            if (buffers[c] is { } buffer) buffer.View.CopyFromCPU(captures[c]!.ToArray());
    }

    /// <summary>Writes the device's parameters and updated buffers (and, with <paramref name="gradients"/>, the last step's gradients into Grad) back into the model's tensors.</summary>
    public void SyncToHost(bool gradients = false)
    {
        if (OnHost) return;
        session!.Accelerator.Synchronize();
        foreach (int c in parameterCaptures)
        {
            var tensor = captures[c]!;
            var values = new float[tensor.Count];
            step!.Captures[c].CopyToCPU(values);
            values.CopyTo(tensor.Data);
            if (!gradients) continue;
            step.Gradients[c].CopyToCPU(values);
            tensor.Grad ??= Tensor.Zeros(tensor.Shape);
            values.CopyTo(tensor.Grad.Data);
        }
        // Buffers the program updates in place (BatchNorm's running statistics).
        for (int c = 0; c < buffers.Length; c++)
        {
            if (buffers[c] is not { } buffer) continue;
            var values = new float[captures[c]!.Count];
            buffer.View.CopyToCPU(values);
            values.CopyTo(captures[c]!.Data);
        }
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        lock (boundGraphs)
        {
            UnbindStateSync();
            if (model is not null && boundGraphs.TryGetValue(model, out var bound) && ReferenceEquals(bound, this)) boundGraphs.Remove(model);
        }
        arena?.Dispose();
        parameters?.Dispose();
        gradients?.Dispose();
        one?.Dispose();
        result?.Dispose();
        foreach (var s in state) s?.Dispose();
        foreach (var b in buffers) b?.Dispose();
        foreach (var b in floatInputs) b?.Dispose();
        foreach (var b in intInputs) b?.Dispose();
        GC.SuppressFinalize(this);
    }
}
