using System.Numerics.Tensors;

namespace Kiln;

public static partial class Ops
{
    /// <summary>
    /// torch.nn.functional.dropout (inverted): in training each element is zeroed with probability
    /// <paramref name="p"/> and the survivors are scaled by 1 / (1 − p), so evaluation needs no rescaling. Outside
    /// training, or with p = 0, the input itself is returned (as torch does); p = 1 gives zeros. The mask comes
    /// from <paramref name="rng"/> (the default generator when null), one draw per element.
    /// </summary>
    public static Tensor Dropout(Tensor x, float p, bool training, Rng? rng = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!(p >= 0f && p <= 1f))
            throw new ArgumentOutOfRangeException(nameof(p), $"Dropout: probability p must be in [0, 1], got {p} (input {x.ShapeString}).");
        if (!training || p == 0f) return x;
        var mask = new float[x.Count];
        Kernels.Dropout.FillMask(rng ?? Rng.Default, p, mask);
        var result = new float[x.Count];
        TensorPrimitives.Multiply(x.Storage, mask, result);
        var output = Tensor.Wrap(result, x.Dims);
        if (!Autograd.ShouldRecord(x)) return output;
        return Autograd.Record(output, "Dropout", new[] { x }, g =>
        {
            var gx = new float[x.Count];
            TensorPrimitives.Multiply(g.Storage, mask, gx);
            return new Tensor?[] { Tensor.Wrap(gx, x.Dims) };
        });
    }
}
