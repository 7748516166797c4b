using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops.Definitions;

namespace Kiln.Generator.Ops;

/// <summary>
/// The op registry: every op the compiler knows, one <see cref="OpDef"/> each, gathered from the definition files
/// (one per op family, in Ops/Definitions). Passes look ops up here and nowhere else.
/// </summary>
internal static class OpRegistry
{
    static readonly Dictionary<string, OpDef> Table = Build();

    static Dictionary<string, OpDef> Build()
    {
        var table = new Dictionary<string, OpDef>();
        foreach (var def in Leaves.Definitions()
            .Concat(Arithmetic.Definitions())
            .Concat(MathOps.Definitions())
            .Concat(Activations.Definitions())
            .Concat(Reductions.Definitions())
            .Concat(LinearAlgebra.Definitions())
            .Concat(Probabilities.Definitions())
            .Concat(Layout.Definitions())
            .Concat(Convolution.Definitions())
            .Concat(ConvReluPool.Definitions())
            .Concat(Normalization.Definitions())
            .Concat(Embedding.Definitions())
            .Concat(Loops.Definitions())
            .Concat(CustomFunction.Definitions()))
            table.Add(def.Name, def);
        return table;
    }

    public static IEnumerable<OpDef> All => Table.Values.OrderBy(d => d.Name, System.StringComparer.Ordinal);

    public static bool IsKnown(string op) => Table.ContainsKey(op);

    /// <summary>The op's declaration; an op nobody declared fails loudly with its name.</summary>
    public static OpDef Get(string op) => Table.TryGetValue(op, out var def) ? def : throw new MissingRuleError(op, "declaration in the op registry");

    public static bool TryGet(string op, out OpDef def) => Table.TryGetValue(op, out def!);

    public static OpClass ClassOf(Node node) => Get(node.Op).Class;

    public static bool IsElementwise(Node node) => TryGet(node.Op, out var def) && def.Class == OpClass.Elementwise;

    /// <summary>The runtime's op name for messages: max_pool2d → MaxPool2d, mse_loss → MseLoss.</summary>
    public static string Display(string op) => TryGet(op, out var def) && def.Display.Length > 0
        ? def.Display
        : string.Concat(op.Split('_').Where(p => p.Length > 0).Select(p => char.ToUpper(p[0], CultureInfo.InvariantCulture) + p.Substring(1)));
}
