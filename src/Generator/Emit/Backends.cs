using System;
using Kiln.Generator.Models;

namespace Kiln.Generator.Emit;

/// <summary>The backends by kind: the one place that maps a <see cref="BackendKind"/> to its implementation.</summary>
internal static class Backends
{
    public static IKernelBackend For(BackendKind kind) => kind switch
    {
        BackendKind.CSharp => new CSharp.CSharpBackend(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such backend"),
    };
}
