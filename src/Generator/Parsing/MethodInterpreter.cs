using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Kiln.Generator.Diagnostics;
using Kiln.Generator.Helpers;
using Kiln.Generator.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Kiln.Generator.Parsing;

/// <summary>
/// Runs a [Compile] method's body at build time over the IOperation tree: compile-time values (numbers, bools,
/// loop variables) are computed, tensor values become graph ops, loops over a sequence's steps become graph loops and other loops unroll, constant ifs pick a branch and calls
/// to the class's own methods are inlined. The result is straight-line code in <see cref="GraphBuilder"/>.
/// Anything outside the subset throws a <see cref="ParseFailure"/> at the exact construct.
/// This file holds the statements; expressions, calls, members and modules live in the other partial files.
/// </summary>
internal sealed partial class MethodInterpreter
{
    const int MaxLoopIterations = 4096;

    /// <summary>Budgets across the whole method, so nested loops or long unrolls end in a diagnostic, not a hung build.</summary>
    const int MaxTotalIterations = 100_000;
    const int MaxOps = 20_000;

    int totalIterations;
    const int MaxInlineDepth = 16;

    readonly Compilation compilation;
    readonly INamedTypeSymbol modelType;
    readonly bool isStaticMethod;
    readonly GraphBuilder builder;
    readonly CancellationToken cancellationToken;

    int inlineDepth;

    int loops;

    /// <summary>A name for the next loop of the method, unique within it (the "loop" attribute of its loop ops).</summary>
    internal string NewLoopName() => (loops++).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>While a call is being inlined, its ops are reported at the call in the [Compile] method: that is the
    /// code the user can change, and the callee may be shared by several models.</summary>
    LocationInfo? inlineSite;

    public MethodInterpreter(Compilation compilation, INamedTypeSymbol modelType, bool isStaticMethod, GraphBuilder builder, CancellationToken cancellationToken)
    {
        this.compilation = compilation;
        this.modelType = modelType;
        this.isStaticMethod = isStaticMethod;
        this.builder = builder;
        this.cancellationToken = cancellationToken;
    }

    internal sealed class Frame
    {
        public Dictionary<ISymbol, Value> Values { get; } = new(SymbolEqualityComparer.Default);
        public Value? ReturnValue { get; set; }
    }

    enum Flow { Normal, Return, Break, Continue }

    /// <summary>Runs a method body (block or expression body) and returns what it returns.</summary>
    public Value Run(IOperation body, Frame frame, SyntaxNode methodSyntax)
    {
        var flow = Execute(body, frame);
        if (flow == Flow.Return && frame.ReturnValue is { } returned) return returned;
        throw new ParseFailure(DiagnosticDescriptors.UnsupportedConstruct, methodSyntax, Describe(methodSyntax), "the method must end with a return of a tensor");
    }

    LocationInfo SiteOf(IOperation operation) => inlineSite ?? operation.Syntax.ToInfo();

