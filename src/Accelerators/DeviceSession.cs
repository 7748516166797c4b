using System.Reflection;
using ILGPU;
using ILGPU.Runtime;

namespace Kiln.Accelerators;

/// <summary>
/// One ILGPU <see cref="Context"/> and accelerator with its kernel cache: each kernel is compiled and loaded once per
/// accelerator. A kernel that fails to compile raises <see cref="DeviceKernelException"/> naming the graph and the
/// kernel, and poisons this session (ILGPU's Context is unusable after a failed compile): the device creates a fresh
/// one at its next use.
/// </summary>
public sealed class DeviceSession : IDisposable
{
    readonly KilnDevice device;
    readonly Dictionary<(MethodInfo Kernel, bool Grouped), Delegate> kernels = new();
    bool disposed;

    internal DeviceSession(KilnDevice device, Context context, Accelerator accelerator)
    {
        this.device = device;
        Context = context;
        Accelerator = accelerator;
        Library = new DeviceLibrary(this);
    }

    public Context Context { get; }
    public Accelerator Accelerator { get; }
    public AcceleratorStream Stream => Accelerator.DefaultStream;

    /// <summary>The hand-written kernels the generated programs call for GEMM, softmax, cross-entropy, ... and the optimizers.</summary>
    public DeviceLibrary Library { get; }

    /// <summary>Set when a kernel failed to compile: every later compile in this Context would fail too.</summary>
    public bool IsPoisoned { get; private set; }

    /// <summary>Kernels compiled and loaded so far (each once).</summary>
    public int LoadedKernels => kernels.Count;

    /// <summary>An implicitly grouped kernel <c>static void K(Index1D, TArgs)</c>, loaded on first use.</summary>
    public Action<AcceleratorStream, Index1D, TArgs> Grouped1D<TArgs>(Action<Index1D, TArgs> kernel, string graph) where TArgs : struct =>
        (Action<AcceleratorStream, Index1D, TArgs>)Load(kernel.Method, false, graph, () => Accelerator.LoadAutoGroupedKernel(kernel));

    /// <summary>An explicitly grouped kernel (shared memory, barriers), loaded on first use.</summary>
    internal TDelegate Explicit<TDelegate>(MethodInfo kernel, string graph, Func<TDelegate> load) where TDelegate : Delegate =>
        (TDelegate)Load(kernel, true, graph, load);

    Delegate Load(MethodInfo kernel, bool grouped, string graph, Func<Delegate> load)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (IsPoisoned) throw new InvalidOperationException($"{graph}: this device session was discarded after a kernel failed to compile; create the device graph again.");
        if (kernels.TryGetValue((kernel, grouped), out var loaded)) return loaded;
        try
        {
            loaded = load();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            IsPoisoned = true;
            device.Discard(this);
            throw new DeviceKernelException(graph, KernelName(kernel), e);
        }
        kernels.Add((kernel, grouped), loaded);
        return loaded;
    }

    internal static string KernelName(MethodInfo kernel) => (kernel.DeclaringType is { } t ? t.Name + "." : "") + kernel.Name;

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        kernels.Clear();
        Library.Dispose();
        Accelerator.Dispose();
        Context.Dispose();
    }
}

/// <summary>ILGPU could not compile a kernel: names the graph and the kernel, with ILGPU's reason inside.</summary>
public sealed class DeviceKernelException : Exception
{
    public DeviceKernelException(string graph, string kernel, Exception inner)
        : base($"{graph}: ILGPU failed to compile kernel {kernel}: {inner.GetType().Name}: {inner.Message}", inner)
    {
        Graph = graph;
        Kernel = kernel;
    }

    public string Graph { get; }
    public string Kernel { get; }
}
