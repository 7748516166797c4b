using System.Collections.Generic;
using System.Linq;

namespace Kiln.Generator.Passes;

/// <summary>
/// A program is the set of nodes its outputs reach, so dead code never enters a program. This pass names what
/// was dropped — the spec ops whose values the result does not depend on — for the Summary and for tests.
/// Ops with side effects (batch_norm's running statistics) are never dead.
/// </summary>
internal static class DeadCode
{
    public static IReadOnlyList<int> DeadSpecOps(CompileContext context)
    {
        var spec = context.Spec;
        int first = spec.Inputs.Count + spec.Captures.Count;
        var live = new HashSet<int>();
        var stack = new Stack<int>(new[] { spec.Result }.Concat(spec.MoreResults)
            .Concat(Enumerable.Range(0, spec.Ops.Count).Where(i => spec.Ops[i].Op == Ops.Definitions.Normalization.BatchNorm).Select(i => first + i)));
        while (stack.Count > 0)
        {
            int value = stack.Pop();
            if (value < first || !live.Add(value)) continue;
            foreach (int arg in spec.Ops[value - first].Args) stack.Push(arg);
        }
        return Enumerable.Range(0, spec.Ops.Count).Where(i => !live.Contains(first + i)).ToList();
    }
}