    Flow Execute(IOperation statement, Frame frame)
    {
        cancellationToken.ThrowIfCancellationRequested();
        switch (statement)
        {
            case IBlockOperation block:
                foreach (var inner in block.Operations)
                {
                    var flow = Execute(inner, frame);
                    if (flow != Flow.Normal) return flow;
                }
                return Flow.Normal;

            case IVariableDeclarationGroupOperation group:
                foreach (var declaration in group.Declarations)
                    foreach (var declarator in declaration.Declarators)
                    {
                        if (declarator.Symbol.RefKind != RefKind.None)
                            throw Unsupported(declarator, $"'{declarator.Symbol.Name}' is a ref local, an alias of another variable; build-time values cannot alias, so use a plain local");
                        CheckLocalType(declarator.Symbol, declaration.Syntax);
                        var initializer = declarator.Initializer ?? declaration.Initializer;
                        if (initializer is not null) frame.Values[declarator.Symbol] = Evaluate(initializer.Value, frame);
                    }
                return Flow.Normal;

            case IExpressionStatementOperation expression:
                Evaluate(expression.Operation, frame);
                return Flow.Normal;

            case IReturnOperation { Kind: OperationKind.Return } ret:
                frame.ReturnValue = ret.ReturnedValue is null ? NullValue.Instance : Evaluate(ret.ReturnedValue, frame);
                return Flow.Return;

            case IConditionalOperation conditional:
            {
                var (condition, mode) = EvaluateConditionOrMode(conditional.Condition, "if", frame);
                if (mode is not null) return ExecuteOnMode(conditional, mode, frame);
                var chosen = condition ? conditional.WhenTrue : conditional.WhenFalse;
                return chosen is null ? Flow.Normal : Execute(chosen, frame);
            }

            case IForLoopOperation loop:
                return ExecuteFor(loop, frame);

            case IWhileLoopOperation loop:
                return ExecuteWhile(loop, frame);

            case IForEachLoopOperation loop:
                return ExecuteForEach(loop, frame);

            case IBranchOperation { BranchKind: BranchKind.Break }:
                return Flow.Break;

            case IBranchOperation { BranchKind: BranchKind.Continue }:
                return Flow.Continue;

            case IEmptyOperation:
                return Flow.Normal;

            case IInvalidOperation:
                throw new SourceHasErrors();

            default:
                throw Unsupported(statement, "only locals, expression statements, return, if on constants and loops with constant bounds are allowed");
        }
    }

    Flow ExecuteFor(IForLoopOperation loop, Frame frame)
    {
        foreach (var before in loop.Before) Execute(before, frame);
        if (TryExecuteAsLoop(loop, frame) is { } compiled) return compiled;
        if (loop.Condition is null)
            throw new ParseFailure(DiagnosticDescriptors.DataDependentControlFlow, loop.Syntax, "for", "(none)");
        for (int iteration = 0; EvaluateCondition(loop.Condition, "for", frame); iteration++)
        {
            LimitIterations(iteration, loop.Condition);
            var flow = Execute(loop.Body, frame);
            if (flow == Flow.Return) return flow;
            if (flow == Flow.Break) break;
            foreach (var bottom in loop.AtLoopBottom) Execute(bottom, frame);
        }
        return Flow.Normal;
    }

    Flow ExecuteWhile(IWhileLoopOperation loop, Frame frame)
    {
        if (loop.Condition is null)
            throw new ParseFailure(DiagnosticDescriptors.DataDependentControlFlow, loop.Syntax, "while", "(none)");
        for (int iteration = 0; ; iteration++)
        {
            LimitIterations(iteration, loop.Condition);
            if (loop.ConditionIsTop && EvaluateCondition(loop.Condition, "while", frame) == loop.ConditionIsUntil) break;
            var flow = Execute(loop.Body, frame);
            if (flow == Flow.Return) return flow;
            if (flow == Flow.Break) break;
            if (!loop.ConditionIsTop && EvaluateCondition(loop.Condition, "while", frame) == loop.ConditionIsUntil) break;
        }
        return Flow.Normal;
    }

    Flow ExecuteForEach(IForEachLoopOperation loop, Frame frame)
    {
        if (loop.LoopControlVariable is not IVariableDeclaratorOperation variable)
            throw Unsupported(loop.LoopControlVariable, "a foreach loop may only declare one variable");
        // A collection that cannot be evaluated reports its own cause; one that evaluates to something other than a
        // build-time array is data-dependent iteration.
        var collection = Evaluate(loop.Collection, frame);
        if (collection is not ListValue list)
            throw new ParseFailure(DiagnosticDescriptors.DataDependentControlFlow, loop.Collection.Syntax, "foreach", Describe(loop.Collection.Syntax));
        foreach (var item in list.Items)
        {
            frame.Values[variable.Symbol] = item.Value;
            var flow = Execute(loop.Body, frame);
            if (flow == Flow.Return) return flow;
            if (flow == Flow.Break) break;
        }
        return Flow.Normal;
    }

