using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops;

namespace Kiln.Generator.Schedule;

/// <summary>Checks a schedule: every non-leaf, non-view node is computed by exactly one kernel, and before any kernel reads it.</summary>
internal static class KernelVerifier
{
    public static void Verify(GraphProgram program, IReadOnlyList<Kernel> kernels)
    {
        var computedBy = new Dictionary<Node, int>();
        foreach (var k in kernels)
            foreach (var n in k.Computed)
            {
                if (computedBy.ContainsKey(n)) throw new InvalidOperationException($"kernel verifier: %{n.Id} is computed by kernels {computedBy[n]} and {k.Index}");
                computedBy[n] = k.Index;
            }
        foreach (var n in program.Nodes())
        {
            var cls = OpRegistry.ClassOf(n);
            if (cls is OpClass.Leaf or OpClass.View) continue;
            if (!computedBy.ContainsKey(n)) throw new InvalidOperationException($"kernel verifier: %{n.Id} {n.Op} is computed by no kernel");
        }
        foreach (var k in kernels)
            foreach (var r in k.Reads)
            {
                var root = Passes.Fusion.StorageRoot(r);
                if (computedBy.TryGetValue(root, out int producer) && producer >= k.Index)
                    throw new InvalidOperationException($"kernel verifier: kernel {k.Index} reads %{root.Id} before kernel {producer} computes it");
            }
    }
}
