using System.Text;

namespace Kiln.Nn;

/// <summary>
/// Base of every neural-network module (torch.nn.Module). A module is an ordinary class: its parameters,
/// buffers and sub-modules are simply its fields (or auto-properties), discovered by reflection in declaration
/// order, and it declares whatever <c>Forward</c> method suits it — there is no abstract Forward, because
/// modules take and return different things (an RNN returns its output and h_n, an Embedding takes indices).
/// </summary>
/// <remarks>
/// A field holding a <see cref="Parameter"/> is a parameter, one holding a <see cref="Module"/> a sub-module, and
/// a <see cref="Tensor"/> field marked <see cref="BufferAttribute"/> a buffer; arrays and lists of modules or
/// parameters number their items (<c>layers.0.weight</c>, like nn.ModuleList). State names are the snake_case
/// form of the C# names (see <see cref="StateNameAttribute"/> to override). Modules whose state is not a fixed
/// set of fields (Sequential, Rnn) add entries with <see cref="RegisterModule"/> and friends.
/// </remarks>
public abstract class Module
{
    readonly List<(string Name, object? Value, bool IsBuffer)> registered = new();

    /// <summary>Whether the module is in training mode (true after construction, like torch).</summary>
    public bool Training { get; private set; } = true;

    // ---- registration of dynamically named members ----

    protected void RegisterParameter(string name, Parameter? parameter) => Register(name, parameter, isBuffer: false);

    protected void RegisterBuffer(string name, Tensor? buffer) => Register(name, buffer, isBuffer: true);

    protected void RegisterModule(string name, Module? module) => Register(name, module, isBuffer: false);

    void Register(string name, object? value, bool isBuffer)
    {
        ArgumentNullException.ThrowIfNull(name);
        ModuleMembers.ValidateName(name, GetType(), "a registration");
        if (ModuleMembers.For(GetType()).Any(s => s.Name == name) || registered.Any(r => r.Name == name))
            throw new InvalidOperationException($"Module {GetType().Name}: a member named '{name}' already exists.");
        registered.Add((name, value, isBuffer));
    }

    /// <summary>This module's own members (not its sub-modules' members), in registration order.</summary>
    IEnumerable<(string Name, object Value, bool IsBuffer)> OwnMembers()
    {
        foreach (var slot in ModuleMembers.For(GetType()))
            foreach (var member in ModuleMembers.Values(slot, this))
                yield return member;
        foreach (var (name, value, isBuffer) in registered)
            if (value is not null) yield return (name, value, isBuffer);
    }

    static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    // ---- traversal ----