    void LimitIterations(int iteration, IOperation condition)
    {
        if (++totalIterations > MaxTotalIterations)
            throw new ParseFailure(DiagnosticDescriptors.DataDependentControlFlow, condition.Syntax, "loop",
                $"{Describe(condition.Syntax)} (the loops of the method unroll to more than {MaxTotalIterations} iterations)");
        if (iteration >= MaxLoopIterations)
            throw new ParseFailure(DiagnosticDescriptors.DataDependentControlFlow, condition.Syntax, "loop",
                $"{Describe(condition.Syntax)} (still true after {MaxLoopIterations} iterations)");
    }

    /// <summary>A condition must fold to a constant bool; anything else (a tensor, Training, an unknown call) is
    /// data-dependent control flow, reported at the condition.</summary>
    /// <summary>A loop's condition: a build-time bool (a loop on the Training flag would need a call-time trip count).</summary>
    bool EvaluateCondition(IOperation condition, string construct, Frame frame)
    {
        var (value, mode) = EvaluateConditionOrMode(condition, construct, frame);
        if (mode is not null)
            throw new ParseFailure(DiagnosticDescriptors.DataDependentControlFlow, condition.Syntax, construct, Describe(condition.Syntax));
        return value;
    }

    /// <summary>
    /// A condition's build-time value, or the module's Training flag (or its negation) when the condition is one: a mode
    /// known only at call time, on which both branches are compiled and selected between. Evaluated once.
    /// </summary>
    (bool Value, StateValue? Mode) EvaluateConditionOrMode(IOperation condition, string construct, Frame frame)
    {
        Value value;
        try
        {
            value = Evaluate(condition, frame);
        }
        catch (ParseFailure) when (ReadsTensors(condition))
        {
            // A condition on tensor values (x.Sum().Item() > 0) is data-dependent control flow; any other failure inside
            // a condition (an unknown helper, a division by zero) keeps its own, more precise diagnostic.
            throw new ParseFailure(DiagnosticDescriptors.DataDependentControlFlow, condition.Syntax, construct, Describe(condition.Syntax));
        }
        return value switch
        {
            StateValue { Kind: CaptureKind.Flag } mode => (false, mode),
            BoolValue flag => (flag.Flag, null),
            _ => throw new ParseFailure(DiagnosticDescriptors.DataDependentControlFlow, condition.Syntax, construct, Describe(condition.Syntax)),
        };
    }

    /// <summary>
    /// if (Training) { ... } else { ... }: each branch runs on its own copy of the locals, and every local (and the
    /// returned value) that the branches leave different becomes select(Training, then, else), evaluated at call time.
    /// Both branches' ops are in the graph; the flag picks the values (their side effects, BatchNorm statistics and
    /// dropout masks, follow their own modules' flags, as on the tape).
    /// </summary>
    Flow ExecuteOnMode(IConditionalOperation conditional, StateValue mode, Frame frame)
    {
        var whenTrue = Copy(frame);
        var flowTrue = Execute(conditional.WhenTrue, whenTrue);
        var whenFalse = Copy(frame);
        var flowFalse = conditional.WhenFalse is null ? Flow.Normal : Execute(conditional.WhenFalse, whenFalse);
        if (mode.Negated) (whenTrue, whenFalse, flowTrue, flowFalse) = (whenFalse, whenTrue, flowFalse, flowTrue);
        if (flowTrue != flowFalse || flowTrue is Flow.Break or Flow.Continue)
            throw Unsupported(conditional, "the branches of an if on the Training flag must end alike (both return, or neither): both are compiled and the flag selects their results at call time");
        foreach (var symbol in frame.Values.Keys.ToList())
            frame.Values[symbol] = SelectOnMode(mode, whenTrue.Values[symbol], whenFalse.Values[symbol], conditional);
        if (flowTrue == Flow.Return)
            frame.ReturnValue = SelectOnMode(mode, whenTrue.ReturnValue ?? NullValue.Instance, whenFalse.ReturnValue ?? NullValue.Instance, conditional);
        // Locals first assigned in both branches (declared before the if, assigned inside).
        foreach (var symbol in whenTrue.Values.Keys.Where(s => !frame.Values.ContainsKey(s) && whenFalse.Values.ContainsKey(s) && s is ILocalSymbol local && IsDeclaredOutside(local, conditional)).ToList())
            frame.Values[symbol] = SelectOnMode(mode, whenTrue.Values[symbol], whenFalse.Values[symbol], conditional);
        return flowTrue;
    }

