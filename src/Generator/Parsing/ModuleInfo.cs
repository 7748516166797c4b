using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Models;
using Microsoft.CodeAnalysis;

namespace Kiln.Generator.Parsing;

/// <summary>
/// A runtime module found in a field: its type, PyTorch-style name ("fc1", "net.0"), the C# that reaches it from
/// inside the model class, and the constant arguments it was constructed with (by parameter name and position,
/// defaults included), which give the sizes of its parameters.
/// </summary>
internal sealed class ModuleInfo
{
    readonly Dictionary<string, Value> argumentsByName;
    readonly Dictionary<int, Value> argumentsByPosition;

    public ModuleInfo(
        INamedTypeSymbol type,
        string name,
        string accessExpression,
        Dictionary<string, Value> argumentsByName,
        Dictionary<int, Value> argumentsByPosition,
        ImmutableArray<ModuleInfo> children)
    {
        Type = type;
        Name = name;
        AccessExpression = accessExpression;
        this.argumentsByName = argumentsByName;
        this.argumentsByPosition = argumentsByPosition;
        Children = children;
    }

    public INamedTypeSymbol Type { get; }
    public string TypeName => Type.FullName();
    public string Name { get; }
    public string AccessExpression { get; }
    public ImmutableArray<ModuleInfo> Children { get; }

    public static string NormalizeName(string name) => name.Replace("_", string.Empty).ToLowerInvariant();

    /// <summary>A constructor argument by parameter name, else by position (PyTorch's argument order).</summary>
    public Value? Argument(string name, int position)
    {
        if (argumentsByName.TryGetValue(NormalizeName(name), out var byName)) return byName;
        return argumentsByPosition.TryGetValue(position, out var byPosition) ? byPosition : null;
    }

    public int Int(string name, int position, int? fallback = null)
    {
        if (Argument(name, position) is NumberValue { IsInteger: true } number) return (int)number.Number;
        if (fallback is int value) return value;
        throw new ModuleArgumentMissing($"new {Type.Name}(...) has no constant int argument '{name}'");
    }

    public double Number(string name, int position, double fallback) =>
        Argument(name, position) is NumberValue number ? number.Number : fallback;

    public bool Bool(string name, int position, bool fallback) =>
        Argument(name, position) is BoolValue flag ? flag.Flag : fallback;

    /// <summary>An int or an int list argument (kernel sizes, LayerNorm's normalized shape).</summary>
    public ImmutableArray<int> Ints(string name, int position)
    {
        switch (Argument(name, position))
        {
            case NumberValue { IsInteger: true } number:
                return ImmutableArray.Create((int)number.Number);
            case ListValue list when list.Items.All(item => item.Value is NumberValue { IsInteger: true }):
                return list.Items.Select(item => (int)((NumberValue)item.Value).Number).ToImmutableArray();
            default:
                throw new ModuleArgumentMissing($"new {Type.Name}(...) has no constant argument '{name}'");
        }
    }

    public bool Is(string typeName) => TypeName == typeName;
}

/// <summary>A module whose sizes cannot be read from its constructor call; reported as KILN0007 at the use.</summary>
internal sealed class ModuleArgumentMissing : System.Exception
{
    public ModuleArgumentMissing(string message) : base(message) { }
}

/// <summary>One learnable parameter or buffer of a runtime module, in PyTorch's naming and layout.</summary>
internal sealed record ModuleParameter(string TorchName, CaptureKind Kind, ImmutableArray<DimSpec> Shape);

/// <summary>The parameters of each runtime module, with PyTorch's names and layouts (Linear weight is [out, in]).</summary>
internal static class ModuleParameters
{
    static ImmutableArray<DimSpec> Dims(params int[] sizes) => sizes.Select(DimSpec.Of).ToImmutableArray();

    static ImmutableArray<DimSpec> Dims(IEnumerable<int> sizes) => sizes.Select(DimSpec.Of).ToImmutableArray();

