using System.Collections.Generic;
using System.Globalization;
using Kiln.Generator.Emit.CSharp;
using Kiln.Generator.Graph;
using Kiln.Generator.Models;
using Kiln.Generator.Schedule;

namespace Kiln.Generator.Emit.Ilgpu;

/// <summary>
/// How a device program names storage. Host side (inside <c>Run</c>): the <c>DeviceStep</c>'s views and symbols,
/// e.g. <c>step.Arena(3)</c>. Kernel side: fields of the kernel's argument struct, e.g. <c>a.buffer3</c>; every field
/// a kernel body asks for is recorded with the host expression that fills it, so the struct and the launch list
/// exactly what the kernel reads and writes.
/// </summary>
internal sealed class DeviceStorageNames : IDeviceKernelNames
{
    readonly GraphSpec spec;
    readonly KernelProgram program;
    readonly CSharpGraphEmitter host;
    readonly bool kernelSide;
    readonly List<(string Field, string Type, string HostExpression)> fields = new();
    readonly HashSet<string> declared = new();

    DeviceStorageNames(GraphSpec spec, KernelProgram program, CSharpGraphEmitter host, bool kernelSide)
    {
        this.spec = spec;
        this.program = program;
        this.host = host;
        this.kernelSide = kernelSide;
    }

    public static DeviceStorageNames Host(GraphSpec spec, KernelProgram program, CSharpGraphEmitter host) => new(spec, program, host, false);

    public static DeviceStorageNames Kernel(GraphSpec spec, KernelProgram program, CSharpGraphEmitter host) => new(spec, program, host, true);

    /// <summary>The kernel argument struct's fields, in first-use order, with the host expression of each.</summary>
    public IReadOnlyList<(string Field, string Type, string HostExpression)> Fields => fields;

    public const string FloatView = "global::ILGPU.ArrayView<float>";
    public const string IntView = "global::ILGPU.ArrayView<int>";

    public string Buffer(Node node)
    {
        var storage = program.Memory.StorageOf(node);
        string index = storage.Index.ToString(CultureInfo.InvariantCulture);
        return storage.Kind switch
        {
            StorageKind.Input when spec.Inputs[storage.Index].Kind == ValueKind.IntTensor => Name("input" + index, IntView, $"step.IntInput({index})"),
            StorageKind.Input => Name("input" + index, FloatView, $"step.Input({index})"),
            StorageKind.Capture when host.IsTensorCapture(storage.Index) => Name("capture" + index, FloatView, $"step.Capture({index})"),
            // A bool read at each step (a module's Training flag), passed to the kernel as an int.
            StorageKind.Capture when spec.Captures[storage.Index].Kind == CaptureKind.Flag => Name("flag" + index, "int", $"step.Flag({index})"),
            // A random generator: this step's seed, drawn from it on the host.
            StorageKind.Capture when spec.Captures[storage.Index].Kind == CaptureKind.Rng => Name("seed" + index, "ulong", $"step.Seed({index})"),
            StorageKind.Capture => throw new DeviceLoweringException($"it reads '{spec.Captures[storage.Index].Name}', a {spec.Captures[storage.Index].Kind} capture (random numbers stay on the host)"),
            StorageKind.Arena => Name("buffer" + index, FloatView, $"step.Arena({index})"),
            StorageKind.Result when storage.Index == 0 => Name("result", FloatView, "step.Result"),
            StorageKind.Result => throw new DeviceLoweringException("it returns a tuple; a device graph trains on a single loss"),
            StorageKind.Gradient => Name("grad" + index, FloatView, $"step.Gradient({index})"),
            // A buffer updated in place (BatchNorm's running statistics): its device copy, which SyncToHost writes back.
            StorageKind.CaptureUpdate => Name("capture" + index, FloatView, $"step.Capture({index})"),
            _ => throw new DeviceLoweringException($"%{node.Id} {node.Op} is an inline scalar, not a buffer"),
        };
    }

    public string Scratch(Schedule.Kernel kernel)
    {
        string index = program.Memory.Scratch[kernel].ToString(CultureInfo.InvariantCulture);
        return Name("buffer" + index, FloatView, $"step.Arena({index})");
    }

    public string Size(Size size) => CSharpGraphEmitter.Product(size, symbol =>
    {
        string index = host.IndexOfSymbol(symbol).ToString(CultureInfo.InvariantCulture);
        return Name(host.SymbolLocal(symbol), "int", $"step.Symbol({index})");
    });

    public bool Accumulates(Node output) =>
        program.Memory.Storage.TryGetValue(output, out var s) && s.Kind == StorageKind.Gradient;

    string Name(string field, string type, string hostExpression)
    {
        if (!kernelSide) return hostExpression;
        if (declared.Add(field)) fields.Add((field, type, hostExpression));
        return "a." + field;
    }
}

/// <summary>Kernel-side storage names: every field a kernel body asked for, with the host expression that fills it.</summary>
internal interface IDeviceKernelNames : IStorageNames
{
    IReadOnlyList<(string Field, string Type, string HostExpression)> Fields { get; }
}
