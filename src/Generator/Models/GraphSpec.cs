using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Helpers;

namespace Kiln.Generator.Models;

// The contract between the parser (Roslyn -> spec) and the compiler core (spec -> graph -> passes -> C#).
// Everything here is an equatable record: no ISymbol, SyntaxNode or Location, so incremental steps cache.
// Locations live in MethodLocations, beside the graph spec, so moving a method re-runs only diagnostics.

/// <summary>
/// One [Compile] method lowered to tensor ops: calls to the class's own compilable methods are inlined, loops over a
/// sequence's steps kept as loop ops (Passes/LoopSpecs.cs), other constant-bound loops unrolled, constant ifs resolved,
/// locals replaced by value ids, and module calls (Linear, Conv2d, Rnn, ...) lowered to the op vocabulary of <see cref="OpSpec"/>.
/// Value ids are shared by inputs, captures and ops: ids 0..Inputs.Count-1 are the method's parameters, then
/// one id per capture, then one id per op in order (an op may only use smaller ids).
/// </summary>
internal sealed record GraphSpec(
    string HintName,
    TypeSpec ContainingType,
    string MethodName,
    bool IsStatic,
    EquatableArray<InputSpec> Inputs,
    EquatableArray<CaptureSpec> Captures,
    EquatableArray<OpSpec> Ops,
    int Result)
{
    /// <summary>The nested graph class's name, chosen by the parser so that no member of the user's class has it (default &lt;Method&gt;GraphImpl).</summary>
    public string? GraphClass { get; init; }

    /// <summary>The backing field of the graph property, likewise free of the user's names (default kiln&lt;Method&gt;Graph).</summary>
    public string? BackingField { get; init; }

    /// <summary>Value ids of the further results when the method returns a tuple of tensors ((loss, logits)).</summary>
    public EquatableArray<int> MoreResults { get; init; } = EquatableArray<int>.Empty;

    /// <summary>
    /// Symbols for module sizes that came from constructor arguments (new Linear(inputSize, hidden)): unlike the symbols
    /// of [Shape], shape inference may equate them with the size they meet (matmul's inner dimension, a broadcast);
    /// those left are bound from the captured parameters' shapes when the graph is first called.
    /// </summary>
    public EquatableArray<string> SizeSymbols { get; init; } = EquatableArray<string>.Empty;

    /// <summary>
    /// Sizes the model holds in readonly int fields set by its constructor (this.hidden = hidden), read in the method:
    /// their symbols are bound (or, once unified with a constant, checked) from the field when the graph is called.
    /// </summary>
    public EquatableArray<SizeSourceSpec> SizeSources { get; init; } = EquatableArray<SizeSourceSpec>.Empty;

    /// <summary>The symbols a call binds, in binding order: the inputs' and captures' dimensions, then fields' sizes.</summary>
    public List<string> BoundSymbols() => Inputs.SelectMany(i => i.Shape).Concat(Captures.SelectMany(c => c.Shape))
        .Concat(SizeSources.Select(s => s.Value))
        .Where(d => d.IsSymbolic).Select(d => d.Symbol!).Distinct().ToList();

    /// <summary>The method's return type as C# (a tuple's element names kept), which Forward and ForwardBackward return too.</summary>
    public string ReturnType { get; init; } = "global::Kiln.Tensor";
}

/// <summary>
/// A size read from the model at call time: <paramref name="AccessExpression"/> (C# inside the class, "this.hidden")
/// gives <paramref name="Value"/>, a symbol to bind or, once shape inference equated it with one, a constant to check.
/// </summary>
internal sealed record SizeSourceSpec(string Name, string AccessExpression, DimSpec Value);

/// <summary>Where generated members go: namespace and the partial declarations from outermost to innermost.</summary>
/// <param name="Declarations">e.g. ["public partial class Outer", "public partial class Mlp"]; emitted verbatim.</param>
internal sealed record TypeSpec(string? Namespace, EquatableArray<string> Declarations, string FullyQualifiedName);

