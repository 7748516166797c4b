using Kiln.Generator.Schedule;

namespace Kiln.Generator.Emit;

/// <summary>
/// The backend seam: a backend spells the kernels of a <see cref="KernelProgram"/> (fused loops, GEMMs with
/// epilogues, library calls) in its language. The C# backend is the first; a CUDA C backend implements the same
/// interface over the same kernels, which is why fusion and memory planning never mention the CPU.
/// </summary>
internal interface IKernelBackend
{
    string Name { get; }

    void EmitKernel(CodeWriter writer, Kernel kernel, KernelProgram program, IStorageNames names);

    /// <summary>Working memory this backend's kernel for a library op needs besides its output (null: none).</summary>
    Graph.Size? ScratchSize(Graph.Node node);

    /// <summary>
    /// An int expression for a kernel's scratch length when the backend decides it only at run time (given the
    /// kernel's sizes spelled by <paramref name="size"/>); null: the <see cref="ScratchSize"/> the plan used.
    /// </summary>
    string? ScratchLength(Schedule.Kernel kernel, System.Func<Graph.Size, string> size);
}

/// <summary>How the host code names storage and sizes; the backend asks, it does not decide.</summary>
internal interface IStorageNames
{
    /// <summary>The expression for the buffer holding <paramref name="node"/>'s value (views resolve to their input's).</summary>
    string Buffer(Graph.Node node);

    /// <summary>The scratch buffer of a library kernel that needs one.</summary>
    string Scratch(Schedule.Kernel kernel);

    /// <summary>An int expression for a (possibly symbolic) size.</summary>
    string Size(Graph.Size size);

    /// <summary>Whether the kernel must add into this output (a parameter's Grad) rather than overwrite it.</summary>
    bool Accumulates(Graph.Node output);
}
