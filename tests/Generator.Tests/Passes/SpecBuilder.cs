using Kiln.Generator.Helpers;
using Kiln.Generator.Models;

namespace Kiln.Generator.Tests.Passes;

/// <summary>Builds GraphSpecs by hand, as the front end would lower a [Compile] method: value ids are inputs, then captures, then ops.</summary>
internal sealed class SpecBuilder
{
    readonly string typeName;
    readonly string method;
    readonly List<InputSpec> inputs = new();
    readonly List<CaptureSpec> captures = new();
    readonly List<(string Op, int[] Args, (string, string)[] Attrs)> ops = new();

    public SpecBuilder(string typeName = "TestModel", string method = "Loss")
    {
        this.typeName = typeName;
        this.method = method;
    }

    public bool IsStatic { get; init; }

    // Ids are assigned at Build time; until then a value is a handle naming its list and position.
    public readonly record struct Value(int Kind, int Index);

    public Value Input(string name, params object[] dims) => Add(inputs, new InputSpec(name, ValueKind.FloatTensor, Dims(dims)), 0);
    public Value Labels(string name, params object[] dims) => Add(inputs, new InputSpec(name, ValueKind.IntTensor, Dims(dims)), 0);

    public Value Parameter(string name, params object[] dims) =>
        Add(captures, new CaptureSpec(name, "this." + name, CaptureKind.Parameter, Dims(dims)), 1);

    public Value Buffer(string name, params object[] dims) =>
        Add(captures, new CaptureSpec(name, "this." + name, CaptureKind.Buffer, Dims(dims)), 1);

    public Value Flag(string name) =>
        Add(captures, new CaptureSpec(name, "this." + name, CaptureKind.Flag, EquatableArray<DimSpec>.Empty), 1);

    public Value Op(string op, params Value[] args) => Op(op, args, Array.Empty<(string, string)>());

    public Value Op(string op, Value[] args, params (string Name, string Value)[] attrs)
    {
        ops.Add((op, args.Select(Id).ToArray(), attrs));
        return new Value(2, ops.Count - 1);
    }

    public Value Constant(float value) => Op("constant", Array.Empty<Value>(), ("value", value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));

    Value Add<T>(List<T> list, T item, int kind)
    {
        if (kind == 0 && (captures.Count > 0 || ops.Count > 0)) throw new InvalidOperationException("declare inputs first");
        if (kind == 1 && ops.Count > 0) throw new InvalidOperationException("declare captures before ops");
        list.Add(item);
        return new Value(kind, list.Count - 1);
    }

    // Inputs and captures are declared before ops, so ids are final when an op is added.
    int Id(Value v) => v.Kind switch
    {
        0 => v.Index,
        1 => inputs.Count + v.Index,
        _ => inputs.Count + captures.Count + v.Index,
    };

    static EquatableArray<DimSpec> Dims(object[] dims) =>
        dims.Select(d => d switch
        {
            int i => DimSpec.Of(i),
            string s => DimSpec.Of(s),
            _ => throw new ArgumentException($"dimension {d} must be an int or a string"),
        }).ToEquatableArray();

    public GraphSpec Build(Value result, string? ns = "Kiln.Tests.Generated") => new(
        HintName: typeName + "." + method + ".g.cs",
        ContainingType: new TypeSpec(ns, new[] { "public partial class " + typeName }.ToEquatableArray(), (ns is null ? "" : ns + ".") + typeName),
        MethodName: method,
        IsStatic: IsStatic,
        Inputs: inputs.ToEquatableArray(),
        Captures: captures.ToEquatableArray(),
        Ops: ops.Select(o => new OpSpec(o.Op, o.Args.ToEquatableArray(), o.Attrs.Select(a => new AttrSpec(a.Item1, a.Item2)).ToEquatableArray())).ToEquatableArray(),
        Result: Id(result));
}
