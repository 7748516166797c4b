using System;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops;
using Kiln.Generator.Ops.Definitions;

namespace Kiln.Generator.Emit;

/// <summary>
/// The size and window arguments of a convolution or pooling library call, in the order both backends pass them
/// (the C# backend wraps them in Conv2dGeometry / Pool2dGeometry, the ILGPU one hands them to DeviceLibrary as they are).
/// </summary>
internal static class WindowArguments
{
    /// <summary>batch, in channels, height, width, out channels, kernel height and width, strides, paddings.</summary>
    public static string Convolution(Shape x, Shape weight, Attrs attrs, Func<Size, string> size)
    {
        var (sh, sw) = ShapeRules.Pair(attrs, "stride", 1);
        var (ph, pw) = ShapeRules.Pair(attrs, "padding", 0);
        return $"{size(x[0])}, {size(x[1])}, {size(x[2])}, {size(x[3])}, {size(weight[0])}, {size(weight[2])}, {size(weight[3])}, {sh}, {sw}, {ph}, {pw}";
    }

    /// <summary>planes (N·C), height, width, window, strides, paddings.</summary>
    public static string Pooling(Shape x, Attrs attrs, Func<Size, string> size)
    {
        var ((kh, kw), (sh, sw), (ph, pw)) = Ops.Definitions.Convolution.PoolWindow(attrs);
        return $"{size(x[0].Times(x[1]))}, {size(x[2])}, {size(x[3])}, {kh}, {kw}, {sh}, {sw}, {ph}, {pw}";
    }
}
