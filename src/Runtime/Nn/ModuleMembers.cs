using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text;

namespace Kiln.Nn;

/// <summary>
/// The fields (and auto-properties) of a module type that may hold parameters, buffers or sub-modules, found
/// once per type by reflection and cached. Declaration order is kept, base classes first, because it decides
/// the order of <see cref="Module.NamedParameters"/> and of the state dict, as registration order does in torch.
/// </summary>
internal static class ModuleMembers
{
    internal sealed record Slot(string Name, FieldInfo Field, bool IsBuffer, bool IsCollection, string MemberName);

    static readonly ConcurrentDictionary<Type, Slot[]> cache = new();

    public static Slot[] For(Type type) => cache.GetOrAdd(type, Discover);

    static Slot[] Discover(Type type)
    {
        var hierarchy = new List<Type>();
        for (var t = type; t is not null && t != typeof(Module); t = t.BaseType) hierarchy.Add(t);
        hierarchy.Reverse();

        var slots = new List<Slot>();
        var byName = new Dictionary<string, string>();
        foreach (var t in hierarchy)
        {
            var fields = t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .OrderBy(f => f.MetadataToken);
            foreach (var field in fields)
            {
                var (memberName, attributes) = Describe(t, field);
                if (attributes.OfType<UnregisteredAttribute>().Any()) continue;
                bool isBuffer = attributes.OfType<BufferAttribute>().Any();
                var kind = Classify(field.FieldType);
                if (kind is null)
                {
                    if (isBuffer)
                        throw new InvalidOperationException($"Module {type.Name}: [Buffer] member {memberName} must be a Tensor, not {field.FieldType.Name}.");
                    continue;
                }
                if (isBuffer && (kind.Value || !typeof(Tensor).IsAssignableFrom(field.FieldType)))
                    throw new InvalidOperationException($"Module {type.Name}: [Buffer] member {memberName} must be a Tensor, not {field.FieldType.Name}.");
                string name = attributes.OfType<StateNameAttribute>().FirstOrDefault()?.Name ?? SnakeCase(memberName);
                ValidateName(name, type, memberName);
                if (byName.TryGetValue(name, out var other))
                    throw new InvalidOperationException($"Module {type.Name}: members {other} and {memberName} both map to the state name '{name}'; rename one or give it [StateName].");
                byName[name] = memberName;
                slots.Add(new Slot(name, field, isBuffer, kind.Value, memberName));
            }
        }
        return slots.ToArray();
    }

    /// <summary>The member's C# name and attributes; an auto-property's backing field takes its property's.</summary>
    static (string Name, Attribute[] Attributes) Describe(Type declaring, FieldInfo field)
    {
        var attributes = field.GetCustomAttributes(inherit: true).OfType<Attribute>().ToList();
        string name = field.Name;
        if (name.StartsWith('<'))
        {
            int close = name.IndexOf('>');
            name = name[1..close];
            var property = declaring.GetProperty(name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
            if (property is not null) attributes.AddRange(property.GetCustomAttributes(inherit: true).OfType<Attribute>());
        }
        return (name, attributes.ToArray());
    }

    /// <summary>null: never holds module state; false: one value; true: a collection whose items are numbered.</summary>
    static bool? Classify(Type type)
    {
        if (typeof(Tensor).IsAssignableFrom(type) || typeof(Module).IsAssignableFrom(type)) return false;
        var element = ElementType(type);
        if (element is not null && (typeof(Module).IsAssignableFrom(element) || typeof(Tensor).IsAssignableFrom(element) || element.IsInterface))
            return true;
        if (type.IsInterface || type == typeof(object)) return false;
        return null;
    }

    static Type? ElementType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)) return type.GetGenericArguments()[0];
        return type.GetInterfaces()
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            ?.GetGenericArguments()[0];
    }

    internal static void ValidateName(string name, Type type, string what)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new InvalidOperationException($"Module {type.Name}: '{name}' (from {what}) is not a valid state name: it must be non-empty and contain no '.'.");
    }

    /// <summary>
    /// fc1 → fc1, Fc1 → fc1, hiddenLayer → hidden_layer, RunningMean → running_mean, _weight → weight: C# names
    /// map to the snake_case names the same model has in PyTorch, so PyTorch checkpoints load unchanged.
    /// </summary>
    internal static string SnakeCase(string name)
    {
        name = name.TrimStart('_');
        var sb = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                bool afterLower = i > 0 && char.IsLower(name[i - 1]);
                bool endsAcronym = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (afterLower || endsAcronym) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>The items of one slot's current value as (name, value) pairs; null items are skipped.</summary>
    public static IEnumerable<(string Name, object Value, bool IsBuffer)> Values(Slot slot, Module owner)
    {
        var value = slot.Field.GetValue(owner);
        if (value is null) yield break;
        if (!slot.IsCollection)
        {
            yield return (slot.Name, value, slot.IsBuffer);
            yield break;
        }
        int index = 0;
        foreach (var item in (IEnumerable)value)
        {
            if (item is not null) yield return (slot.Name + "." + index.ToString(System.Globalization.CultureInfo.InvariantCulture), item, false);
            index++;
        }
    }
}
