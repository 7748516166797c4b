using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Diagnostics;
using Kiln.Generator.Helpers;
using Kiln.Generator.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Kiln.Generator.Parsing;

/// <summary>
/// A for loop over the steps of a sequence, compiled as a loop of the graph instead of unrolled:
/// <c>for (int t = start; t &lt; bound; t++)</c> whose index only selects a step of a sequence (Narrow(x, dim, t, 1),
/// Select(x, dim, t)) and whose body carries tensors from step to step (locals declared before the loop, assigned in
/// it). The body is interpreted once, over the loop's slots: the carried locals, the sequence steps, and every outer
/// tensor it reads (invariants). The bound may be a call-time size (x.Size(1) of a [Shape("B", "T", ...)] input), so one
/// graph serves every sequence length. Any other loop unrolls, which needs a constant bound.
/// </summary>
internal sealed partial class MethodInterpreter
{
    /// <summary>The index of a loop being compiled as a loop: it may only pick a step of a sequence.</summary>
    sealed class LoopIndexValue : Value
    {
        public override string Describe() => "the index of a loop compiled as a loop, which may only select a step of a sequence (Narrow(x, dim, t, 1) or Select(x, dim, t))";
    }

    /// <summary>The loop whose body is being interpreted: its name, where its body's ops start, and its slots so far.</summary>
    sealed class ActiveLoop
    {
        public ActiveLoop(string name, int outerOps, int start, Graph.Size steps)
        {
            Name = name;
            OuterOps = outerOps;
            Start = start;
            Steps = steps;
        }

        public string Name { get; }
        /// <summary>Ops with a smaller index were emitted before the loop: the body reads them through invariant slots.</summary>
        public int OuterOps { get; }
        public int Start { get; }
        public Graph.Size Steps { get; }
        public Dictionary<ValueRef, ValueRef> Invariants { get; } = new();
        public Dictionary<(ValueRef, int), ValueRef> Sequences { get; } = new();
    }

    ActiveLoop? activeLoop;

    /// <summary>
    /// Runs the loop as one graph loop when it has that form; null when it does not (the caller unrolls it, before
    /// anything was emitted). A loop to a call-time bound that cannot be a graph loop is an error naming why.
    /// </summary>
    Flow? TryExecuteAsLoop(IForLoopOperation loop, Frame frame)
    {
        if (activeLoop is not null || loop.Locals.Length != 1 || loop.Condition is null) return null;
        var index = loop.Locals[0];
        if (index.Type.SpecialType != SpecialType.System_Int32 || !frame.Values.TryGetValue(index, out var initial) || initial is not NumberValue { IsInteger: true } start)
            return null;
        if (loop.Condition is not IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan, LeftOperand: ILocalReferenceOperation left } condition
            || !SymbolEqualityComparer.Default.Equals(left.Local, index) || !StepsByOne(loop.AtLoopBottom, index))
            return null;
        Value bound;
        try
        {
            bound = Evaluate(condition.RightOperand, frame);
        }
        catch (ParseFailure)
        {
            return null;
        }
        Graph.Size steps;
        switch (bound)
        {
            case NumberValue { IsInteger: true } number when number.Integer > start.Integer:
                steps = Graph.Size.Of(number.Integer - start.Integer);
                break;
            case SizeValue size when start.Integer == 0:
                steps = size.Size;
                break;
            case SizeValue { Origin: { } origin }:
                throw LoopBoundNotConstant(loop, origin, "it decides how many times a loop's ops are generated (a loop to a size from the constructor must start at 0 to run as a graph loop), which is fixed when the graph is generated");
            case SizeValue size:
                throw Unsupported(loop.Condition, $"a loop to the call-time size {size.Size} must start at 0 (its step count {size.Size} − {start.Integer} is not a size the graph can express); narrow the sequence before the loop instead");
            default:
                return null;
        }

