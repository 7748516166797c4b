using System.Collections.Generic;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops;
using Kiln.Generator.Ops.Definitions;

namespace Kiln.Generator.Emit;

/// <summary>
/// One strided block copy: <see cref="Count"/> blocks of <see cref="Block"/> elements, block b read from input
/// <see cref="Input"/> at <c>SourceOffset + b·SourceStride</c> and written to the output at
/// <c>DestinationOffset + b·DestinationStride</c>: the one routine every backend has for layout ops.
/// </summary>
internal readonly record struct BlockCopy(int Input, Size SourceStride, Size SourceOffset, Size DestinationStride, Size DestinationOffset, Size Count, Size Block);

/// <summary>
/// The layout ops that are block copies (concat, narrow and narrow's gradient), worked out once so each backend only
/// spells the copy call. Narrow's gradient also needs its output cleared first (<see cref="ClearsOutput"/>).
/// </summary>
internal static class BlockCopies
{
    public static bool ClearsOutput(Node node) => node.Op == Layout.NarrowBackward;

    public static IReadOnlyList<BlockCopy> Of(Node node)
    {
        switch (node.Op)
        {
            case Layout.Concat:
            {
                int d = ShapeRules.NormalizeDim(node.Attrs.Int("dim", 0), node.Shape.Rank, "Concat");
                var outer = node.Shape.CountOf(0, d);
                var inner = node.Shape.CountOf(d + 1, node.Shape.Rank);
                var destinationStride = node.Shape[d].Times(inner);
                var copies = new List<BlockCopy>(node.Inputs.Length);
                long offset = 0;
                for (int i = 0; i < node.Inputs.Length; i++)
                {
                    var block = node.Inputs[i].Shape[d].Times(inner);
                    copies.Add(new BlockCopy(i, block, Size.Of(0), destinationStride, Size.Of(offset).Times(inner), outer, block));
                    offset += node.Inputs[i].Shape[d].Constant;
                }
                return copies;
            }
            case Layout.Narrow:
            {
                var s = node.Inputs[0].Shape;
                var (d, start, length) = Layout.Slice(node);
                var inner = s.CountOf(d + 1, s.Rank);
                var block = Size.Of(length).Times(inner);
                return new[] { new BlockCopy(0, s[d].Times(inner), Size.Of(start).Times(inner), block, Size.Of(0), s.CountOf(0, d), block) };
            }
            case Layout.NarrowBackward:
            {
                var s = node.Shape;
                var (d, start, length) = Layout.Slice(node);
                var inner = s.CountOf(d + 1, s.Rank);
                var block = Size.Of(length).Times(inner);
                return new[] { new BlockCopy(0, block, Size.Of(0), s[d].Times(inner), Size.Of(start).Times(inner), s.CountOf(0, d), block) };
            }
            default:
                throw new MissingRuleError(node.Op, "block-copy lowering");
        }
    }
}
