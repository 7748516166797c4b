using Kiln.Generator.Graph;
using Kiln.Generator.Ops;

namespace Kiln.Generator.Emit;

/// <summary>
/// Scalar operands of a fused loop that every backend writes as a float expression instead of reading a buffer per
/// element: a constant, 1/count, the unbiased-variance factor, or a flag; any other scalar reads its buffer's first element.
/// </summary>
internal static class ScalarOperands
{
    /// <summary>The operand's value is known from the graph (a literal or a size expression), not stored.</summary>
    public static bool IsComputed(Node operand) =>
        Passes.Fusion.StorageRoot(operand).Op is OpNames.Constant or OpNames.InvCount or OpNames.UnbiasFactor;

    /// <summary>The operand is read once per kernel as a scalar local rather than once per element.</summary>
    public static bool IsInline(Node operand) => IsComputed(operand) || operand.Type == ElementType.Flag;

    /// <summary>A scalar operand as a float expression: a literal, 1/count, the unbias factor, or the first element of its buffer.</summary>
    public static string Expression(Node operand, IStorageNames names) => Passes.Fusion.StorageRoot(operand) switch
    {
        var n when n.Op == OpNames.Constant => CSharp.CSharpElementwise.Literal(n.ConstantValue),
        var n when n.Op == OpNames.InvCount => $"(1f / {names.Size(Size.Parse(n.Attrs.Text("count")!))})",
        var n when n.Op == OpNames.UnbiasFactor => $"((float){names.Size(Size.Parse(n.Attrs.Text("count")!))} / ({names.Size(Size.Parse(n.Attrs.Text("count")!))} - 1))",
        var n => $"{names.Buffer(n)}[0]",
    };
}
