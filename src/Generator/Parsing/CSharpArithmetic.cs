using System;
using System.Numerics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Kiln.Generator.Parsing;

/// <summary>
/// Build-time arithmetic on compile-time numbers exactly as C# performs it at run time: binary numeric promotion,
/// integer wrap-around in an unchecked context, float arithmetic in float precision, truncating integer division,
/// conversions that round or wrap as the language specifies. Where the method would throw (checked overflow,
/// division by zero, int.MinValue / −1) or its result is unspecified (an out-of-range real-to-integer conversion), the
/// result is <see cref="Refusal"/>: the graph must refuse, never compute something else.
/// </summary>
internal static class CSharpArithmetic
{
    /// <summary>Why a build-time computation is refused (reported as KILN0001 at the expression).</summary>
    internal sealed class Refusal : Exception
    {
        public Refusal(string message) : base(message) { }
    }

    /// <summary>The number type a C# numeric type computes in (small integers promote to int), or null.</summary>
    public static NumberType? TypeOf(ITypeSymbol? type) => type.Underlying()?.SpecialType switch
    {
        SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16
            or SpecialType.System_Char or SpecialType.System_Int32 => NumberType.Int32,
        SpecialType.System_UInt32 => NumberType.UInt32,
        SpecialType.System_Int64 => NumberType.Int64,
        SpecialType.System_UInt64 => NumberType.UInt64,
        SpecialType.System_Single => NumberType.Single,
        SpecialType.System_Double => NumberType.Double,
        _ => null,
    };

    /// <summary>A constant's value (Roslyn has already folded it, in the right type).</summary>
    public static NumberValue? FromConstant(object? constant) => constant switch
    {
        int or short or sbyte or byte or ushort or char => NumberValue.Int(System.Convert.ToInt64(constant, System.Globalization.CultureInfo.InvariantCulture)),
        uint u => NumberValue.Int(u, NumberType.UInt32),
        long l => NumberValue.Int(l, NumberType.Int64),
        ulong ul => NumberValue.Int(unchecked((long)ul), NumberType.UInt64),
        float f => NumberValue.RealOf(f, NumberType.Single),
        double d => NumberValue.RealOf(d),
        _ => null,
    };

    /// <summary>C#'s binary numeric promotion of two operand types.</summary>
    public static NumberType Promote(NumberType a, NumberType b)
    {
        if (a == NumberType.Double || b == NumberType.Double) return NumberType.Double;
        if (a == NumberType.Single || b == NumberType.Single) return NumberType.Single;
        if (a == NumberType.UInt64 || b == NumberType.UInt64)
        {
            if (a is NumberType.Int32 or NumberType.Int64 || b is NumberType.Int32 or NumberType.Int64)
                throw new Refusal("ulong arithmetic with a signed operand is ambiguous in C#");
            return NumberType.UInt64;
        }
        if (a == NumberType.Int64 || b == NumberType.Int64) return NumberType.Int64;
        if (a == NumberType.UInt32 && b == NumberType.UInt32) return NumberType.UInt32;
        if (a == NumberType.UInt32 || b == NumberType.UInt32) return NumberType.Int64;
        return NumberType.Int32;
    }

    public static Value Binary(BinaryOperatorKind kind, NumberValue a, NumberValue b, bool isChecked)
    {
        var type = Promote(a.Type, b.Type);
        a = ConvertNumber(a, type, isChecked);
        b = ConvertNumber(b, type, isChecked);
        if (type is NumberType.Single or NumberType.Double)
        {
            bool single = type == NumberType.Single;
            double x = a.Real, y = b.Real;
            // Each float operation rounds to float, as the C# float operators do (the operands already hold float values).
            switch (kind)
            {
                case BinaryOperatorKind.Add: return NumberValue.RealOf(single ? (float)x + (float)y : x + y, type);
                case BinaryOperatorKind.Subtract: return NumberValue.RealOf(single ? (float)x - (float)y : x - y, type);
                case BinaryOperatorKind.Multiply: return NumberValue.RealOf(single ? (float)x * (float)y : x * y, type);
                case BinaryOperatorKind.Divide: return NumberValue.RealOf(single ? (float)x / (float)y : x / y, type);
                case BinaryOperatorKind.Remainder: return NumberValue.RealOf(single ? (float)x % (float)y : x % y, type);
                default: return Compare(kind, x.CompareTo(y), double.IsNaN(x) || double.IsNaN(y));
            }
        }

        BigInteger p = Exact(a), q = Exact(b);
        switch (kind)
        {
            case BinaryOperatorKind.Add: return Wrap(p + q, type, isChecked);
            case BinaryOperatorKind.Subtract: return Wrap(p - q, type, isChecked);
            case BinaryOperatorKind.Multiply: return Wrap(p * q, type, isChecked);
            case BinaryOperatorKind.Divide or BinaryOperatorKind.Remainder:
                if (q.IsZero) throw new Refusal("integer division by zero (the method would throw DivideByZeroException)");
                if (q == BigInteger.MinusOne && p == Min(type))
                    throw new Refusal($"{TypeName(type)}.MinValue divided by −1 overflows (the method would throw OverflowException)");
                // BigInteger division truncates toward zero and the remainder takes the dividend's sign, as in C#.
                return Wrap(kind == BinaryOperatorKind.Divide ? BigInteger.Divide(p, q) : BigInteger.Remainder(p, q), type, isChecked);
            default:
                return Compare(kind, p.CompareTo(q), unordered: false);
        }
    }

