using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Kiln.Generator.Diagnostics;

/// <summary>
/// Every diagnostic Kiln.Generator reports, in one place. The parser owns KILN0001–KILN0012, the compiler core
/// KILN01xx; both refer to them by id. All are errors that stop the build (a method whose graph cannot be generated
/// would otherwise fail later, where its Graph property is used); each message says what to change, or that removing
/// [Compile] keeps the method as a plain dynamic one.
/// </summary>
internal static class DiagnosticDescriptors
{
    const string Category = "Kiln";

    // KILN diagnostics are errors: they stop the build, so a user never runs a model whose graph silently went missing.
    const string StillDynamic = "No graph is generated for it: change it, or remove [Compile] to run the method on the tape only.";

    const string AllowedSubset =
        "Allowed in a [Compile] method: locals, expression and block bodies, return; Tensor operators (+ - * / unary -) " +
        "and numeric constants; Ops functions and Tensor methods; Forward of Kiln.Nn modules held in fields (their sizes may " +
        "come from the constructor); Apply of custom autograd Functions written in Kiln ops; " +
        "Parameter/Tensor fields with a known shape; calls to other compilable methods of the class (inlined); for loops " +
        "with constant bounds (unrolled) and ifs on constants; tuple deconstruction of Max, Chunk, Rnn and LstmCell results.";

    public static readonly DiagnosticDescriptor UnsupportedConstruct = new(
        id: "KILN0001",
        title: "Unsupported construct in a [Compile] method",
        messageFormat: "'{0}' is not supported in a [Compile] method: {1}. " + StillDynamic,
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: AllowedSubset);

    public static readonly DiagnosticDescriptor UnknownCall = new(
        id: "KILN0002",
        title: "Unknown call in a [Compile] method",
        messageFormat: "The call to '{0}' cannot be compiled: only Ops functions, Tensor methods, Forward of Kiln.Nn modules " +
                       "held in fields and compilable methods of this class are understood. " + StillDynamic,
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generator inlines the whole method into one graph, so every call must be an op it knows or a method " +
                     "whose body it can inline. " + AllowedSubset);

    public static readonly DiagnosticDescriptor DataDependentControlFlow = new(
        id: "KILN0003",
        title: "Data-dependent control flow in a [Compile] method",
        messageFormat: "The {0} condition '{1}' is not a compile-time constant: a compiled graph is straight-line code, so ifs " +
                       "must test constants and loops must have constant bounds. " + StillDynamic,
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Ifs on constants are resolved and for loops with constant bounds are unrolled at build time. Branching on " +
                     "tensor values, on the Training flag or on method arguments needs the dynamic tape.");

    public static readonly DiagnosticDescriptor UnsupportedType = new(
        id: "KILN0004",
        title: "Unsupported type in a [Compile] method",
        messageFormat: "Type '{0}' is not supported for {1}: [Compile] methods take and return Tensor or IntTensor, and locals " +
                       "hold tensors, ints, floats, doubles or bools. " + StillDynamic,
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Every value in a compiled graph is a tensor whose shape is known at build time; other values must be " +
                     "compile-time constants.");

    public static readonly DiagnosticDescriptor NotPartial = new(
        id: "KILN0005",
        title: "The type of a [Compile] method must be partial",
        messageFormat: "Type '{0}' must be declared partial so the generator can add the '{1}Graph' property. " + StillDynamic,
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generated graph is a member of the model class; the class and every class enclosing it need the " +
                     "partial modifier.");

