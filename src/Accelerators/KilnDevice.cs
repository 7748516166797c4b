using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Kiln.Accelerators;

/// <summary>Where a compiled graph runs: chosen once, then handed to <c>graph.To(device, optimizer)</c>.</summary>
public enum DeviceKind
{
    /// <summary>Kiln's native CPU kernels (the generated C#), no ILGPU involved.</summary>
    Cpu,
    /// <summary>ILGPU's CPU accelerator: a simulator that runs every GPU thread as an OS thread. For tests and debugging only.</summary>
    IlgpuCpu,
    /// <summary>An NVIDIA GPU through ILGPU's CUDA backend.</summary>
    Cuda,
}

/// <summary>
/// A device users pick once. The ILGPU kinds own one ILGPU <see cref="Context"/> and accelerator (a
/// <see cref="DeviceSession"/>), created at first use and recreated after a kernel failed to compile (a failed
/// compile poisons its Context). <see cref="Cpu"/> runs the graph's generated C# kernels.
/// </summary>
public sealed class KilnDevice : IDisposable
{
    readonly object gate = new();
    DeviceSession? session;

    KilnDevice(DeviceKind kind) => Kind = kind;

    /// <summary>The native CPU backend (the generated C# kernels and Kiln.Optim on the host).</summary>
    public static KilnDevice Cpu { get; } = new(DeviceKind.Cpu);

    /// <summary>ILGPU's CPU accelerator (32 threads a warp, 8 warps: 256 threads a group, so GEMM's 16×16 tiles fit).</summary>
    public static KilnDevice IlgpuCpu { get; } = new(DeviceKind.IlgpuCpu);

    /// <summary>The first CUDA device through ILGPU; <see cref="Session"/> throws <see cref="DeviceUnavailableException"/> when there is none.</summary>
    public static KilnDevice Cuda { get; } = new(DeviceKind.Cuda);

    public DeviceKind Kind { get; }

    public bool IsIlgpu => Kind != DeviceKind.Cpu;

    /// <summary>The device for a command-line name: cpu, ilgpu-cpu or cuda.</summary>
    public static KilnDevice Parse(string name) => name.ToLowerInvariant() switch
    {
        "cpu" => Cpu,
        "ilgpu-cpu" => IlgpuCpu,
        "cuda" => Cuda,
        _ => throw new ArgumentException($"Unknown device '{name}': expected cpu, ilgpu-cpu or cuda.", nameof(name)),
    };

    public override string ToString() => Kind switch
    {
        DeviceKind.Cpu => "cpu (native C# kernels)",
        DeviceKind.IlgpuCpu => "ilgpu-cpu (ILGPU CPU accelerator, a simulator)",
        _ => session is { } s ? $"cuda ({s.Accelerator.Name})" : "cuda",
    };

    /// <summary>The live ILGPU context and accelerator of this device, created on first use (and after a failure discarded the last one).</summary>
    public DeviceSession Session
    {
        get
        {
            if (!IsIlgpu) throw new InvalidOperationException("The cpu device runs the generated C# kernels; it has no ILGPU session.");
            lock (gate)
            {
                if (session is { IsPoisoned: false }) return session;
                session?.Dispose();
                session = Create();
                return session;
            }
        }
    }

    DeviceSession Create()
    {
        if (Kind == DeviceKind.IlgpuCpu)
        {
            var context = Context.Create(builder => builder.CPU(new CPUDevice(32, 8, 1)).EnableAlgorithms());
            return new DeviceSession(this, context, context.CreateCPUAccelerator(0));
        }
        CudaLibrary.MapDriverLibrary();
        Context? cuda = null;
        try
        {
            cuda = Context.Create(builder => builder.Cuda().EnableAlgorithms());
            int devices = cuda.GetCudaDevices().Count;
            if (devices == 0)
                throw new DeviceUnavailableException(
                    $"No CUDA device: ILGPU found 0 CUDA devices (it loads the NVIDIA driver library as libcuda.so, mapped to libcuda.so.1; {CudaLibrary.Describe()}).");
            var accelerator = cuda.CreateCudaAccelerator(0);
            var created = new DeviceSession(this, cuda, accelerator);
            cuda = null;
            return created;
        }
        catch (Exception e) when (e is not DeviceUnavailableException)
        {
            throw new DeviceUnavailableException($"No usable CUDA device: {e.GetType().Name}: {e.Message} ({CudaLibrary.Describe()}).", e);
        }
        finally
        {
            cuda?.Dispose();
        }
    }

    /// <summary>Drops the current session (after a failed compile); the next use creates a fresh Context.</summary>
    internal void Discard(DeviceSession failed)
    {
        lock (gate)
        {
            if (!ReferenceEquals(session, failed)) return;
            session = null;
        }
        failed.Dispose();
    }

    public void Dispose()
    {
        lock (gate)
        {
            session?.Dispose();
            session = null;
        }
    }
}

/// <summary>The device asked for is not there (no CUDA driver, no CUDA device).</summary>
public sealed class DeviceUnavailableException : Exception
{
    public DeviceUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}
