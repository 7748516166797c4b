namespace Kiln.Nn;

/// <summary>A module that maps one tensor to one tensor, so it can be a step of a <see cref="Sequential"/>.</summary>
public interface ITensorModule
{
    Tensor Forward(Tensor input);
}
