using System.Collections.Generic;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops;

/// <summary>How an op is scheduled, independent of any backend.</summary>
internal enum OpClass
{
    /// <summary>Inputs, captures, constants: no kernel.</summary>
    Leaf,
    /// <summary>One output element from the same-index elements of its (broadcast) operands: fuses into loops.</summary>
    Elementwise,
    /// <summary>Sum/mean over a contiguous range of dimensions: a loop that absorbs elementwise producers.</summary>
    Reduction,
    /// <summary>A matrix product through the shared GEMM; takes an elementwise epilogue.</summary>
    Gemm,
    /// <summary>A kernel of the runtime's library (softmax, cross-entropy, layout copies).</summary>
    Library,
    /// <summary>Reinterprets its input's contiguous buffer: no kernel, no memory.</summary>
    View,
}

/// <summary>The lowering table: which kind of kernel computes each primitive op.</summary>
internal static class OpClasses
{
    static readonly Dictionary<string, OpClass> Classes = new()
    {
        [OpNames.Input] = OpClass.Leaf, [OpNames.Capture] = OpClass.Leaf, [OpNames.Constant] = OpClass.Leaf, [OpNames.InvCount] = OpClass.Leaf, [OpNames.UnbiasFactor] = OpClass.Leaf,
        [OpNames.Select] = OpClass.Elementwise,
        ["add"] = OpClass.Elementwise, ["sub"] = OpClass.Elementwise, ["mul"] = OpClass.Elementwise, ["div"] = OpClass.Elementwise,
        ["neg"] = OpClass.Elementwise, ["exp"] = OpClass.Elementwise, ["log"] = OpClass.Elementwise, ["square"] = OpClass.Elementwise,
        ["sqrt"] = OpClass.Elementwise, ["abs"] = OpClass.Elementwise, ["sigmoid"] = OpClass.Elementwise, ["tanh"] = OpClass.Elementwise,
        ["relu"] = OpClass.Elementwise, ["pow"] = OpClass.Elementwise, ["clamp"] = OpClass.Elementwise,
        [OpNames.Sign] = OpClass.Elementwise, [OpNames.Copy] = OpClass.Elementwise, [OpNames.BroadcastTo] = OpClass.Elementwise,
        [OpNames.ReluBackward] = OpClass.Elementwise, [OpNames.ClampBackward] = OpClass.Elementwise,
        ["sum"] = OpClass.Reduction, ["mean"] = OpClass.Reduction,
        ["matmul"] = OpClass.Gemm,
        ["greater_than"] = OpClass.Elementwise,
        ["max"] = OpClass.Library, [OpNames.MaxBackward] = OpClass.Library,
        ["softmax"] = OpClass.Library, ["log_softmax"] = OpClass.Library, [OpNames.SoftmaxBackward] = OpClass.Library,
        ["cross_entropy"] = OpClass.Library, [OpNames.CrossEntropyBackward] = OpClass.Library,
        ["transpose"] = OpClass.Library, ["concat"] = OpClass.Library, ["narrow"] = OpClass.Library, [OpNames.NarrowBackward] = OpClass.Library,
        ["conv2d"] = OpClass.Library, [OpNames.Conv2dBackwardInput] = OpClass.Library, [OpNames.Conv2dBackwardWeight] = OpClass.Library,
        ["max_pool2d"] = OpClass.Library, [OpNames.MaxPool2dBackward] = OpClass.Library,
        ["avg_pool2d"] = OpClass.Library, [OpNames.AvgPool2dBackward] = OpClass.Library,
        [OpNames.DropoutMask] = OpClass.Library,
        ["embedding"] = OpClass.Library, [OpNames.EmbeddingBackward] = OpClass.Library,
        ["reshape"] = OpClass.View,
    };

    public static bool IsPrimitive(string op) => Classes.ContainsKey(op);

    public static OpClass Of(Node node) => Classes.TryGetValue(node.Op, out var c) ? c : throw new KeyNotFoundException($"no lowering for op '{node.Op}'");

    /// <summary>Library ops whose kernel can add into its output, so a parameter's Grad can be its destination.</summary>
    public static bool CanAccumulate(Node node) => node.Op is OpNames.Conv2dBackwardWeight or OpNames.EmbeddingBackward;

    public static bool IsElementwise(Node node) => Classes.TryGetValue(node.Op, out var c) && c == OpClass.Elementwise;
}
