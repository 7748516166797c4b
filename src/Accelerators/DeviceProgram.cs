using ILGPU;
using ILGPU.Runtime;

namespace Kiln.Accelerators;

/// <summary>
/// A graph's forward+backward program as the generator spells it for ILGPU: static kernel methods (in
/// <see cref="KernelType"/>) and <see cref="Run"/>, which launches them and the library kernels in the schedule's
/// order on the storage a <see cref="DeviceStep"/> hands it.
/// </summary>
public abstract class DeviceProgram
{
    /// <summary>The program's index among the graph's programs (its arena layout in the graph's description).</summary>
    public abstract int ProgramIndex { get; }

    /// <summary>The type holding the generated kernels (static methods taking Index1D and one argument struct).</summary>
    public abstract Type KernelType { get; }

    public abstract void Run(DeviceStep step);
}

/// <summary>What a generated device program sees during one step: device views of every piece of storage, the bound symbols, the library.</summary>
public sealed class DeviceStep
{
    internal DeviceStep(string graph, DeviceSession session)
    {
        Graph = graph;
        Session = session;
    }

    /// <summary>The graph's name (Namespace.Type.Method), for error messages.</summary>
    public string Graph { get; }

    internal DeviceSession Session { get; }

    public DeviceLibrary Library => Session.Library;

    internal ArrayView<float> ArenaView;
    internal int[] Offsets = Array.Empty<int>();
    internal int[] Sizes = Array.Empty<int>();
    internal int[] Symbols = Array.Empty<int>();
    internal ArrayView<float>[] Inputs = Array.Empty<ArrayView<float>>();
    internal ArrayView<int>[] IntInputs = Array.Empty<ArrayView<int>>();
    internal ArrayView<float>[] Captures = Array.Empty<ArrayView<float>>();
    internal ArrayView<float>[] Gradients = Array.Empty<ArrayView<float>>();
    internal ArrayView<float> ResultView;
    internal ArrayView<float> OneView;

    /// <summary>Arena buffer <paramref name="index"/> of the memory plan.</summary>
    public ArrayView<float> Arena(int index) => ArenaView.SubView(Offsets[index], Sizes[index]);

    public ArrayView<float> Input(int index) => Inputs[index];
    public ArrayView<int> IntInput(int index) => IntInputs[index];
    public ArrayView<float> Capture(int index) => Captures[index];
    public ArrayView<float> Gradient(int index) => Gradients[index];
    public ArrayView<float> Result => ResultView;

    /// <summary>A one-element view holding 1: the upstream gradient of a library kernel whose scale is a constant.</summary>
    public ArrayView<float> One => OneView;

    public int Symbol(int index) => Symbols[index];

    internal int[] Flags = Array.Empty<int>();

    /// <summary>A bool capture (a module's Training flag) as read at this step: 1 or 0.</summary>
    public int Flag(int index) => Flags[index];

    internal ulong[] Seeds = Array.Empty<ulong>();

    /// <summary>A random generator capture (a Dropout's Rng) as read at this step: one seed drawn from it per step.</summary>
    public ulong Seed(int index) => Seeds[index];

    /// <summary>Threads of the one group a generated full reduction runs in (its shared-memory tree holds 256).</summary>
    public const int ReductionGroup = 256;

    /// <summary>
    /// Launches a generated explicitly grouped kernel (a loop reduced to scalars) as one group of up to
    /// <see cref="ReductionGroup"/> threads, which stride over the elements and combine their sums in shared memory.
    /// </summary>
    public void LaunchGroup<TArgs>(Action<TArgs> kernel, TArgs args) where TArgs : struct
    {
        var loaded = Session.Explicit(kernel.Method, Graph, () => Session.Accelerator.LoadKernel(kernel));
        int threads = Math.Min(ReductionGroup, Session.Accelerator.MaxNumThreadsPerGroup);
        Library.Counted();
        loaded(Session.Stream, new KernelConfig(1, threads), args);
    }

    /// <summary>Launches a generated kernel over <paramref name="extent"/> threads (loaded once per accelerator).</summary>
    public void Launch<TArgs>(Action<Index1D, TArgs> kernel, int extent, TArgs args) where TArgs : struct
    {
        if (extent <= 0) return;
        var loaded = Session.Grouped1D(kernel, Graph);
        Library.Counted();
        loaded(Session.Stream, extent, args);
    }
}
