using System.Runtime.CompilerServices;
using System.Globalization;
using System.Text;

namespace Kiln.Compiled;

/// <summary>The arena, buffer offsets and result tensor of one program for one binding of the symbols.</summary>
public sealed class ProgramState
{
    internal ProgramState(BindingKey binding, float[] arena, int[] offsets, int[] sizes, Tensor result, Tensor[]? moreResults = null, IntTensor?[]? integerResults = null)
    {
        MoreResults = moreResults ?? Array.Empty<Tensor>();
        IntegerResults = integerResults ?? new IntTensor?[MoreResults.Length];
        Binding = binding;
        Arena = arena;
        Offsets = offsets;
        Sizes = sizes;
        Result = result;
    }

    public BindingKey Binding { get; }
    public float[] Arena { get; }
    public int[] Offsets { get; }
    public int[] Sizes { get; }

    /// <summary>The tensor a call returns: owned by the graph and overwritten by the next call with the same binding.</summary>
    public Tensor Result { get; }

    /// <summary>The further results of a method returning a tuple, likewise owned by the graph.</summary>
    public Tensor[] MoreResults { get; }

    /// <summary>The further results that are IntTensors (null at the positions of float ones, whose MoreResults entry is then unused).</summary>
    public IntTensor?[] IntegerResults { get; }

    /// <summary>The storage generated kernels write the integer result at <paramref name="index"/> into.</summary>
    public Span<int> IntegerResultData(int index) =>
        (IntegerResults[index] ?? throw new InvalidOperationException($"result {index + 1} is not an IntTensor")).Storage;

    public Span<float> Buffer(int index) => Arena.AsSpan(Offsets[index], Sizes[index]);
}

/// <summary>
/// The base of every generated <c>&lt;Method&gt;Graph</c> class: binds symbols from argument shapes (with errors that
/// name the parameter and both shapes), plans each program's arena once per binding and caches it, so a
/// steady-state call allocates nothing, and provides Summary and ToDot. The generated subclass holds only the kernels.
/// </summary>
public abstract class CompiledGraph
{
    readonly GraphDescription description;
    readonly Dictionary<BindingKey, ProgramState>[] states;
    readonly ProgramState?[] lastState;
    readonly float[]?[] frozenGradients;

    protected CompiledGraph(GraphDescription description)
    {
        this.description = description ?? throw new ArgumentNullException(nameof(description));
        states = new Dictionary<BindingKey, ProgramState>[description.Programs.Length];
        for (int i = 0; i < states.Length; i++) states[i] = new Dictionary<BindingKey, ProgramState>();
        lastState = new ProgramState?[description.Programs.Length];
        frozenGradients = new float[]?[description.Captures.Length];
    }

    /// <summary>Graph ops vs fused kernels per program, the kernels, and the arena bytes of every binding seen so far.</summary>
    public string Summary
    {
        get
        {
            var sb = new StringBuilder(description.Summary);
            if (sb.Length > 0 && sb[sb.Length - 1] != '\n') sb.Append('\n');
            for (int p = 0; p < description.Programs.Length; p++)
            {
                var program = description.Programs[p];
                if (states[p].Count == 0)
                {
                    sb.Append("arena (").Append(program.Name).Append("): planned at the first call\n");
                    continue;
                }
                foreach (var state in states[p].Values.OrderBy(s => s.Binding.S0).ThenBy(s => s.Binding.S1))
                    sb.Append("arena (").Append(program.Name).Append(", ").Append(FormatBinding(state.Binding)).Append("): ")
                      .Append(((long)state.Arena.Length * sizeof(float)).ToString("N0", CultureInfo.InvariantCulture)).Append(" bytes\n");
            }
            return sb.ToString();
        }
    }

    /// <summary>Arena bytes of one program for one binding (planning it if needed); for tests and benchmarks.</summary>
    public long ArenaBytes(string programName, params int[] symbols)
    {
        int p = Array.FindIndex(description.Programs, x => x.Name == programName);
        if (p < 0) throw new ArgumentException($"{description.Method}: no program named '{programName}'.");
        return (long)Prepare(p, symbols).Arena.Length * sizeof(float);
    }

    /// <summary>The compiled programs (forward, forward+backward) with their graph op and fused kernel counts.</summary>
    public IReadOnlyList<ProgramLayout> Programs => description.Programs;

