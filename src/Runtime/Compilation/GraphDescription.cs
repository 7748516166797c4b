// Namespace Kiln.Compiled, not Kiln.Compilation: code under namespace Kiln.* that also uses Roslyn would otherwise
// resolve `Compilation` to this namespace instead of Microsoft.CodeAnalysis.Compilation.
namespace Kiln.Compiled;

/// <summary>
/// A declared tensor shape as the generated code states it: each entry a size (≥ 0) or a symbol,
/// encoded as −(symbol index + 1), so declarations are plain int arrays in the generated file. A symbolic entry may
/// stand for the symbol times a constant factor (an LstmCell's weights are [4*hidden, input]).
/// </summary>
public sealed class TensorDeclaration
{
    public TensorDeclaration(string name, int[] dims, int[]? factors = null)
    {
        if (factors is not null && factors.Length != dims.Length)
            throw new ArgumentException($"'{name}' declares {dims.Length} dims but {factors.Length} factors.", nameof(factors));
        Name = name;
        Dims = dims;
        Factors = factors;
    }

    public string Name { get; }
    public int[] Dims { get; }
    /// <summary>Per dimension, what its symbol is multiplied by; null when every factor is 1.</summary>
    public int[]? Factors { get; }

    public int Factor(int dim) => Factors is null ? 1 : Factors[dim];

    public static int SymbolIndex(int encoded) => -encoded - 1;
}

/// <summary>Element counts of a program's arena buffers, given the bound symbols.</summary>
public delegate void BufferSizeFunction(ReadOnlySpan<int> symbols, Span<int> sizes);

/// <summary>The result's shape, given the bound symbols.</summary>
public delegate int[] ShapeFunction(ReadOnlySpan<int> symbols);

/// <summary>
/// One compiled program (forward, or forward+backward): its arena buffers with their symbolic sizes and
/// lifetimes (first and last kernel that touch them). Offsets are planned once per binding of the symbols.
/// </summary>
public sealed class ProgramLayout
{
    public ProgramLayout(string name, int opCount, int kernelCount, int[] firstUse, int[] lastUse, BufferSizeFunction sizes, ShapeFunction resultShape,
        ShapeFunction[]? moreResultShapes = null, bool[]? integerResults = null)
    {
        MoreResultShapes = moreResultShapes ?? Array.Empty<ShapeFunction>();
        IntegerResults = integerResults ?? new bool[MoreResultShapes.Length];
        if (IntegerResults.Length != MoreResultShapes.Length) throw new ArgumentException("ProgramLayout: integerResults and moreResultShapes differ in length.");
        if (firstUse.Length != lastUse.Length) throw new ArgumentException("ProgramLayout: firstUse and lastUse differ in length.");
        Name = name;
        OpCount = opCount;
        KernelCount = kernelCount;
        FirstUse = firstUse;
        LastUse = lastUse;
        Sizes = sizes;
        ResultShape = resultShape;
    }

    public string Name { get; }
    public int OpCount { get; }
    public int KernelCount { get; }
    public int BufferCount => FirstUse.Length;
    public int[] FirstUse { get; }
    public int[] LastUse { get; }
    public BufferSizeFunction Sizes { get; }
    public ShapeFunction ResultShape { get; }

    /// <summary>Shapes of the further results of a method returning a tuple ((loss, logits)): one per element after the first.</summary>
    public ShapeFunction[] MoreResultShapes { get; }

    /// <summary>Which further results are IntTensors (ArgMax, Max(...).Indices), by position in <see cref="MoreResultShapes"/>.</summary>
    public bool[] IntegerResults { get; }
}

/// <summary>Everything the generated graph class states about itself; the base class does the rest.</summary>
public sealed class GraphDescription
{
    public GraphDescription(string method, string[] symbols, TensorDeclaration[] inputs, TensorDeclaration[] captures,
        ProgramLayout[] programs, string summary, string dot)
    {
        if (symbols.Length > BindingKey.MaxSymbols)
            throw new ArgumentException($"GraphDescription: at most {BindingKey.MaxSymbols} symbolic dimensions are supported, got {symbols.Length}.");
        Method = method;
        Symbols = symbols;
        Inputs = inputs;
        Captures = captures;
        Programs = programs;
        Summary = summary;
        Dot = dot;
    }

    public string Method { get; }
    public string[] Symbols { get; }
    public TensorDeclaration[] Inputs { get; }
    public TensorDeclaration[] Captures { get; }
    public ProgramLayout[] Programs { get; }
    public string Summary { get; }
    public string Dot { get; }
}
