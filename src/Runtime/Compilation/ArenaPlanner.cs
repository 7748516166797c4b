namespace Kiln.Compiled;

/// <summary>
/// Places buffers in one arena: buffers whose lifetimes (kernel index ranges, inclusive) overlap never overlap in
/// memory. Greedy first-fit, largest buffer first (ties by index, so the plan is deterministic).
/// </summary>
public static class ArenaPlanner
{
    /// <summary>Fills <paramref name="offsets"/> (in elements) and returns the arena length in elements.</summary>
    public static int Plan(ReadOnlySpan<int> sizes, ReadOnlySpan<int> firstUse, ReadOnlySpan<int> lastUse, Span<int> offsets)
    {
        int count = sizes.Length;
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        var sizeArray = sizes.ToArray();
        Array.Sort(order, (a, b) => sizeArray[a] != sizeArray[b] ? sizeArray[b].CompareTo(sizeArray[a]) : a.CompareTo(b));

        var placed = new List<int>(count);
        int total = 0;
        foreach (int buffer in order)
        {
            // Candidate offsets: 0 and the end of every placed buffer alive at the same time; take the lowest that fits.
            var conflicts = new List<(int Start, int End)>();
            foreach (int other in placed)
                if (firstUse[other] <= lastUse[buffer] && firstUse[buffer] <= lastUse[other])
                    conflicts.Add((offsets[other], offsets[other] + sizes[other]));
            conflicts.Sort((a, b) => a.Start.CompareTo(b.Start));
            int offset = 0;
            foreach (var (start, end) in conflicts)
            {
                if (offset + sizes[buffer] <= start) break;
                offset = Math.Max(offset, end);
            }
            offsets[buffer] = offset;
            placed.Add(buffer);
            total = Math.Max(total, offset + sizes[buffer]);
        }
        return total;
    }
}