    /// <summary>
    /// The largest arena, in bytes, planned so far for the program named <paramref name="programName"/> over the
    /// bindings it has been called with; 0 before its first call. Unlike <see cref="ArenaBytes"/> it plans nothing.
    /// </summary>
    public long PlannedArenaBytes(string programName)
    {
        int p = Array.FindIndex(description.Programs, x => x.Name == programName);
        if (p < 0) throw new ArgumentException($"{description.Method}: no program named '{programName}'.");
        long largest = 0;
        foreach (var state in states[p].Values) largest = Math.Max(largest, (long)state.Arena.Length * sizeof(float));
        return largest;
    }

    /// <summary>The graph in Graphviz form, each fused kernel a cluster.</summary>
    public string ToDot() => description.Dot;

    public override string ToString() => description.Summary;

    /// <summary>
    /// Anomaly detection for generated code: throws <see cref="AnomalyDetectedException"/> when
    /// <paramref name="values"/> holds a NaN or an infinity, naming <paramref name="kernelDescription"/>, the first bad
    /// index and its value. Generated code calls it after each kernel, only inside
    /// <see cref="Autograd.DetectAnomaly"/>: <c>if (global::Kiln.Autograd.AnomalyDetectionEnabled)
    /// global::Kiln.Compiled.CompiledGraph.CheckFinite(buffer3, "kernel 3: relu …");</c>
    /// </summary>
    public static void CheckFinite(ReadOnlySpan<float> values, string kernelDescription)
    {
        int bad = NonFinite.FirstIndex(values);
        if (bad < 0) return;
        float value = values[bad];
        throw new AnomalyDetectedException(kernelDescription,
            $"Anomaly detected: {kernelDescription} returned {NonFinite.Kind(value)} values in its output of {values.Length} elements: " +
            $"first at index {bad} ({NonFinite.Describe(value)}).");
    }

    string FormatBinding(BindingKey binding) =>
        description.Symbols.Length == 0 ? "no symbols" :
        string.Join(", ", description.Symbols.Select((s, i) => s + "=" + binding[i].ToString(CultureInfo.InvariantCulture)));

