using System.Collections.Generic;
using Kiln.Generator.Ops;
using Kiln.Generator.Schedule;

namespace Kiln.Generator.Emit;

/// <summary>
/// The backend seam. The host emitter writes the graph class, binds symbols and names storage; a backend owns
/// everything that touches memory or runs work: how storage is declared (buffers, the arena and its slices,
/// scratch), how each kernel of a <see cref="KernelProgram"/> is spelled and launched (fused loops, GEMMs with
/// epilogues, library calls, through its per-op lowering tables), and how the host waits for the kernels. Passes,
/// fusion and memory planning never mention a backend; the pipeline carries the selected one in
/// <see cref="Passes.CompileContext.Backend"/>.
/// </summary>
internal interface IKernelBackend
{
    string Name { get; }

    /// <summary>Declares the locals through which the program's kernels reach its storage.</summary>
    void EmitStorage(CodeWriter writer, IReadOnlyList<StorageBinding> bindings);

    /// <summary>Writes a kernel's statements; the host writes the kernel's description and decides where they go.</summary>
    void EmitKernel(CodeWriter writer, Kernel kernel, KernelProgram program, IStorageNames names);

    /// <summary>Makes every kernel's writes visible to the host before the results are returned.</summary>
    void EmitSynchronize(CodeWriter writer);

    /// <summary>Working memory this backend's kernel for a library op needs besides its output (null: none).</summary>
    Graph.Size? ScratchSize(Graph.Node node);

    /// <summary>
    /// An int expression for a kernel's scratch length when the backend decides it only at run time (given the
    /// kernel's sizes spelled by <paramref name="size"/>); null: the <see cref="ScratchSize"/> the plan used.
    /// </summary>
    string? ScratchLength(Kernel kernel, System.Func<Graph.Size, string> size);

    /// <summary>Whether the backend has a lowering for the op (ops that need none, such as leaves and views, count as lowered).</summary>
    bool Lowers(OpDef op);

    // A scan kernel: the host writes the step loop and binds each step's storage through these; the body's kernels are
    // emitted with EmitKernel inside it.

    /// <summary>Opens the loop over a scan's steps: <paramref name="counter"/> runs from 0 to <paramref name="count"/> − 1.</summary>
    void EmitStepLoop(CodeWriter writer, string counter, string count);

    /// <summary>Declares <paramref name="local"/> as elements [offset, offset + length) of a buffer, to read or to write.</summary>
    void EmitSlice(CodeWriter writer, string local, string buffer, string offset, string length, bool writable);

    /// <summary>Declares <paramref name="local"/> as one of two buffers (or slices of buffers) chosen by a host condition.</summary>
    void EmitChoice(CodeWriter writer, string local, string condition, string whenTrue, string whenFalse, bool writable);

    /// <summary>An expression for elements [offset, offset + length) of a buffer (a choice's operand).</summary>
    string Slice(string buffer, string offset, string length);

    /// <summary>Copies a buffer (or a slice) into another of the same length.</summary>
    void EmitCopy(CodeWriter writer, string from, string to);
}

/// <summary>What a piece of storage is, so the backend can declare it in its own terms.</summary>
internal enum StorageRole
{
    /// <summary>A float input tensor (<see cref="StorageBinding.Source"/>: the parameter).</summary>
    Input,
    /// <summary>An integer input tensor (labels, indices).</summary>
    IntInput,
    /// <summary>A captured parameter or buffer, read (<see cref="StorageBinding.Source"/>: the Tensor local).</summary>
    Capture,
    /// <summary>The result tensor the graph owns (<see cref="StorageBinding.Source"/>: the Tensor expression).</summary>
    Result,
    /// <summary>An integer result the graph owns (ArgMax's indices; <see cref="StorageBinding.Source"/>: an expression for its Span&lt;int&gt;).</summary>
    IntResult,
    /// <summary>A parameter's gradient, accumulated into its Grad (<see cref="StorageBinding.Source"/>: the parameter's Tensor local; <see cref="StorageBinding.Index"/>: its capture).</summary>
    Gradient,
    /// <summary>A captured buffer written in place (BatchNorm's running statistics).</summary>
    Update,
    /// <summary>The arena of this binding (<see cref="StorageBinding.Source"/>: the prepared state).</summary>
    Arena,
    /// <summary>One planned buffer: a slice of the arena at <see cref="StorageBinding.Offset"/> of <see cref="StorageBinding.Length"/> elements.</summary>
    ArenaBuffer,
}

/// <summary>One storage local the kernels use: its name, its role and the host expressions it is bound from.</summary>
internal sealed record StorageBinding(string Local, StorageRole Role, string Source, int Index = 0, string? Offset = null, string? Length = null);

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
