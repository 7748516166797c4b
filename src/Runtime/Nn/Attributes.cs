namespace Kiln.Nn;

/// <summary>
/// Marks a <see cref="Tensor"/> field (or auto-property) of a module as a buffer: state that is saved and loaded
/// with the module but not trained (BatchNorm's running statistics; torch's register_buffer).
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = true)]
public sealed class BufferAttribute : Attribute;

/// <summary>
/// Gives a field (or auto-property) its state-dict name explicitly, instead of the snake_case form of the
/// C# name (e.g. to match a PyTorch checkpoint whose attribute names do not follow that rule).
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = true)]
public sealed class StateNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>
/// Keeps a field (or auto-property) out of module discovery: a reference to a module or parameter that this
/// module uses but does not own (a parent, a shared teacher network), so it is not trained or saved twice.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = true)]
public sealed class UnregisteredAttribute : Attribute;
