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

    public Module this[int index] => modules[index];

    public int Count => modules.Count;

    public IEnumerator<Module> GetEnumerator() => modules.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
