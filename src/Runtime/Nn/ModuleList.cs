using System.Collections;
using System.Globalization;

namespace Kiln.Nn;

/// <summary>
/// A list of sub-modules (nn.ModuleList): each is registered under its index, "0", "1", …, so a field named
/// <c>blocks</c> holding one gives parameters <c>blocks.0.weight</c>, exactly as torch names them. It has no Forward;
/// iterate it in your own. The type parameter lets <c>foreach (var layer in layers) x = layer.Forward(x);</c> compile
/// without casts; <see cref="ModuleList"/> holds any module.
/// </summary>
public class ModuleList<T> : Module, IReadOnlyList<T> where T : Module
{
    // Registered under their indices as they are appended; unregistered here so they are not listed twice.
    [Unregistered] readonly List<T> modules = new();

    public ModuleList(params T[] modules) : this((IEnumerable<T>)modules) { }

    public ModuleList(IEnumerable<T> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        Extend(modules);
    }

    /// <summary>Adds a module at the end, named by its index.</summary>
    public ModuleList<T> Append(T module)
    {
        if (module is null) throw new ArgumentNullException(nameof(module), $"{GetType().Name}.Append: module {modules.Count} is null.");
        RegisterModule(modules.Count.ToString(CultureInfo.InvariantCulture), module);
        modules.Add(module);
        return this;
    }

    /// <summary>Appends every module of <paramref name="items"/> in order.</summary>
    public ModuleList<T> Extend(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var module in items) Append(module);
        return this;
    }

    /// <summary>The module at <paramref name="index"/>; a negative index counts from the end, as in Python.</summary>
    public T this[int index] => modules[CheckIndex(index)];

    /// <summary>The module at <paramref name="index"/> as <typeparamref name="TModule"/>, with an error naming both types when it is not one.</summary>
    public TModule Get<TModule>(int index) where TModule : Module => this[index] as TModule
        ?? throw new InvalidCastException($"{GetType().Name}: module {index} is a {this[index].GetType().Name}, not a {typeof(TModule).Name}.");

    int CheckIndex(int index)
    {
        int i = index < 0 ? index + modules.Count : index;
        if ((uint)i >= (uint)modules.Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"{GetType().Name}: index {index} is out of range for {modules.Count} modules.");
        return i;
    }

    public int Count => modules.Count;

    public IEnumerator<T> GetEnumerator() => modules.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>nn.ModuleList of any modules; see <see cref="ModuleList{T}"/> for a list of one kind.</summary>
public sealed class ModuleList : ModuleList<Module>
{
    public ModuleList(params Module[] modules) : base(modules) { }

    public ModuleList(IEnumerable<Module> modules) : base(modules) { }
}
