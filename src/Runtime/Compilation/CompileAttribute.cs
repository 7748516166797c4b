namespace Kiln;

/// <summary>
/// Marks a model method for the static compiler: at build time Kiln.Generator turns its body into a
/// differentiated, fused, memory-planned graph exposed as the property <c>&lt;Method&gt;Graph</c>. Calling the method
/// itself still runs it eagerly on the tape.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class CompileAttribute : Attribute
{
}

/// <summary>
/// The static shape of a tensor parameter or field: each dimension an <see cref="int"/> or a symbolic name such as
/// <c>"N"</c>, bound when the compiled graph is first called with real tensors.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class ShapeAttribute : Attribute
{
    public ShapeAttribute(params object[] dimensions) => Dimensions = dimensions;

    public IReadOnlyList<object> Dimensions { get; }
}
