using System.Collections;

namespace Kiln.Nn;

/// <summary>
/// Runs its modules in order, each one's output the next one's input (nn.Sequential). The modules are named
/// "0", "1", …, so their parameters are <c>0.weight</c>, or <c>layers.0.weight</c> inside a field named layers.
/// </summary>
public sealed class Sequential : Module, ITensorModule, IReadOnlyList<Module>
{
    // Registered under their indices as they are appended; unregistered here so they are not listed twice.
    [Unregistered] readonly List<Module> modules = new();

    /// <param name="modules">Each must map one tensor to one tensor (implement <see cref="ITensorModule"/>).</param>
    public Sequential(params Module[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var module in modules) Append(module);
    }

    public Sequential Append(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (module is not ITensorModule)
            throw new ArgumentException($"Sequential: module {modules.Count} ({module.GetType().Name}) does not map one tensor to one tensor (it does not implement ITensorModule), so it cannot be a step.");
        RegisterModule(modules.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        modules.Add(module);
        return this;
    }

    public Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var module in modules) x = ((ITensorModule)module).Forward(x);
        return x;
    }

    public Module this[int index] => modules[index];

    public int Count => modules.Count;

    public IEnumerator<Module> GetEnumerator() => modules.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