    public static IEnumerable<ModuleParameter> Of(ModuleInfo module)
    {
        switch (module.TypeName)
        {
            case TypeNames.Linear:
            {
                int input = module.Int("inFeatures", 0), output = module.Int("outFeatures", 1);
                yield return new ModuleParameter("weight", CaptureKind.Parameter, Dims(output, input));
                if (module.Bool("bias", 2, true)) yield return new ModuleParameter("bias", CaptureKind.Parameter, Dims(output));
                break;
            }
            case TypeNames.Embedding:
                yield return new ModuleParameter("weight", CaptureKind.Parameter, Dims(module.Int("numEmbeddings", 0), module.Int("embeddingDim", 1)));
                break;
            case TypeNames.Conv1d:
            case TypeNames.Conv2d:
            {
                int spatial = module.Is(TypeNames.Conv1d) ? 1 : 2;
                int input = module.Int("inChannels", 0), output = module.Int("outChannels", 1);
                var kernel = module.Ints("kernelSize", 2);
                var shape = new List<int> { output, input };
                for (int i = 0; i < spatial; i++) shape.Add(kernel.Length == spatial ? kernel[i] : kernel[0]);
                yield return new ModuleParameter("weight", CaptureKind.Parameter, Dims(shape));
                if (module.Bool("bias", 5, true)) yield return new ModuleParameter("bias", CaptureKind.Parameter, Dims(output));
                break;
            }
            case TypeNames.BatchNorm1d:
            case TypeNames.BatchNorm2d:
            {
                int features = module.Int("numFeatures", 0);
                if (!module.Bool("affine", 3, true) || !module.Bool("trackRunningStats", 4, true))
                    throw new ModuleArgumentMissing("only BatchNorm with affine: true and trackRunningStats: true is compiled");
                yield return new ModuleParameter("weight", CaptureKind.Parameter, Dims(features));
                yield return new ModuleParameter("bias", CaptureKind.Parameter, Dims(features));
                yield return new ModuleParameter("running_mean", CaptureKind.Buffer, Dims(features));
                yield return new ModuleParameter("running_var", CaptureKind.Buffer, Dims(features));
                yield return new ModuleParameter("num_batches_tracked", CaptureKind.Buffer, ImmutableArray<DimSpec>.Empty);
                break;
            }
            case TypeNames.LayerNorm:
            {
                var shape = module.Ints("normalizedShape", 0);
                if (!module.Bool("elementwiseAffine", 2, true))
                    throw new ModuleArgumentMissing("only LayerNorm with elementwiseAffine: true is compiled");
                yield return new ModuleParameter("weight", CaptureKind.Parameter, Dims(shape));
                yield return new ModuleParameter("bias", CaptureKind.Parameter, Dims(shape));
                break;
            }
            case TypeNames.Rnn:
            {
                int input = module.Int("inputSize", 0), hidden = module.Int("hiddenSize", 1), layers = module.Int("numLayers", 2, 1);
                bool bias = module.Bool("bias", 5, true);
                for (int layer = 0; layer < layers; layer++)
                {
                    yield return new ModuleParameter($"weight_ih_l{layer}", CaptureKind.Parameter, Dims(hidden, layer == 0 ? input : hidden));
                    yield return new ModuleParameter($"weight_hh_l{layer}", CaptureKind.Parameter, Dims(hidden, hidden));
                    if (!bias) continue;
                    yield return new ModuleParameter($"bias_ih_l{layer}", CaptureKind.Parameter, Dims(hidden));
                    yield return new ModuleParameter($"bias_hh_l{layer}", CaptureKind.Parameter, Dims(hidden));
                }
                break;
            }
            case TypeNames.LstmCell:
            {
                int input = module.Int("inputSize", 0), hidden = module.Int("hiddenSize", 1);
                yield return new ModuleParameter("weight_ih", CaptureKind.Parameter, Dims(4 * hidden, input));
                yield return new ModuleParameter("weight_hh", CaptureKind.Parameter, Dims(4 * hidden, hidden));
                if (module.Bool("bias", 2, true))
                {
                    yield return new ModuleParameter("bias_ih", CaptureKind.Parameter, Dims(4 * hidden));
                    yield return new ModuleParameter("bias_hh", CaptureKind.Parameter, Dims(4 * hidden));
                }
                break;
            }
        }
    }

    public static ModuleParameter? Find(ModuleInfo module, string torchName) =>
        Of(module).FirstOrDefault(parameter => ModuleInfo.NormalizeName(parameter.TorchName) == ModuleInfo.NormalizeName(torchName));
}