    /// <summary>The direct sub-modules with their names.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        foreach (var (name, value, isBuffer) in OwnMembers())
            if (!isBuffer && value is Module child && seen.Add(child)) yield return (name, child);
    }

    public IEnumerable<Module> Children() => NamedChildren().Select(c => c.Module);

    /// <summary>This module (named "") and every sub-module, depth first; a module reachable twice appears once.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(string, Module)>();
        stack.Push(("", this));
        while (stack.Count > 0)
        {
            var (prefix, module) = stack.Pop();
            if (!seen.Add(module)) continue;
            yield return (prefix, module);
            var children = module.OwnMembers().Where(m => !m.IsBuffer && m.Value is Module).ToList();
            for (int i = children.Count - 1; i >= 0; i--) stack.Push((Join(prefix, children[i].Name), (Module)children[i].Value));
        }
    }

    public IEnumerable<Module> Modules() => NamedModules().Select(m => m.Module);

    /// <summary>Every parameter with its dotted name (<c>fc1.weight</c>); a shared parameter appears once.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in NamedModules())
            foreach (var (name, value, isBuffer) in module.OwnMembers())
                if (!isBuffer && value is Parameter p && seen.Add(p)) yield return (Join(prefix, name), p);
    }

    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every buffer (running statistics and the like) with its dotted name.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in NamedModules())
            foreach (var (name, value, isBuffer) in module.OwnMembers())
                if (isBuffer && value is Tensor t && seen.Add(t)) yield return (Join(prefix, name), t);
    }

    public IEnumerable<Tensor> Buffers() => NamedBuffers().Select(b => b.Buffer);

    // ---- modes and gradients ----

    /// <summary>Sets training mode on this module and every sub-module (Dropout and BatchNorm read it).</summary>
    public Module Train(bool mode = true)
    {
        foreach (var module in Modules()) module.Training = mode;
        return this;
    }

    /// <summary>Evaluation mode: <c>Train(false)</c>.</summary>
    public Module Eval() => Train(false);

    /// <summary>
    /// Clears the gradients of every parameter. Like torch 1.13's default (set_to_none=False), existing
    /// gradients are zeroed in place, so a tensor obtained from <c>p.Grad</c> stays valid; with
    /// <paramref name="setToNone"/> they are dropped instead.
    /// </summary>
    public void ZeroGrad(bool setToNone = false) =>
        VisitParameters(setToNone ? DropGradient : ClearGradient, new HashSet<Module>(ReferenceEqualityComparer.Instance));

    static readonly Action<Parameter> ClearGradient = p => p.Grad?.Data.Clear();
    static readonly Action<Parameter> DropGradient = p => p.Grad = null;

    /// <summary>
    /// Calls <paramref name="visit"/> on every parameter of the tree. Unlike <see cref="NamedParameters"/> it builds
    /// no dotted names and runs no iterators, because ZeroGrad calls it on every training step; a parameter shared
    /// by two modules is visited twice, which clearing or dropping a gradient does not mind.
    /// </summary>
    void VisitParameters(Action<Parameter> visit, HashSet<Module> visited)
    {
        if (!visited.Add(this)) return;
        foreach (var slot in ModuleMembers.For(GetType()))
        {
            if (slot.IsBuffer) continue;
            var value = slot.Field.GetValue(this);
            if (slot.IsCollection && value is System.Collections.IEnumerable items)
                foreach (var item in items) VisitMember(item, visit, visited);
            else VisitMember(value, visit, visited);
        }
        foreach (var (_, value, isBuffer) in registered)
            if (!isBuffer) VisitMember(value, visit, visited);
    }

    static void VisitMember(object? value, Action<Parameter> visit, HashSet<Module> visited)
    {
        if (value is Parameter p) visit(p);
        else if (value is Module m) m.VisitParameters(visit, visited);
    }

    /// <summary>Calls <paramref name="fn"/> on every sub-module, children before parents, then on this module.</summary>
    public Module Apply(Action<Module> fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        foreach (var child in Children()) child.Apply(fn);
        fn(this);
        return this;
    }

    // ---- state dict ----

    /// <summary>
    /// Every parameter and buffer under its dotted name, module by module: own parameters, own buffers, then
    /// sub-modules, as torch orders state_dict. Walks every path, so a shared tensor appears under each name.
    /// </summary>
    internal List<(string Name, Tensor Tensor)> StateEntries()
    {
        var entries = new List<(string, Tensor)>();
        var path = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        CollectState("", entries, path);
        return entries;
    }

    void CollectState(string prefix, List<(string, Tensor)> entries, HashSet<Module> path)
    {
        if (!path.Add(this)) return;
        var members = OwnMembers().ToList();
        foreach (var (name, value, isBuffer) in members)
            if (!isBuffer && value is Parameter p) entries.Add((Join(prefix, name), p));
        foreach (var (name, value, isBuffer) in members)
            if (isBuffer && value is Tensor t) entries.Add((Join(prefix, name), t));
        foreach (var (name, value, isBuffer) in members)
            if (!isBuffer && value is Module m) m.CollectState(Join(prefix, name), entries, path);
        path.Remove(this);
    }

    // ---- state held elsewhere ----

    // Callbacks for values held outside this module's tensors (a training graph resident on an accelerator, in
    // Kiln.Accelerators): one writes the newer values back into the tensors before the state is read, so a checkpoint
    // never saves stale parameters; the other copies the tensors out again after a load, so training goes on from the
    // loaded values (and a later save does not bring the old ones back). Kiln.Runtime only calls them and stays free
    // of any accelerator reference.
    readonly List<(Action Sync, Action? Loaded)> stateSyncs = new();

    /// <summary>
    /// Registers <paramref name="sync"/> to run before this module's state is read (<see cref="StateDict"/>,
    /// <see cref="Save"/>, and <see cref="LoadStateDict"/>, which may load only part of it): it writes values held
    /// elsewhere, such as parameters trained on a device, back into the module's tensors. <paramref name="loaded"/>,
    /// when given, runs after <see cref="LoadStateDict"/> has written the tensors, to copy them out to where they are
    /// held. Disposing the result unregisters both. Callbacks run in registration order.
    /// </summary>
    public IDisposable RegisterStateSync(Action sync, Action? loaded = null)
    {
        ArgumentNullException.ThrowIfNull(sync);
        var registration = (sync, loaded);
        lock (stateSyncs) stateSyncs.Add(registration);
        return new StateSyncRegistration(this, registration);
    }

    /// <summary>Runs the registered state syncs (see <see cref="RegisterStateSync"/>).</summary>
    public void SyncState()
    {
        foreach (var (sync, _) in StateSyncs()) sync();
    }

    (Action Sync, Action? Loaded)[] StateSyncs()
    {
        lock (stateSyncs) return stateSyncs.ToArray();
    }

    sealed class StateSyncRegistration(Module module, (Action Sync, Action? Loaded) registration) : IDisposable
    {
        public void Dispose()
        {
            lock (module.stateSyncs) module.stateSyncs.Remove(registration);
        }
    }

    /// <summary>Copies of every parameter and buffer, in order, detached from the tape; values held elsewhere (a device graph bound to the model) are synced in first.</summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        SyncState();
        var dict = new OrderedDictionary<string, Tensor>();
        foreach (var (name, tensor) in StateEntries()) dict[name] = tensor.Detach().Clone();
        return dict;
    }

    /// <summary>
    /// Copies values from <paramref name="stateDict"/> into the parameters and buffers of the same names. Every
    /// check runs before anything is written: a shape mismatch is always an error; with <paramref name="strict"/>
    /// so are names missing from the dict and names the model does not have.
    /// </summary>
    public LoadStateDictResult LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var entries = StateEntries();
        var problems = CompareState(entries, stateDict, out var missing, out var unexpected);
        if (strict)
        {
            if (missing.Count > 0) problems.Insert(0, "missing key(s): " + string.Join(", ", missing));
            if (unexpected.Count > 0) problems.Insert(missing.Count > 0 ? 1 : 0, "unexpected key(s): " + string.Join(", ", unexpected));
        }
        if (problems.Count > 0)
            throw new ArgumentException($"LoadStateDict: error(s) loading the state dict of {GetType().Name}: {string.Join("; ", problems)}.");
        // Values held elsewhere come back first: a partial load must not leave the rest at stale host copies.
        var syncs = StateSyncs();
        foreach (var (sync, _) in syncs) sync();
        using (Autograd.NoGrad())
            foreach (var (name, target) in entries)
                if (stateDict.TryGetValue(name, out var source)) target.CopyFrom(source);
        foreach (var (_, loaded) in syncs) loaded?.Invoke();
        return new LoadStateDictResult(missing, unexpected);
    }

    /// <summary>Size mismatches as messages; missing and unexpected names through the out lists.</summary>
    static List<string> CompareState(List<(string Name, Tensor Tensor)> entries, IReadOnlyDictionary<string, Tensor> source,
        out List<string> missing, out List<string> unexpected)
    {
        var problems = new List<string>();
        missing = new List<string>();
        var known = new HashSet<string>();
        foreach (var (name, target) in entries)
        {
            known.Add(name);
            if (!source.TryGetValue(name, out var value)) missing.Add(name);
            else if (value is null || !ShapeUtil.SameShape(value.Dims, target.Dims))
                problems.Add($"size mismatch for {name}: the checkpoint has shape {(value is null ? "null" : value.ShapeString)}, the model has {target.ShapeString}");
        }
        unexpected = source.Keys.Where(k => !known.Contains(k)).ToList();
        return problems;
    }

    /// <summary>
    /// Writes the state dict to <paramref name="path"/> (see <see cref="Checkpoint"/>): to a temporary file in the
    /// same folder first, then renamed over the target, so a crash never leaves a half-written checkpoint.
    /// </summary>
    public void Save(string path) => Checkpoint.Save(StateDict(), path);

    /// <summary>
    /// Loads a checkpoint written by <see cref="Save"/>. A file of another model is rejected, naming the entries
    /// the file lacks, the ones this model lacks, and any shape that differs; nothing is changed then.
    /// </summary>
    public Module Load(string path)
    {
        var state = Checkpoint.Load(path);
        var problems = CompareState(StateEntries(), state, out var missing, out var unexpected);
        if (missing.Count > 0) problems.Insert(0, $"missing from the file: {string.Join(", ", missing)}");
        if (unexpected.Count > 0) problems.Insert(missing.Count > 0 ? 1 : 0, $"not in {GetType().Name}: {string.Join(", ", unexpected)}");
        if (problems.Count > 0)
            throw new InvalidDataException($"Load: {path} is a checkpoint of a different model: {string.Join("; ", problems)}.");
        LoadStateDict(state, strict: true);
        return this;
    }

    // ---- printing ----

    /// <summary>The text inside the parentheses of this module's line in <see cref="ToString"/>, as torch's extra_repr.</summary>
    protected virtual string ExtraRepr() => "";

    /// <summary>The module tree as torch prints it.</summary>
    public override string ToString()
    {
        var children = NamedChildren().ToList();
        var typeName = GetType().Name;
        if (typeName.IndexOf('`') is > 0 and var tick) typeName = typeName[..tick];   // ModuleList<Linear> prints as ModuleList
        var sb = new StringBuilder(typeName).Append('(').Append(ExtraRepr());
        if (children.Count > 0)
        {
            sb.Append('\n');
            foreach (var (name, child) in children)
                sb.Append("  (").Append(name).Append("): ").Append(child.ToString().Replace("\n", "\n  ")).Append('\n');
        }
        return sb.Append(')').ToString();
    }

    internal static string Py(bool value) => value ? "True" : "False";

    /// <summary>A float as Python prints it in a repr (1e-05, 0.1).</summary>
    internal static string PyFloat(float value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture).ToLowerInvariant();
}

/// <summary>The names <see cref="Module.LoadStateDict"/> tolerated when it was not strict.</summary>
public sealed record LoadStateDictResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
