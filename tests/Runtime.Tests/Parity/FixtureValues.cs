namespace Kiln.Runtime.Tests.Parity;

/// <summary>
/// A fixture's inputs and params as Kiln tensors. Float tensors whose gradient the fixture lists require grad;
/// the others (batch-norm running statistics, optimizer gradients) are plain buffers; int64 become IntTensors.
/// </summary>
public sealed class FixtureValues
{
    readonly Fixture fixture;
    readonly Dictionary<string, Tensor> floats = new();
    readonly Dictionary<string, IntTensor> integers = new();

    public FixtureValues(Fixture fixture)
    {
        this.fixture = fixture;
        foreach (var (name, tensor) in fixture.Inputs.Concat(fixture.Params))
        {
            if (tensor.IsInteger)
            {
                integers.Add(name, tensor.ToIntTensor());
                continue;
            }
            var value = tensor.ToTensor();
            value.RequiresGrad = fixture.Grads.ContainsKey(name);
            floats.Add(name, value);
        }
    }

    /// <summary>Every float input and param, by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Floats => floats;

    /// <summary>The float inputs in the order the fixture lists them.</summary>
    public IEnumerable<Tensor> FloatInputsInOrder =>
        fixture.Inputs.Where(p => !p.Value.IsInteger).Select(p => floats[p.Key]);

    public Tensor this[string name] => floats.TryGetValue(name, out var t)
        ? t
        : throw new InvalidOperationException($"{fixture.Case}: op '{fixture.Op}' needs a float tensor '{name}', which the fixture does not have (it has {Names()}).");

    public Tensor? Optional(string name) => floats.GetValueOrDefault(name);

    public IntTensor Int(string name) => integers.TryGetValue(name, out var t)
        ? t
        : throw new InvalidOperationException($"{fixture.Case}: op '{fixture.Op}' needs an int64 tensor '{name}', which the fixture does not have (it has {Names()}).");

    string Names() => string.Join(", ", floats.Keys.Concat(integers.Keys));
}
