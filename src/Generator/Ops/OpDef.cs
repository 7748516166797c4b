using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops;

/// <summary>How an op is scheduled, independent of any backend.</summary>
internal enum OpClass
{
    /// <summary>Inputs, captures, constants: no kernel.</summary>
    Leaf,
    /// <summary>One output element from the same-index elements of its (broadcast) operands: fuses into loops.</summary>
    Elementwise,
    /// <summary>Sum/mean over a set of dimensions: a loop that absorbs elementwise producers.</summary>
    Reduction,
    /// <summary>A matrix product through the backend's GEMM; takes an elementwise epilogue.</summary>
    Gemm,
    /// <summary>A kernel of the backend's library (normalisation, losses, layout copies, convolution).</summary>
    Library,
    /// <summary>Reinterprets its input's contiguous buffer: no kernel, no memory.</summary>
    View,
    /// <summary>A spec-level op the compiler rewrites into primitives before any pass sees it (linear, layer_norm).</summary>
    Composite,
    /// <summary>An output of a loop (scan): its body, a subgraph, is scheduled as a program of its own and run once per step.</summary>
    Loop,
    /// <summary>
    /// Stands for its first input while it carries a rule for a pass (a custom Function's Backward as its gradient), and
    /// is erased before scheduling (<see cref="Passes.CustomFunctions"/>): it never becomes a kernel, so no backend lowers it.
    /// </summary>
    Annotation,
}

internal delegate Shape ShapeRule(IReadOnlyList<Node> inputs, Attrs attrs, string display);

/// <summary>Gradient of each input (null: none flows, e.g. labels) built from other graph ops.</summary>
internal delegate Node?[] VjpRule(VjpContext c);

/// <summary>Rewrites a spec-level op into primitives (after its shape rule has checked it).</summary>
internal delegate Node Decomposition(GraphBuilder b, IReadOnlyList<Node> inputs, Attrs attrs);

/// <summary>The interpreter's semantics of a primitive: its value from its inputs' values (the build-time oracle).</summary>
internal delegate float[] Evaluation(Interpreter interpreter, Node node);

/// <summary>A scalar elementwise op applied to constant operands (constant folding).</summary>
internal delegate float ScalarFold(float[] operands, Attrs attrs);

/// <summary>
/// A slice that a fused loop reads in place from its source's buffer: the element offset of its first element and
/// its source's stride along each of the loop body's dimensions.
/// </summary>
internal delegate (Size Offset, Size[] Strides) InPlaceRead(Node view, Shape bodyShape);

/// <summary>
/// A library op that can compute a second op's value in the same pass: the kernel computing this op also computes
/// <see cref="Op"/> when it has the same first <see cref="SharedInputs"/> inputs (<see cref="AllInputs"/>: the same
/// inputs and attributes) and this op's input <see cref="LeafInput"/>, if any, is a leaf (known before either runs).
/// Cross-entropy's gradient with its loss; the fused convolution + ReLU + max-pool's argmax with its pooled value.
/// </summary>
internal sealed record SharedPass(string Op, int SharedInputs, int? LeafInput)
{
    /// <summary>Both ops read exactly the same inputs with the same attributes.</summary>
    public const int AllInputs = -1;

    /// <summary>Whether <paramref name="other"/> (an <see cref="Op"/> node) is computed by the pass of <paramref name="node"/>.</summary>
    public bool Shares(Node node, Node other)
    {
        if (other.Op != Op) return false;
        if (SharedInputs == AllInputs)
            return other.Attrs.Equals(node.Attrs) && other.Inputs.Length == node.Inputs.Length && other.Inputs.SequenceEqual(node.Inputs);
        return other.Inputs.Length >= SharedInputs && Enumerable.Range(0, SharedInputs).All(i => other.Inputs[i] == node.Inputs[i]);
    }
}

/// <summary>
/// Everything the compiler knows about one op, declared once: its name, arity, shape rule, gradient (VJP), the
/// interpreter's semantics, constant folding, its decomposition (composite ops), its scheduling class and the
/// traits fusion reads. Backends keep their lowerings in their own tables, keyed by <see cref="Name"/>. A pass
/// that needs a rule the op lacks gets a <see cref="MissingRuleError"/> naming both.
/// </summary>
internal sealed class OpDef
{
    public OpDef(string name, OpClass @class)
    {
        Name = name;
        Class = @class;
    }

    public string Name { get; }
    public OpClass Class { get; }

    /// <summary>Operand count bounds (null: unbounded); checked before the shape rule runs.</summary>
    public int MinInputs { get; init; }
    public int? MaxInputs { get; init; }

    public ShapeRule? Shape { get; init; }
    public VjpRule? Gradient { get; init; }
    public Decomposition? Decompose { get; init; }
    public Evaluation? Evaluate { get; init; }
    public ScalarFold? Fold { get; init; }

    /// <summary>Its output has its first input's shape (the parser's light shape tracking).</summary>
    public bool PreservesShape { get; init; }

    /// <summary>Which inputs may be integer tensors (labels, indices); any other integer input is an error.</summary>
    public Func<int, bool>? AcceptsIntInput { get; init; }

    /// <summary>Its output is an integer tensor (ArgMax's indices): a compiled graph may only return it, after the first result.</summary>
    public bool IntegerOutput { get; init; }

    /// <summary>A library op that writes its whole output densely, so an elementwise epilogue can run over it in place.</summary>
    public bool TakesEpilogue { get; init; }

    /// <summary>A library op whose kernel can add into its output, so a parameter's Grad can be its destination.</summary>
    public bool CanAccumulate { get; init; }

    /// <summary>A slice a fused loop reads in place, with its source's strides, instead of a copy kernel.</summary>
    public InPlaceRead? ReadInPlace { get; init; }

    public SharedPass? SharedPass { get; init; }

    /// <summary>The runtime's op name for messages: max_pool2d → MaxPool2d, mse_loss → MseLoss.</summary>
    public string Display { get; init; } = "";

    public ShapeRule RequireShape() => Shape ?? throw new MissingRuleError(Name, "shape rule");
    public Evaluation RequireEvaluate() => Evaluate ?? throw new MissingRuleError(Name, "interpreter semantics");
    public Decomposition RequireDecompose() => Decompose ?? throw new MissingRuleError(Name, "decomposition");
}

/// <summary>A pass met an op without the rule it needs: a bug in the op's declaration, reported as KILN9999.</summary>
internal sealed class MissingRuleError : Exception
{
    public MissingRuleError(string op, string rule) : base($"op '{op}' has no {rule}")
    {
        Op = op;
        Rule = rule;
    }

    public string Op { get; }
    public string Rule { get; }
}