    static Value Compare(BinaryOperatorKind kind, int order, bool unordered) => kind switch
    {
        // Every ordered comparison with NaN is false, and NaN != NaN.
        BinaryOperatorKind.LessThan => BoolValue.Of(!unordered && order < 0),
        BinaryOperatorKind.LessThanOrEqual => BoolValue.Of(!unordered && order <= 0),
        BinaryOperatorKind.GreaterThan => BoolValue.Of(!unordered && order > 0),
        BinaryOperatorKind.GreaterThanOrEqual => BoolValue.Of(!unordered && order >= 0),
        BinaryOperatorKind.Equals => BoolValue.Of(!unordered && order == 0),
        BinaryOperatorKind.NotEquals => BoolValue.Of(unordered || order != 0),
        _ => throw new Refusal("this operator is not evaluated at build time"),
    };

    public static NumberValue Negate(NumberValue x, bool isChecked) => x.Type switch
    {
        NumberType.Single or NumberType.Double => NumberValue.RealOf(-x.Real, x.Type),
        // −uint is a long in C#; −ulong does not compile.
        NumberType.UInt32 => NumberValue.Int(-x.Integer, NumberType.Int64),
        NumberType.UInt64 => throw new Refusal("a ulong cannot be negated"),
        _ => Wrap(-Exact(x), x.Type, isChecked),
    };

    /// <summary>A number converted to a C# type (implicitly or by a cast), or null when the target is not numeric.</summary>
    public static NumberValue? Convert(NumberValue value, ITypeSymbol? target, bool isChecked)
    {
        var special = target.Underlying()?.SpecialType ?? SpecialType.None;
        var (bits, signed) = special switch
        {
            SpecialType.System_SByte => (8, true),
            SpecialType.System_Byte => (8, false),
            SpecialType.System_Int16 => (16, true),
            SpecialType.System_UInt16 or SpecialType.System_Char => (16, false),
            _ => (0, false),
        };
        if (bits > 0)
        {
            // A small integer type: range-checked or wrapped to its bits, then computed with as an int.
            var exact = ToInteger(value, special.ToString());
            var wrapped = WrapBits(exact, bits, signed, isChecked || !value.IsInteger, special.ToString());
            return NumberValue.Int((long)wrapped);
        }
        return TypeOf(target) is { } type ? ConvertNumber(value, type, isChecked) : null;
    }

    static NumberValue ConvertNumber(NumberValue value, NumberType type, bool isChecked)
    {
        if (value.Type == type) return value;
        switch (type)
        {
            case NumberType.Double:
                return NumberValue.RealOf(value.Type switch
                {
                    NumberType.Single => value.Real,
                    NumberType.UInt64 => (ulong)value.Integer,
                    _ => value.Integer,
                });
            case NumberType.Single:
                // Each source rounds to float once, as C#'s conversions do (a long through double could round twice).
                return NumberValue.RealOf(value.Type switch
                {
                    NumberType.Double => (float)value.Real,
                    NumberType.UInt64 => (float)(ulong)value.Integer,
                    _ => (float)value.Integer,
                }, NumberType.Single);
            default:
                // Out of range, a real's conversion is unspecified (checked or not), so it is refused like a checked one.
                return Wrap(ToInteger(value, TypeName(type)), type, isChecked || !value.IsInteger);
        }
    }

    static BigInteger ToInteger(NumberValue value, string target)
    {
        if (value.IsInteger) return Exact(value);
        double real = value.Real;
        if (double.IsNaN(real) || double.IsInfinity(real))
            throw new Refusal($"{real} has no {target} value (the conversion's result is unspecified)");
        // A real converts by truncating toward zero; out of range the result is unspecified, so it is refused there.
        return new BigInteger(Math.Truncate(real));
    }

    static BigInteger Exact(NumberValue x) => x.Type == NumberType.UInt64 ? new BigInteger((ulong)x.Integer) : new BigInteger(x.Integer);

    static int Bits(NumberType type) => type is NumberType.Int32 or NumberType.UInt32 ? 32 : 64;

    static bool Signed(NumberType type) => type is NumberType.Int32 or NumberType.Int64;

    static BigInteger Min(NumberType type) => Signed(type) ? -(BigInteger.One << (Bits(type) - 1)) : BigInteger.Zero;

    static NumberValue Wrap(BigInteger exact, NumberType type, bool isChecked)
    {
        var wrapped = WrapBits(exact, Bits(type), Signed(type), isChecked, TypeName(type));
        return NumberValue.Int(type == NumberType.UInt64 ? unchecked((long)(ulong)wrapped) : (long)wrapped, type);
    }

    /// <summary>Two's-complement wrap-around to <paramref name="bits"/>, or a refusal when checked and out of range.</summary>
    static BigInteger WrapBits(BigInteger exact, int bits, bool signed, bool isChecked, string typeName)
    {
        var modulus = BigInteger.One << bits;
        var min = signed ? -(modulus >> 1) : BigInteger.Zero;
        var max = signed ? (modulus >> 1) - 1 : modulus - 1;
        if (exact >= min && exact <= max) return exact;
        if (isChecked) throw new Refusal($"{exact} overflows {typeName} in a checked context (the method would throw OverflowException)");
        var wrapped = BigInteger.Remainder(exact, modulus);
        if (wrapped < 0) wrapped += modulus;
        if (signed && wrapped > max) wrapped -= modulus;
        return wrapped;
    }

    static string TypeName(NumberType type) => type switch
    {
        NumberType.Int32 => "int",
        NumberType.UInt32 => "uint",
        NumberType.Int64 => "long",
        NumberType.UInt64 => "ulong",
        NumberType.Single => "float",
        _ => "double",
    };
}
