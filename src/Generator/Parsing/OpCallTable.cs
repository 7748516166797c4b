using System.Collections.Generic;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops.Definitions;

namespace Kiln.Generator.Parsing;

/// <summary>
/// The parser's one table from the C# a user writes to graph ops: Kiln.Ops functions (and the Tensor methods that
/// forward to them) by name, with the attribute names their non-tensor parameters become. A function missing here
/// still reaches the compiler under its snake-case name, which reports it as unsupported.
/// </summary>
internal static class OpCallTable
{
    static readonly Dictionary<string, string> Functions = new()
    {
        ["Add"] = OpNames.Add, ["Sub"] = OpNames.Sub, ["Mul"] = OpNames.Mul, ["Div"] = OpNames.Div, ["Neg"] = OpNames.Neg,
        ["Exp"] = MathOps.Exp, ["Log"] = MathOps.Log, ["Square"] = OpNames.Square, ["Sqrt"] = OpNames.Sqrt, ["Abs"] = MathOps.Abs,
        ["Sigmoid"] = MathOps.Sigmoid, ["Tanh"] = MathOps.Tanh, ["Pow"] = MathOps.Pow, ["Clamp"] = MathOps.Clamp, ["GreaterThan"] = MathOps.GreaterThan,
        ["Relu"] = Activations.Relu, ["LeakyRelu"] = Activations.LeakyRelu, ["Gelu"] = Activations.Gelu,
        ["Softplus"] = Activations.Softplus, ["Elu"] = Activations.Elu, ["Silu"] = Activations.Silu,
        ["Sum"] = OpNames.Sum, ["Mean"] = OpNames.Mean, ["Max"] = Reductions.Max, ["MseLoss"] = Reductions.MseLoss,
        ["MatMul"] = LinearAlgebra.MatMul, ["Mm"] = LinearAlgebra.MatMul, ["Linear"] = LinearAlgebra.Linear, ["Dot"] = LinearAlgebra.Dot,
        ["Softmax"] = Probabilities.Softmax, ["LogSoftmax"] = Probabilities.LogSoftmax, ["CrossEntropy"] = Probabilities.CrossEntropy,
        ["Reshape"] = OpNames.Reshape, ["View"] = OpNames.Reshape, ["Flatten"] = Layout.Flatten, ["Unsqueeze"] = Layout.Unsqueeze,
        ["Squeeze"] = Layout.Squeeze, ["Transpose"] = Layout.Transpose, ["Permute"] = Layout.Permute, ["Concat"] = Layout.Concat,
        ["Stack"] = Layout.Stack, ["Narrow"] = Layout.Narrow, ["Select"] = Layout.Select, ["Chunk"] = Layout.Chunk,
        ["Conv1d"] = Convolution.Conv1d, ["Conv2d"] = Convolution.Conv2d, ["MaxPool1d"] = Convolution.MaxPool1d, ["MaxPool2d"] = Convolution.MaxPool2d,
        ["AvgPool1d"] = Convolution.AvgPool1d, ["AvgPool2d"] = Convolution.AvgPool2d,
        ["LayerNorm"] = Normalization.LayerNorm, ["BatchNorm"] = Normalization.BatchNorm, ["Dropout"] = Normalization.Dropout,
        ["Embedding"] = Embedding.Lookup,
    };

    /// <summary>The Kiln.Ops function a Tensor method forwards to (x.Mm(w) is Ops.MatMul(x, w)).</summary>
    public static string OpsFunctionOf(string tensorMethod) => tensorMethod switch { "Mm" => "MatMul", "View" => "Reshape", _ => tensorMethod };

    /// <summary>The transpose op that Tensor.T() is.</summary>
    public const string MatrixTranspose = Layout.Transpose;

    public static string OpOf(string function) => Functions.TryGetValue(function, out var op) ? op : AttrText.SnakeCase(function);

    /// <summary>The attribute a non-tensor parameter becomes (snake case, with a few spec names).</summary>
    public static string AttrName(string function, string parameterName) => (function, parameterName) switch
    {
        ("Sum" or "Mean", "dim") => "dims",
        ("Reshape", _) => "shape",
        (_, "kernelSize") => "kernel",
        _ => AttrText.SnakeCase(parameterName),
    };
}