    public static readonly DiagnosticDescriptor MissingShape = new(
        id: "KILN0006",
        title: "Tensor parameter without [Shape]",
        messageFormat: "Parameter '{0}' needs a [Shape] attribute, e.g. [Shape(\"N\", 784)], so the graph can be planned at " +
                       "build time. " + StillDynamic,
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Each dimension of [Shape] is an int or a symbolic name (\"N\") bound when the graph is first called.");

    public static readonly DiagnosticDescriptor UnknownMemberShape = new(
        id: "KILN0007",
        title: "Shape of a field cannot be determined",
        messageFormat: "The shape of '{0}' cannot be determined at build time: {1}. " + StillDynamic,
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A Parameter or Tensor field needs a [Shape] attribute or an initializer with constant sizes " +
                     "(Parameter.Randn(1000, 100), Tensor.Zeros(10)); a module field needs a constructor call (new Linear(784, 256), " +
                     "or new Linear(inputSize, hidden) with the constructor's values), in its initializer or assigned once in a constructor.");

    public static readonly DiagnosticDescriptor InvalidShape = new(
        id: "KILN0008",
        title: "Invalid [Shape] argument",
        messageFormat: "Invalid [Shape] dimension {0}: each dimension must be a positive int or a non-empty symbolic name such " +
                       "as \"N\". " + StillDynamic,
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Example: [Shape(\"N\", 784)] declares a batch dimension bound at the first call and a fixed size 784.");

    public static readonly DiagnosticDescriptor NotAModule = new(
        id: "KILN0009",
        title: "[Compile] instance method outside a Module",
        messageFormat: "'{0}' does not derive from Kiln.Nn.Module: a [Compile] instance method needs a Module (its parameters, " +
                       "training mode and state are read from it); derive from Module or make the method static. " + StillDynamic,
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Static [Compile] methods need no Module: they may only read static fields.");

    public static readonly DiagnosticDescriptor GeneratedNameTaken = new(
        id: "KILN0010",
        title: "A member already has the generated graph's name",
        messageFormat: "'{0}' already declares a member named '{1}', the property generated for the [Compile] method '{2}'; rename " +
                       "the member or the method. " + StillDynamic,
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Each [Compile] method M gets a property MGraph on its class; the generator's other names avoid yours by themselves.");

    public static readonly DiagnosticDescriptor NotAnOrdinaryMethod = new(
        id: "KILN0011",
        title: "[Compile] on something other than an ordinary method",
        messageFormat: "[Compile] applies to ordinary methods of a class, and this is {0}: no graph is generated for it",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Accessors, operators, local functions and lambdas get no <Method>Graph; move the body into a method of the class.");

    public static readonly DiagnosticDescriptor InvalidModuleArgument = new(
        id: "KILN0012",
        title: "Invalid module constructor argument",
        messageFormat: "new {0}(...): {1}; the module cannot work with it. " + StillDynamic,
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Sizes must be positive, an Rnn needs at least one layer, an Embedding's paddingIdx must index its table.");

    public static readonly DiagnosticDescriptor StructuralValueNotConstant = new(
        id: "KILN0013",
        title: "A value that shapes the graph is not a compile-time constant",
        messageFormat: "{0} must be a compile-time constant, but {1}, known only when the model is constructed: {2}. " + StillDynamic,
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Sizes of a module's parameters may come from the constructor (new Linear(inputSize, hidden)): they become " +
                     "symbols bound from the parameters' shapes when the graph is first called. A value that decides the graph's " +
                     "structure (an Rnn's layer count, a loop bound, a kernel size) is fixed when the graph is generated.");

    public static readonly DiagnosticDescriptor ShapeContradiction = new(
        id: "KILN0101",
        title: "Shape contradiction",
        messageFormat: "{0}. " + StillDynamic,
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Shape inference found two shapes that can never agree, in the runtime's wording " +
                     "(Add: [N,3] and [4] cannot be broadcast: dimension 1 is 3 vs 4). The same call would throw at run time.");

    public static readonly DiagnosticDescriptor NoGradientRule = new(
        id: "KILN0102",
        title: "Op without a gradient rule",
        messageFormat: "Op '{0}' has no gradient rule but lies on the path from parameter '{1}' to the loss, so ForwardBackward " +
                       "cannot be generated. " + StillDynamic,
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Every op on a path from a Parameter to the result needs a gradient (VJP) rule in the compiler's op table.");

    public static readonly DiagnosticDescriptor InternalError = new(
        id: "KILN9999",
        title: "Internal error in Kiln.Generator",
        messageFormat: "Kiln.Generator failed internally: {0}. " + StillDynamic,
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A bug in the generator, never in your code: the generator reports it instead of crashing the build.");

    public static readonly ImmutableArray<DiagnosticDescriptor> All = ImmutableArray.Create(
        UnsupportedConstruct, UnknownCall, DataDependentControlFlow, UnsupportedType, NotPartial, MissingShape,
        UnknownMemberShape, InvalidShape, NotAModule, GeneratedNameTaken, NotAnOrdinaryMethod, InvalidModuleArgument,
        StructuralValueNotConstant, ShapeContradiction, NoGradientRule, InternalError);

    static readonly Dictionary<string, DiagnosticDescriptor> ById = CreateIndex();

    static Dictionary<string, DiagnosticDescriptor> CreateIndex()
    {
        var index = new Dictionary<string, DiagnosticDescriptor>();
        foreach (var descriptor in All) index[descriptor.Id] = descriptor;
        return index;
    }

    /// <summary>The descriptor for an id; an unknown id (a core/front mismatch) reports as an internal error.</summary>
    public static DiagnosticDescriptor Find(string id) => ById.TryGetValue(id, out var descriptor) ? descriptor : InternalError;
}
