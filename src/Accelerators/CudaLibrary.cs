using System.Reflection;
using System.Runtime.InteropServices;

namespace Kiln.Accelerators;

/// <summary>
/// ILGPU asks for the unversioned <c>libcuda.so</c>, which only the driver's development package installs; machines
/// with just the driver have <c>libcuda.so.1</c> and would report no CUDA device. This maps ILGPU's "cuda" import to
/// whichever of the two loads.
/// </summary>
internal static class CudaLibrary
{
    static readonly string[] Candidates = { "libcuda.so", "libcuda.so.1" };
    static int mapped;

    public static void MapDriverLibrary()
    {
        if (!OperatingSystem.IsLinux() || IsWsl() || Interlocked.Exchange(ref mapped, 1) == 1) return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(ILGPU.Context).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // A resolver is already set for ILGPU (by the host application or ILGPU itself): leave it in charge.
        }
    }

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != "cuda" && name != "libcuda.so") return IntPtr.Zero;
        foreach (var candidate in Candidates)
            if (NativeLibrary.TryLoad(candidate, out var handle)) return handle;
        return IntPtr.Zero;
    }

    /// <summary>What was looked for and what was found, for the message when there is no CUDA device.</summary>
    public static string Describe()
    {
        var found = new List<string>();
        foreach (var candidate in Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                found.Add(candidate + " loads");
                NativeLibrary.Free(handle);
            }
            else found.Add(candidate + " not found");
        }
        return string.Join(", ", found);
    }

    static bool IsWsl() => File.Exists("/proc/sys/fs/binfmt_misc/WSLInterop");
}
