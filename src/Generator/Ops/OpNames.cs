using System.Globalization;
using System.Linq;

namespace Kiln.Generator.Graph;

/// <summary>The op vocabulary: the spec's public ops plus the internal ops that autodiff and decompositions introduce.</summary>
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
    /// <summary>select(flag, a, b): a where the call-time flag is set, else b (Training-dependent behaviour).</summary>
    public const string Select = "select_flag";

    // Internal ops.
    public const string BroadcastTo = "broadcast_to";
    public const string ReluBackward = "relu_backward";
    public const string ClampBackward = "clamp_backward";
    public const string Sign = "sign";
    public const string Copy = "copy";
    public const string SoftmaxBackward = "softmax_backward";
    public const string CrossEntropyBackward = "cross_entropy_backward";
    public const string NarrowBackward = "narrow_backward";
    public const string Conv2dBackwardInput = "conv2d_backward_input";
    public const string Conv2dBackwardWeight = "conv2d_backward_weight";
    public const string MaxPool2dBackward = "max_pool2d_backward";
    public const string AvgPool2dBackward = "avg_pool2d_backward";
    /// <summary>The inverted-dropout mask (1/(1−p) or 0 per element), drawn at call time when the Training flag is set, else all ones.</summary>
    public const string DropoutMask = "dropout_mask";
    public const string EmbeddingBackward = "embedding_backward";
    public const string MaxBackward = "max_backward";

    /// <summary>The runtime's op name for messages: matmul → MatMul, log_softmax → LogSoftmax.</summary>
    public static string Display(string op) => op switch
    {
        "matmul" => "MatMul",
        "mse_loss" => "MseLoss",
        _ => string.Concat(op.Split('_').Where(p => p.Length > 0).Select(p => char.ToUpper(p[0], CultureInfo.InvariantCulture) + p.Substring(1))),
    };
}