    static bool IsDeclaredOutside(ILocalSymbol local, IOperation conditional) =>
        local.DeclaringSyntaxReferences.All(r => !conditional.Syntax.Span.Contains(r.Span));

    static Frame Copy(Frame frame)
    {
        var copy = new Frame();
        foreach (var pair in frame.Values) copy.Values[pair.Key] = pair.Value;
        return copy;
    }

    /// <summary>The value the flag selects at call time: the same value when the branches agree, else select(flag, a, b).</summary>
    Value SelectOnMode(StateValue mode, Value whenTrue, Value whenFalse, IOperation site)
    {
        if (ReferenceEquals(whenTrue, whenFalse)) return whenTrue;
        switch (whenTrue, whenFalse)
        {
            case (NumberValue a, NumberValue b) when a.Type == b.Type && a.Integer == b.Integer && a.Real.Equals(b.Real):
                return a;
            case (BoolValue a, BoolValue b) when a.Flag == b.Flag:
                return a;
            case (TensorValue { Kind: ValueKind.FloatTensor } a, TensorValue { Kind: ValueKind.FloatTensor } b):
            {
                var shape = a.Shape is { } sa && b.Shape is { } sb && sa.SequenceEqual(sb) ? a.Shape : null;
                return Emit(Graph.OpNames.Select, new[] { new ValueRef(mode.Reference.Kind, mode.Reference.Index), a.Reference, b.Reference },
                    System.Collections.Immutable.ImmutableArray<AttrSpec>.Empty, ValueKind.FloatTensor, site, shape);
            }
            case (TensorValue a, TensorValue b) when a.Reference.Equals(b.Reference):
                return a;
            default:
                throw Unsupported(site, $"the Training branches leave a value that differs between them and is not a float tensor ({whenTrue.Describe()} vs {whenFalse.Describe()}); only tensors can be selected at call time");
        }
    }

    static bool ReadsTensors(IOperation operation) =>
        operation.DescendantsAndSelf().Any(o => o.Type.IsFloatTensor() || o.Type.IsIntTensor());

    void CheckLocalType(ILocalSymbol local, SyntaxNode declarationSyntax)
    {
        if (IsSupportedLocalType(local.Type)) return;
        var typeSyntax = declarationSyntax is Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclarationSyntax declaration ? declaration.Type : declarationSyntax;
        throw new ParseFailure(DiagnosticDescriptors.UnsupportedType, typeSyntax, local.Type.ToDisplayString(), $"local '{local.Name}'");
    }

    static bool IsSupportedLocalType(ITypeSymbol type)
    {
        if (type.IsFloatTensor() || type.IsIntTensor() || type.IsNumeric() || CSharpArithmetic.TypeOf(type) is not null || type.SpecialType == SpecialType.System_Boolean) return true;
        if (type.IsOrDerivesFrom(TypeNames.Module) || type.IsOrDerivesFrom(TypeNames.Function)) return true;
        if (type is IArrayTypeSymbol array) return IsSupportedLocalType(array.ElementType);
        if (type is INamedTypeSymbol { IsTupleType: true } tuple)
        {
            foreach (var element in tuple.TupleElements)
                if (!IsSupportedLocalType(element.Type)) return false;
            return true;
        }
        return false;
    }

    static ParseFailure Unsupported(IOperation operation, string reason) =>
        new(DiagnosticDescriptors.UnsupportedConstruct, operation.Syntax, Describe(operation.Syntax), reason);

    /// <summary>The construct's source text on one line, shortened, for messages.</summary>
    internal static string Describe(SyntaxNode syntax)
    {
        string text = string.Join(" ", syntax.ToString().Split(new[] { '\r', '\n', '\t', ' ' }, System.StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= 60 ? text : text.Substring(0, 57) + "...";
    }
}

/// <summary>The method does not compile; the C# compiler reports why, so the generator stays silent.</summary>
internal sealed class SourceHasErrors : System.Exception
{
}
