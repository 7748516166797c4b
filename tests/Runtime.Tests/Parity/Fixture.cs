using System.Text.Json;

namespace Kiln.Runtime.Tests.Parity;

/// <summary>One tensor as the fixtures write it: a logical shape, "float32" or "int64", and row-major values.</summary>
public sealed record FixtureTensor(int[] Shape, string DType, double[] Data)
{
    public bool IsInteger => DType == "int64";

    public Tensor ToTensor()
    {
        if (IsInteger) throw new InvalidOperationException($"fixture tensor {DType}{ShapeText} is not a float tensor.");
        return Tensor.FromArray(Data.Select(v => (float)v).ToArray(), Shape);
    }

    public IntTensor ToIntTensor()
    {
        if (!IsInteger) throw new InvalidOperationException($"fixture tensor {DType}{ShapeText} is not an integer tensor.");
        return IntTensor.FromArray(Data.Select(v => checked((int)v)).ToArray(), Shape);
    }

    public string ShapeText => "[" + string.Join(",", Shape) + "]";
}

/// <summary>One PyTorch reference case (format: shared/fixtures/README.md).</summary>
public sealed class Fixture
{
    public required string Op { get; init; }
    public required string Case { get; init; }
    public required string TorchCall { get; init; }
    public required JsonElement Attrs { get; init; }
    public required IReadOnlyDictionary<string, FixtureTensor> Inputs { get; init; }
    public required IReadOnlyDictionary<string, FixtureTensor> Params { get; init; }
    public required IReadOnlyDictionary<string, FixtureTensor> Output { get; init; }
    public required IReadOnlyDictionary<string, FixtureTensor> Upstream { get; init; }
    public required IReadOnlyDictionary<string, FixtureTensor> Grads { get; init; }

    public static Fixture Load(string path) => Parse(File.ReadAllText(path));

    public static Fixture Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new Fixture
        {
            Op = root.GetProperty("op").GetString()!,
            Case = root.GetProperty("case").GetString()!,
            TorchCall = root.TryGetProperty("torch_call", out var call) ? call.GetString() ?? "" : "",
            Attrs = root.TryGetProperty("attrs", out var attrs) ? attrs.Clone() : default,
            Inputs = Tensors(root, "inputs"),
            Params = Tensors(root, "params"),
            Output = Tensors(root, "output"),
            Upstream = Tensors(root, "upstream"),
            Grads = Tensors(root, "grads"),
        };
    }

    /// <summary>Keeps the file's order: concat joins its inputs in the order they are listed.</summary>
    static IReadOnlyDictionary<string, FixtureTensor> Tensors(JsonElement root, string section)
    {
        var result = new OrderedDictionary<string, FixtureTensor>();
        if (!root.TryGetProperty(section, out var element)) return result;
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            var shape = value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var data = value.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            result.Add(property.Name, new FixtureTensor(shape, value.GetProperty("dtype").GetString()!, data));
        }
        return result;
    }

    // ---- attrs, read strictly: a missing or mistyped attribute is a broken mapping, not a default ----

    readonly HashSet<string> consumedAttrs = new();

    public bool HasAttr(string name) => Attrs.ValueKind == JsonValueKind.Object && Attrs.TryGetProperty(name, out _);

    JsonElement Attr(string name)
    {
        if (Attrs.ValueKind != JsonValueKind.Object || !Attrs.TryGetProperty(name, out var value))
            throw new InvalidOperationException($"{Case}: attribute '{name}' is missing from attrs of op '{Op}'.");
        consumedAttrs.Add(name);
        return value;
    }

    /// <summary>Attributes no mapping read: each one may change the result, so leaving one unread is a bug.</summary>
    public IEnumerable<string> UnconsumedAttrs() =>
        Attrs.ValueKind == JsonValueKind.Object
            ? Attrs.EnumerateObject().Select(p => p.Name).Where(n => !consumedAttrs.Contains(n))
            : Enumerable.Empty<string>();

    /// <summary>For an attribute that Kiln derives from the tensors (or supports one value of): fails when it differs.</summary>
    public void Expect<T>(string name, T expected)
    {
        var value = Attr(name);
        object? actual = value.ValueKind switch
        {
            JsonValueKind.Number => expected is double or float ? (object)value.GetDouble() : value.GetInt32(),
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True or JsonValueKind.False => value.GetBoolean(),
            JsonValueKind.Null => null,
            _ => value.GetRawText(),
        };
        if (!Equals(actual, expected is float single ? (double)single : expected))
            throw new NotSupportedException($"{Case}: attribute {name}={value.GetRawText()} is not supported by the Kiln mapping of '{Op}' (it handles {expected}).");
    }

    public int Int(string name) => Attr(name).GetInt32();
    public double Double(string name) => Attr(name).GetDouble();
    public float Float(string name) => (float)Attr(name).GetDouble();
    public bool Bool(string name) => Attr(name).GetBoolean();
    public string String(string name) => Attr(name).GetString()!;

    public int? NullableInt(string name)
    {
        var value = Attr(name);
        return value.ValueKind == JsonValueKind.Null ? null : value.GetInt32();
    }

    /// <summary>An attribute written either as one int or as a list of ints (torch's int-or-tuple arguments).</summary>
    public int[] Ints(string name)
    {
        var value = Attr(name);
        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(e => e.GetInt32()).ToArray() : new[] { value.GetInt32() };
    }

    /// <summary>An int-or-list attribute that may be absent or null (torch's optional arguments): null then.</summary>
    public int[]? OptionalInts(string name)
    {
        if (!HasAttr(name)) return null;
        return Attr(name).ValueKind == JsonValueKind.Null ? null : Ints(name);
    }

    /// <summary>
    /// For a torch argument Kiln supports only at its default: when the fixture writes it, it must have that value
    /// (for a list, every element; e.g. dilation [1, 1]).
    /// </summary>
    public void ExpectDefaultIfPresent(string name, object? defaultValue)
    {
        if (!HasAttr(name)) return;
        var value = Attr(name);
        var elements = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToArray() : new[] { value };
        foreach (var element in elements)
        {
            bool matches = defaultValue switch
            {
                null => element.ValueKind == JsonValueKind.Null,
                bool b => element.ValueKind is JsonValueKind.True or JsonValueKind.False && element.GetBoolean() == b,
                string text => element.ValueKind == JsonValueKind.String && element.GetString() == text,
                _ => element.ValueKind == JsonValueKind.Number && element.GetDouble() == Convert.ToDouble(defaultValue, System.Globalization.CultureInfo.InvariantCulture),
            };
            if (!matches)
                throw new NotSupportedException($"{Case}: attribute {name}={value.GetRawText()} is not supported by the Kiln mapping of '{Op}' (only its default {defaultValue ?? "null"}).");
        }
    }

    public double[] Doubles(string name) => Attr(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public override string ToString() => Case;
}