    /// <summary>Marks every symbol unbound; call with a stackalloc'd span of the graph's symbol count.</summary>
    protected static void BeginBinding(Span<int> symbols) => symbols.Fill(-1);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected void BindInput(int index, Tensor? tensor, Span<int> symbols)
    {
        var declaration = description.Inputs[index];
        if (tensor is null) throw new ArgumentNullException(declaration.Name, $"{description.Method}: parameter '{declaration.Name}' is null.");
        Bind(declaration, "parameter", tensor.Rank, tensor, null, symbols);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected void BindInput(int index, IntTensor? tensor, Span<int> symbols)
    {
        var declaration = description.Inputs[index];
        if (tensor is null) throw new ArgumentNullException(declaration.Name, $"{description.Method}: parameter '{declaration.Name}' is null.");
        Bind(declaration, "parameter", tensor.Rank, null, tensor, symbols);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected void BindCapture(int index, Tensor? tensor, Span<int> symbols)
    {
        var declaration = description.Captures[index];
        if (tensor is null) throw new InvalidOperationException($"{description.Method}: '{declaration.Name}' is null.");
        Bind(declaration, "field", tensor.Rank, tensor, null, symbols);
    }

    void Bind(TensorDeclaration declaration, string what, int rank, Tensor? floats, IntTensor? ints, Span<int> symbols)
    {
        var dims = declaration.Dims;
        bool ok = rank == dims.Length;
        for (int i = 0; ok && i < dims.Length; i++)
        {
            int actual = floats is not null ? floats.Size(i) : ints!.Size(i);
            if (dims[i] >= 0)
            {
                ok = actual == dims[i];
                continue;
            }
            int symbol = TensorDeclaration.SymbolIndex(dims[i]), factor = declaration.Factor(i);
            if (symbols[symbol] < 0)
            {
                if (actual < factor) throw ShapeMismatch(declaration, what, floats, ints, symbols, $"{description.Symbols[symbol]} must be at least 1");
                if (actual % factor != 0)
                    throw ShapeMismatch(declaration, what, floats, ints, symbols, $"dimension {i} must be a multiple of {factor} to bind {description.Symbols[symbol]}");
                symbols[symbol] = actual / factor;
            }
            else ok = symbols[symbol] * factor == actual;
        }
        if (!ok) throw ShapeMismatch(declaration, what, floats, ints, symbols, null);
    }

    /// <summary>
    /// Binds <paramref name="symbol"/> from a size the model holds (a readonly int field set by its constructor, read by
    /// the method), or checks it against the value the shapes bound it to already.
    /// </summary>
    protected void BindSize(int symbol, int value, string name, Span<int> symbols)
    {
        if (symbols[symbol] < 0)
        {
            if (value < 1) throw new InvalidOperationException($"{description.Method}: '{name}' is {value}, but it sizes the graph's tensors ({description.Symbols[symbol]}), so it must be at least 1.");
            symbols[symbol] = value;
        }
        else if (symbols[symbol] != value)
            throw new InvalidOperationException($"{description.Method}: '{name}' is {value}, but the shapes bind {description.Symbols[symbol]} = {symbols[symbol]} (from '{FirstBinder(symbol)}'); the graph needs them equal.");
    }

    /// <summary>Checks a size the model holds against the constant the graph was generated for (shape inference equated them).</summary>
    protected void CheckSize(int value, int expected, string name)
    {
        if (value != expected)
            throw new InvalidOperationException($"{description.Method}: '{name}' is {value}, but the compiled graph was generated for {expected} (its shapes equate the two).");
    }

    string FirstBinder(int symbol) =>
        description.Inputs.Concat(description.Captures).FirstOrDefault(d => d.Dims.Any(x => x < 0 && TensorDeclaration.SymbolIndex(x) == symbol))?.Name ?? "?";

    // Only on the error path: formatting allocates.
    Exception ShapeMismatch(TensorDeclaration declaration, string what, Tensor? floats, IntTensor? ints, Span<int> symbols, string? reason)
    {
        var actual = "[" + string.Join(",", floats?.Shape ?? ints!.Shape) + "]";
        var declared = "[" + string.Join(",", declaration.Dims.Select((d, i) => d >= 0 ? d.ToString(CultureInfo.InvariantCulture)
            : description.Symbols[TensorDeclaration.SymbolIndex(d)] + (declaration.Factor(i) == 1 ? "" : "*" + declaration.Factor(i).ToString(CultureInfo.InvariantCulture)))) + "]";
        var message = new StringBuilder(what == "field" && ModuleOf(declaration.Name) is { } module
            // A module's parameter: its sizes come from the module's constructor, which the graph was generated for.
            ? $"{description.Method}: parameter '{declaration.Name}' of module '{module}' has shape {actual}, but the compiled graph expects {declared}"
            : $"{description.Method}: {what} '{declaration.Name}' has shape {actual}, but [Shape] declares {declared}");
        if (reason is not null) message.Append(": ").Append(reason);
        else
        {
            var values = symbols.ToArray();
            var bound = declaration.Dims.Where(d => d < 0).Select(TensorDeclaration.SymbolIndex).Distinct()
                .Where(s => values[s] >= 0).Select(s => $"{description.Symbols[s]} = {values[s]} from '{BoundBy(s, declaration)}'").ToList();
            if (bound.Count > 0) message.Append(" with ").Append(string.Join(", ", bound));
        }
        return new ArgumentException(message.Append('.').ToString(), declaration.Name);
    }

    /// <summary>"fc1" for the capture "fc1.weight", "net.0" for "net.0.bias"; null for a field of the model itself.</summary>
    static string? ModuleOf(string captureName)
    {
        int dot = captureName.LastIndexOf('.');
        return dot > 0 ? captureName.Substring(0, dot) : null;
    }

    string BoundBy(int symbol, TensorDeclaration current)
    {
        foreach (var d in description.Inputs.Concat(description.Captures))
        {
            if (ReferenceEquals(d, current)) break;
            if (d.Dims.Any(x => x < 0 && TensorDeclaration.SymbolIndex(x) == symbol)) return d.Name;
        }
        return current.Name;
    }

    /// <summary>The cached arena and result of <paramref name="program"/> for the bound symbols, planned on first use.</summary>
    protected ProgramState Prepare(int program, ReadOnlySpan<int> symbols)
    {
        var key = BindingKey.From(symbols);
        var last = lastState[program];
        if (last is not null && last.Binding == key) return last;
        if (!states[program].TryGetValue(key, out var state))
        {
            var layout = description.Programs[program];
            var sizes = new int[layout.BufferCount];
            layout.Sizes(symbols, sizes);
            var offsets = new int[sizes.Length];
            int length = ArenaPlanner.Plan(sizes, layout.FirstUse, layout.LastUse, offsets);
            var moreResults = new Tensor[layout.MoreResultShapes.Length];
            var integerResults = new IntTensor?[moreResults.Length];
            for (int r = 0; r < moreResults.Length; r++)
            {
                var shape = layout.MoreResultShapes[r](symbols);
                if (layout.IntegerResults[r])
                {
                    integerResults[r] = IntTensor.Wrap(new int[ShapeUtil.Count(shape, "ProgramState")], shape);
                    moreResults[r] = Tensor.Zeros(0);
                }
                else moreResults[r] = Tensor.Zeros(shape);
            }
            state = new ProgramState(key, new float[length], offsets, sizes, Tensor.Zeros(layout.ResultShape(symbols)), moreResults, integerResults);
            states[program].Add(key, state);
        }
        lastState[program] = state;
        return state;
    }

    /// <summary>
    /// The runtime half of a generated <c>Apply</c>: the graph as one node of the eager tape. Copies
    /// <paramref name="results"/> (the graph's own tensors, overwritten by its next call) into tensors of the caller's;
    /// when the tape records (a float argument or a parameter requires grad) attaches one node whose backward calls
    /// <paramref name="vjp"/> with one upstream gradient per result (the generated VJP program: recomputes the forward,
    /// adds the parameters' gradients into their Grad, returns the float arguments' gradients, graph-owned, which are
    /// copied here so that a later call of the same graph in the same backward cannot overwrite them). Parameters are
    /// inputs of the node only so that the tape records it and reaches it; their gradients come from the VJP program.
    /// Several results share one node: they are slices of one packed tensor, so the node runs once per backward.
    /// </summary>
    protected Tensor[] RecordOnTape(string name, Tensor[] results, Tensor[] inputs, Tensor[] parameters, Func<Tensor[], Tensor[]> vjp)
    {
        var nodeInputs = new Tensor[inputs.Length + parameters.Length];
        inputs.CopyTo(nodeInputs, 0);
        parameters.CopyTo(nodeInputs, inputs.Length);
        bool records = Autograd.ShouldRecord(nodeInputs);
        if (results.Length == 1)
        {
            var output = results[0].Clone();
            if (!records) return new[] { output };
            return new[] { Autograd.Record(output, name, nodeInputs, g => InputGradients(vjp(new[] { g }), inputs, nodeInputs.Length)) };
        }

        var shapes = new int[results.Length][];
        var offsets = new int[results.Length + 1];
        for (int r = 0; r < results.Length; r++)
        {
            shapes[r] = results[r].Dims;
            offsets[r + 1] = offsets[r] + results[r].Count;
        }
        if (!records) return results.Select(r => r.Clone()).ToArray();
        var packed = new float[offsets[results.Length]];
        for (int r = 0; r < results.Length; r++) results[r].Storage.CopyTo(packed, offsets[r]);
        var node = Autograd.Record(new Tensor(packed, new[] { packed.Length }), name, nodeInputs, g =>
        {
            var upstream = new Tensor[shapes.Length];
            for (int r = 0; r < shapes.Length; r++)
                upstream[r] = new Tensor(g.Storage.AsSpan(offsets[r], offsets[r + 1] - offsets[r]).ToArray(), shapes[r]);
            return InputGradients(vjp(upstream), inputs, nodeInputs.Length);
        });
        var outputs = new Tensor[results.Length];
        for (int r = 0; r < results.Length; r++)
            outputs[r] = Ops.Reshape(Ops.Narrow(node, 0, offsets[r], offsets[r + 1] - offsets[r]), shapes[r]);
        return outputs;
    }

    static Tensor?[] InputGradients(Tensor[] graphOwned, Tensor[] inputs, int nodeInputs)
    {
        var grads = new Tensor?[nodeInputs];
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i].RequiresGrad) grads[i] = graphOwned[i].Clone();
        return grads;
    }

    /// <summary>
    /// The parameter's gradient storage for accumulation, created as zeros when the parameter has none. A frozen
    /// parameter (RequiresGrad false at call time) gets no gradient from the tape, so its Grad is left alone: the
    /// kernels still run (their results may feed other gradients) but write into a graph-owned scratch buffer,
    /// cleared per call and allocated once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected Span<float> GradientOf(Tensor parameter, int captureIndex)
    {
        if (!parameter.RequiresGrad)
        {
            var scratch = frozenGradients[captureIndex];
            if (scratch is null || scratch.Length != parameter.Count) frozenGradients[captureIndex] = scratch = new float[parameter.Count];
            else Array.Clear(scratch);
            return scratch;
        }
        var grad = parameter.Grad;
        if (grad is null)
        {
            grad = Tensor.Zeros(parameter.Shape);
            parameter.Grad = grad;
        }
        else if (grad.Count != parameter.Count || grad.Rank != parameter.Rank)
            throw new InvalidOperationException($"{description.Method}: the Grad of '{description.Captures[captureIndex].Name}' has shape [{string.Join(",", grad.Shape)}], but the parameter has [{string.Join(",", parameter.Shape)}].");
        return grad.Data;
    }
}