        // Decided from the syntax, before anything is emitted: the index only picks sequence steps, the body carries float
        // tensors and does not leave early. Anything else unrolls (a constant bound) or is reported (a call-time bound).
        List<ILocalSymbol>? carried = null;
        string? reason = !IndexOnlySelectsSteps(loop.Body, index) ? $"its index '{index.Name}' must only select steps of a sequence (Narrow(x, dim, {index.Name}, 1) or Select(x, dim, {index.Name}))"
            : loop.Body.DescendantsAndSelf().Any(o => o is IBranchOperation { BranchKind: BranchKind.Break or BranchKind.Continue } or IReturnOperation) ? "its body leaves the loop early (break, continue or return)"
            : (carried = Carried(loop, index, frame)).Count == 0 ? "it must carry a float tensor from one step to the next (a local declared before the loop and assigned in it)"
            : null;
        if (reason is null) return ExecuteAsLoop(loop, frame, index, (int)start.Integer, steps, carried!);
        if (bound is SizeValue { Origin: { } sizeOrigin })
            throw LoopBoundNotConstant(loop, sizeOrigin, $"it decides how many times a loop's ops are generated, which is fixed when the graph is generated (the loop cannot run as a graph loop: {reason})");
        if (bound is SizeValue symbolic)
            throw Unsupported(loop.Condition, $"the loop runs to the call-time size {symbolic.Size}, so it cannot be unrolled, and it is not a loop the graph can run: {reason}");
        return null;
    }

    /// <summary>A loop bound the model holds (a constructor size) where the loop must be unrolled: KILN0013 naming the value, as for any structural value.</summary>
    ParseFailure LoopBoundNotConstant(IForLoopOperation loop, string origin, string why) =>
        new(DiagnosticDescriptors.StructuralValueNotConstant, loop.Condition!.Syntax, $"The comparison '{Describe(loop.Condition.Syntax)}'", origin, why);

    /// <summary>Tensor locals declared before the loop and assigned in its body (null when one of them is not a float tensor yet).</summary>
    List<ILocalSymbol> Carried(IForLoopOperation loop, ILocalSymbol index, Frame frame)
    {
        var written = loop.SemanticModel!.AnalyzeDataFlow(loop.Body.Syntax)?.WrittenInside ?? ImmutableArray<ISymbol>.Empty;
        var carried = written.OfType<ILocalSymbol>().Where(l => !SymbolEqualityComparer.Default.Equals(l, index) && IsDeclaredOutside(l, loop.Body)).ToList();
        return carried.All(l => frame.Values.TryGetValue(l, out var v) && v is TensorValue { Kind: ValueKind.FloatTensor }) ? carried : new List<ILocalSymbol>();
    }

    /// <summary>Every use of the index is the step argument of Ops.Narrow(x, dim, t, 1) or Ops.Select(x, dim, t), and there is one.</summary>
    static bool IndexOnlySelectsSteps(IOperation body, ILocalSymbol index)
    {
        var uses = body.DescendantsAndSelf().OfType<ILocalReferenceOperation>().Where(r => SymbolEqualityComparer.Default.Equals(r.Local, index)).ToList();
        return uses.Count > 0 && uses.All(use =>
        {
            var parent = use.Parent is IConversionOperation conversion ? conversion.Parent : use.Parent;
            return parent is IArgumentOperation { Parameter.Ordinal: 2, Parent: IInvocationOperation call }
                && call.TargetMethod.Name is "Narrow" or "Select" && call.TargetMethod.ContainingType.Is(TypeNames.Ops);
        });
    }

    /// <param name="carried">The tensor locals the loop carries (<see cref="Carried"/>, already computed to decide that it is a graph loop).</param>
    Flow ExecuteAsLoop(IForLoopOperation loop, Frame frame, ILocalSymbol index, int start, Graph.Size steps, List<ILocalSymbol> carried)
    {
        var name = NewLoopName();
        var initial = new List<TensorValue>();
        foreach (var local in carried) initial.Add((TensorValue)frame.Values[local]);
        var loopState = new ActiveLoop(name, builder.OpCount, start, steps);
        for (int i = 0; i < carried.Count; i++)
            frame.Values[carried[i]] = LoopOp(Ops.Definitions.Loops.Carry, new[] { initial[i].Reference }, loop, initial[i].Shape, ("loop", name));
        frame.Values[index] = new LoopIndexValue();

        activeLoop = loopState;
        try
        {
            Execute(loop.Body, frame);
        }
        finally
        {
            activeLoop = null;
        }
        var next = carried.Select(local => frame.Values[local] as TensorValue
            ?? throw Unsupported(loop, $"'{local.Name}' is carried from step to step, so it must stay a tensor, not become {frame.Values[local].Describe()}")).ToList();
        var result = LoopOp(Ops.Definitions.Loops.Result, next.Select(n => n.Reference).ToArray(), loop, null, ("loop", name), ("steps", steps.ToString()));
        for (int i = 0; i < carried.Count; i++)
            frame.Values[carried[i]] = LoopOp(Ops.Definitions.Loops.Output, new[] { result.Reference }, loop, initial[i].Shape,
                ("loop", name), ("output", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("stacked", "false"));
        frame.Values.Remove(index);
        return Flow.Normal;
    }

    static bool StepsByOne(ImmutableArray<IOperation> bottom, ILocalSymbol index) =>
        bottom.Length == 1 && bottom[0] is IExpressionStatementOperation
        {
            Operation: IIncrementOrDecrementOperation { Kind: OperationKind.Increment, Target: ILocalReferenceOperation target },
        } && SymbolEqualityComparer.Default.Equals(target.Local, index);

    TensorValue LoopOp(string op, ValueRef[] args, IOperation site, ImmutableArray<DimSpec>? shape, params (string Name, string Value)[] attrs) =>
        new(builder.AddOp(op, args, attrs.Select(a => new AttrSpec(a.Name, a.Value)), SiteOf(site)), ValueKind.FloatTensor, shape);

    /// <summary>Inside a loop's body, an outer value an op reads becomes an invariant slot (constants stay: they are leaves of the body too).</summary>
    ValueRef[] LoopArguments(string op, ValueRef[] args, IOperation site)
    {
        if (activeLoop is not { } loop || Ops.Definitions.Loops.IsSpecOp(op)) return args;
        return args.Select(a =>
        {
            bool outer = a.Kind != ValueRefKind.Op || a.Index < loop.OuterOps;
            if (!outer || (a.Kind == ValueRefKind.Op && builder.OpNameAt(a.Index) == "constant")) return a;
            if (a.Kind == ValueRefKind.Capture && builder.CaptureKindOf(a.Index) is CaptureKind.Flag or CaptureKind.Rng)
                throw Unsupported(site, "a loop's body cannot read the Training flag or a random generator yet (Dropout, BatchNorm); apply them before or after the loop");
            if (!loop.Invariants.TryGetValue(a, out var slot))
                loop.Invariants[a] = slot = builder.AddOp(Ops.Definitions.Loops.Invariant, new[] { a }, new[] { new AttrSpec("loop", loop.Name) }, SiteOf(site));
            return slot;
        }).ToArray();
    }

    /// <summary>Narrow(x, dim, t, 1) or Select(x, dim, t) in a loop's body: step t of the sequence x along dim.</summary>
    Value LowerLoopStep(string name, List<BoundArgument> arguments, IInvocationOperation site)
    {
        var loop = activeLoop ?? throw Unsupported(site, "a loop's index is only meaningful inside its loop");
        bool narrow = name == "Narrow";
        if (!(narrow || name == "Select") || arguments.Count < 3 || arguments[0].Value is not TensorValue sequence
            || arguments[1].Value is not NumberValue { IsInteger: true } dimValue || arguments[2].Value is not LoopIndexValue
            || (narrow && (arguments.Count != 4 || arguments[3].Value is not NumberValue { IsInteger: true, Integer: 1 })))
            throw Unsupported(site, "a loop's index may only select a step of a sequence: Narrow(x, dim, t, 1) or Select(x, dim, t)");
        bool outer = sequence.Reference.Kind != ValueRefKind.Op || sequence.Reference.Index < loop.OuterOps;
        if (!outer) throw Unsupported(site, "a loop's steps come from a sequence computed before the loop, not inside it");
        int dim = (int)dimValue.Integer;
        if (dim < 0)
        {
            if (sequence.Shape is not { } known) throw Unsupported(site, "a negative dimension needs the sequence's shape; give the dimension as a non-negative number");
            dim += known.Length;
        }
        if (!loop.Sequences.TryGetValue((sequence.Reference, dim), out var slot))
        {
            // The steps the loop visits: the whole dimension when it starts at 0 and runs over all of it, else that range of it.
            var source = sequence.Reference;
            bool whole = loop.Start == 0 && sequence.Shape is { } shape && dim < shape.Length
                && (shape[dim].IsSymbolic ? loop.Steps.Equals(Graph.Size.Symbol(shape[dim].Symbol!)) : loop.Steps.Equals(Graph.Size.Of(shape[dim].Size)));
            if (!whole && loop.Steps.IsConstant)
                source = builder.AddOp(Ops.Definitions.Layout.Narrow, new[] { source }, new[]
                {
                    new AttrSpec("dim", AttrText.Int(dim)), new AttrSpec("start", AttrText.Int(loop.Start)), new AttrSpec("length", AttrText.Int(loop.Steps.Constant)),
                }, SiteOf(site));
            slot = builder.AddOp(Ops.Definitions.Loops.Sequence, new[] { source }, new[] { new AttrSpec("loop", loop.Name), new AttrSpec("dim", AttrText.Int(dim)) }, SiteOf(site));
            loop.Sequences[(sequence.Reference, dim)] = slot;
        }
        var stepShape = sequence.Shape is { } s && dim < s.Length ? s.RemoveAt(dim) : (ImmutableArray<DimSpec>?)null;
        var step = new TensorValue(slot, ValueKind.FloatTensor, stepShape);
        if (!narrow) return step;
        return Emit(Ops.Definitions.Layout.Unsqueeze, new[] { step }, ImmutableArray.Create(new AttrSpec("dim", AttrText.Int(dim))), ValueKind.FloatTensor, site,
            stepShape?.Insert(dim, DimSpec.Of(1)));
    }
}
