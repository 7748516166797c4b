namespace Kiln.Generator.Graph;

/// <summary>
/// The graph's core vocabulary: leaves and the arithmetic, reduction and view ops that the builder, autodiff and
/// the simplifier compose other ops from. Every other op's name is declared beside its rules in Ops/Definitions.
/// </summary>
internal static class OpNames
{
    // Leaves.
    public const string Input = "input";
    public const string Capture = "capture";
    public const string Constant = "constant";
    /// <summary>1 / count for a possibly symbolic element count (mean over N): a scalar known at call time.</summary>
    public const string InvCount = "inv_count";
    /// <summary>count / (count − 1) for a possibly symbolic count: the unbiased-variance factor.</summary>
    public const string UnbiasFactor = "unbias_factor";

    // Arithmetic (with NumPy broadcasting).
    public const string Add = "add";
    public const string Sub = "sub";
    public const string Mul = "mul";
    public const string Div = "div";
    public const string Neg = "neg";
    public const string Square = "square";
    public const string Sqrt = "sqrt";
    /// <summary>select(flag, a, b): a where the call-time flag is set, else b (Training-dependent behaviour).</summary>
    public const string Select = "select_flag";
    public const string BroadcastTo = "broadcast_to";
    public const string Copy = "copy";

    // Reductions and views.
    public const string Sum = "sum";
    public const string Mean = "mean";
    public const string Reshape = "reshape";

    // Loops.
    /// <summary>A leaf of a loop body: one of its slots (<see cref="LoopBody"/>), bound per step by the loop.</summary>
    public const string LoopInput = "loop_input";
    /// <summary>An output of a loop, final or stacked over the steps; its body is <see cref="Node.Body"/>.</summary>
    public const string Scan = "scan";
}
