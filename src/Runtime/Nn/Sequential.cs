using System.Collections;
using System.Reflection;

namespace Kiln.Nn;

/// <summary>
/// Runs its modules in order, each one's output the next one's input (nn.Sequential). The modules are named
/// "0", "1", …, so their parameters are <c>0.weight</c>, or <c>layers.0.weight</c> inside a field named layers.
/// </summary>
public sealed class Sequential : Module, ITensorModule, IReadOnlyList<Module>
{
    // Registered under their indices as they are appended; unregistered here so they are not listed twice.
    [Unregistered] readonly List<Module> modules = new();
    readonly List<Func<Tensor, Tensor>> steps = new();

    /// <param name="modules">
    /// Each must map one tensor to one tensor: implement <see cref="ITensorModule"/>, or declare a public
    /// <c>Tensor Forward(Tensor)</c> (a user's module need not know about the interface).
    /// </param>
    public Sequential(params Module[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var module in modules) Append(module);
    }

    public Sequential Append(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var step = module is ITensorModule tensorModule ? tensorModule.Forward : FindForward(module)
            ?? throw new ArgumentException($"Sequential: module {modules.Count} ({module.GetType().Name}) does not map one tensor to one tensor (it neither implements ITensorModule nor declares a public Tensor Forward(Tensor)), so it cannot be a step.");
        RegisterModule(modules.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        modules.Add(module);
        steps.Add(step);
        return this;
    }

    static Func<Tensor, Tensor>? FindForward(Module module)
    {
        var method = module.GetType().GetMethod("Forward", BindingFlags.Instance | BindingFlags.Public, new[] { typeof(Tensor) });
        return method is not null && method.ReturnType == typeof(Tensor) ? method.CreateDelegate<Func<Tensor, Tensor>>(module) : null;
    }

    public Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var step in steps) x = step(x);
        return x;
    }

    /// <summary>The module at <paramref name="index"/>; a negative index counts from the end, as in Python.</summary>
    public Module this[int index] => modules[CheckIndex(index)];

    /// <summary>
    /// The module at <paramref name="index"/> as <typeparamref name="T"/> (<c>seq.Get&lt;Linear&gt;(0).Weight</c>, torch's
    /// <c>seq[0].weight</c>), with an error naming both types when it is not one.
    /// </summary>
    public T Get<T>(int index) where T : Module => this[index] as T
        ?? throw new InvalidCastException($"Sequential: module {index} is a {this[index].GetType().Name}, not a {typeof(T).Name}.");

    int CheckIndex(int index)
    {
        int i = index < 0 ? index + modules.Count : index;
        if ((uint)i >= (uint)modules.Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"Sequential: index {index} is out of range for {modules.Count} modules.");
        return i;
    }

    public int Count => modules.Count;

    public IEnumerator<Module> GetEnumerator() => modules.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
