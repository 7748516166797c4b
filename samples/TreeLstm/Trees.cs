namespace Kiln.Samples.TreeLstm;

/// <summary>
/// A binary tree over digits 0–4, nodes in post-order (children before their parent, the root last): a leaf holds a
/// digit, an internal node's value is (left − right) mod 5, and the label is the root's value.
/// </summary>
public sealed class Tree
{
    public const int Digits = 5;

    public Tree(int[] left, int[] right, int[] token)
    {
        Left = left;
        Right = right;
        Token = token;
        Value = new int[left.Length];
        Depth = new int[left.Length];
        for (int n = 0; n < left.Length; n++)
            Value[n] = IsLeaf(n) ? token[n] : ((Value[left[n]] - Value[right[n]]) % Digits + Digits) % Digits;
        for (int n = left.Length - 1; n >= 0; n--)
            if (!IsLeaf(n)) Depth[left[n]] = Depth[right[n]] = Depth[n] + 1;
    }

    /// <summary>Left child per node, −1 for a leaf.</summary>
    public int[] Left { get; }
    public int[] Right { get; }
    /// <summary>The digit of a leaf, −1 for an internal node.</summary>
    public int[] Token { get; }
    public int[] Value { get; }
    /// <summary>Distance from the root (the root is 0).</summary>
    public int[] Depth { get; }

    public int Count => Left.Length;
    public int Root => Count - 1;
    public int Label => Value[Root];
    public bool IsLeaf(int n) => Left[n] < 0;
    public int LeafCount => Token.Count(t => t >= 0);

    /// <summary>The shift-reduce transitions: post-order, SHIFT for a leaf, REDUCE for an internal node (2·leaves − 1 of them).</summary>
    public IEnumerable<bool> IsReduce => Enumerable.Range(0, Count).Select(n => !IsLeaf(n));

    /// <summary>A random tree with <paramref name="minLeaves"/>..<paramref name="maxLeaves"/> leaves, each split point uniform.</summary>
    public static Tree Random(Rng rng, int minLeaves = 2, int maxLeaves = 10)
    {
        int leaves = rng.NextInt(minLeaves, maxLeaves + 1);
        var left = new List<int>();
        var right = new List<int>();
        var token = new List<int>();
        int Build(int count)
        {
            if (count == 1)
            {
                left.Add(-1); right.Add(-1); token.Add(rng.NextInt(0, Digits));
                return left.Count - 1;
            }
            int split = rng.NextInt(1, count);
            int l = Build(split), r = Build(count - split);
            left.Add(l); right.Add(r); token.Add(-1);
            return left.Count - 1;
        }
        Build(leaves);
        return new Tree(left.ToArray(), right.ToArray(), token.ToArray());
    }

    public static Tree[] Make(int count, Rng rng, int minLeaves = 2, int maxLeaves = 10) =>
        Enumerable.Range(0, count).Select(_ => Random(rng, minLeaves, maxLeaves)).ToArray();

    public override string ToString()
    {
        string Show(int n) => IsLeaf(n) ? Token[n].ToString(System.Globalization.CultureInfo.InvariantCulture) : "(" + Show(Left[n]) + " " + Show(Right[n]) + ")";
        return Show(Root);
    }
}
