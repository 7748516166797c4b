using System;

namespace Kiln.Generator.Emit.Ilgpu;

/// <summary>
/// The ILGPU backend cannot lower something in a graph (an op without a device lowering, a
/// tuple result). Caught by <see cref="IlgpuDeviceEmitter"/>: that graph gets no device program, and binding it to an
/// ILGPU device throws at run time with <see cref="Exception.Message"/>, which names the op.
/// </summary>
internal sealed class DeviceLoweringException : Exception
{
    public DeviceLoweringException(string message) : base(message) { }
}