internal enum ValueKind { FloatTensor, IntTensor }

/// <summary>A method parameter: name, tensor kind and its declared [Shape].</summary>
internal sealed record InputSpec(string Name, ValueKind Kind, EquatableArray<DimSpec> Shape);

internal enum CaptureKind
{
    /// <summary>A learnable tensor: gradients accumulate into its Grad.</summary>
    Parameter,
    /// <summary>A tensor that is read (and, for BatchNorm running stats, updated in place) but gets no gradient.</summary>
    Buffer,
    /// <summary>A bool read at call time, e.g. a module's Training flag (Dropout/BatchNorm behaviour).</summary>
    Flag,
    /// <summary>A Kiln.Rng read at call time (Dropout).</summary>
    Rng,
}

/// <summary>
/// State of the model read by the body. <paramref name="AccessExpression"/> is C# valid inside the class
/// (e.g. "this.fc1.Weight", "this.training.Training", "this.w1"), <paramref name="Name"/> the PyTorch-style
/// dotted name ("fc1.weight") used in Summary, ToDot and comments.
/// </summary>
internal sealed record CaptureSpec(string Name, string AccessExpression, CaptureKind Kind, EquatableArray<DimSpec> Shape);

/// <summary>
/// One dimension: a constant size, or a symbol bound at the first call times a constant <paramref name="Factor"/>
/// (an LstmCell's weights are [4*hidden, input]: the call binds hidden from 4*hidden, checking it divides).
/// </summary>
internal sealed record DimSpec(int Size, string? Symbol, int Factor = 1)
{
    public static DimSpec Of(int size) => new(size, null);
    public static DimSpec Of(string symbol, int factor = 1) => new(-1, symbol, factor);
    public bool IsSymbolic => Symbol is not null;
    /// <summary>This size times a constant: a constant stays one, a symbol keeps its factor.</summary>
    public DimSpec Times(int factor) => IsSymbolic ? Of(Symbol!, Factor * factor) : Of(Size * factor);
    public override string ToString() => Symbol is null
        ? Size.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : Factor == 1 ? Symbol : Symbol + "*" + Factor.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// One op application. <paramref name="Op"/> names an entry of the op registry (Ops/OpRegistry.cs; lower snake
/// case, the same vocabulary as the PyTorch fixtures where one exists; the parser's table is Parsing/OpCallTable.cs).
/// Scalars in arithmetic are "constant" ops (attr value) so the graph has one binary op per arithmetic operator.
/// </summary>
internal sealed record OpSpec(string Op, EquatableArray<int> Args, EquatableArray<AttrSpec> Attrs);

/// <summary>An attribute in invariant-culture text: ints ("3"), floats (round-trip "0.1"), bools ("true"), int lists ("2,3").</summary>
internal sealed record AttrSpec(string Name, string Value);

/// <summary>A source span without a SyntaxTree: enough to rebuild a Location when reporting.</summary>
internal sealed record LocationInfo(string FilePath, int Start, int Length, int StartLine, int StartCharacter, int EndLine, int EndCharacter);

/// <summary>Locations for one method: the method name's span and one span per op (same order as GraphSpec.Ops).</summary>
internal sealed record MethodLocations(string HintName, LocationInfo Method, EquatableArray<LocationInfo> Ops);

/// <summary>A diagnostic to report: id from DiagnosticDescriptors, where, and the message arguments.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> MessageArgs);

/// <summary>
/// A diagnostic found by the compiler core: it knows op indices, not locations; the pipeline maps
/// <paramref name="OpIndex"/> (-1 = the method) to a span with <see cref="MethodLocations"/>.
/// </summary>
internal sealed record CompileDiagnostic(string Id, int OpIndex, EquatableArray<string> MessageArgs);

/// <summary>What the compiler core returns for one method: the generated file (null when errors prevent it) and diagnostics.</summary>
internal sealed record CompileResult(string HintName, string? Source, EquatableArray<CompileDiagnostic> Diagnostics);
