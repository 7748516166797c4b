using Kiln.Nn;
using static Kiln.Ops;

namespace Kiln.Samples.TreeLstm;

/// <summary>How a batch of trees is encoded: which order the cell calls come in and which cell runs.</summary>
public enum EncoderMode
{
    /// <summary>Shift-reduce with per-example buffers and stacks, each step's REDUCEs batched into one cell call on the tape.</summary>
    Dynamic,
    /// <summary>The same loop, the cell being the compiled graph as one tape node per call (<c>ReduceGraph.Apply</c>).</summary>
    Hybrid,
    /// <summary>Every internal node of one depth across the batch in one compiled cell call, deepest first.</summary>
    DepthBatched,
}

/// <summary>
/// Embedding(5, 16) → Linear(16, 2·32) gives each leaf its (h, c); the reduce cell combines children up to the root;
/// the root's h → Linear(32, 5). Node states live in one table (rows: the batch's leaves, then each cell call's
/// results appended); a cell call gathers its children's rows with an embedding lookup, so gradients flow back
/// through the table to every node.
/// </summary>
public sealed class TreeClassifier : Module
{
    public const int EmbeddingSize = 16, Hidden = ReduceCell.Size;

    readonly Embedding embedding;
    readonly Linear leaf;
    readonly ReduceCell cell;
    readonly Linear head;

    public TreeClassifier(Rng rng)
    {
        embedding = new Embedding(Tree.Digits, EmbeddingSize, rng: rng);
        leaf = new Linear(EmbeddingSize, 2 * Hidden, rng: rng);
        cell = new ReduceCell(rng);
        head = new Linear(Hidden, Tree.Digits, rng: rng);
    }

    public ReduceCell Cell => cell;

    /// <summary>Cell calls made by the last <see cref="Encode"/>.</summary>
    public int CellCalls { get; private set; }

    public Tensor Logits(IReadOnlyList<Tree> trees, EncoderMode mode) => head.Forward(Encode(trees, mode).H);

    public Tensor Loss(IReadOnlyList<Tree> trees, EncoderMode mode) =>
        CrossEntropy(Logits(trees, mode), IntTensor.FromArray(trees.Select(t => t.Label).ToArray(), trees.Count));

    /// <summary>The roots' (h, c), [trees, 32] each.</summary>
    public (Tensor H, Tensor C) Encode(IReadOnlyList<Tree> trees, EncoderMode mode)
    {
        CellCalls = 0;
        // Row of every node of every tree in the state table; leaves first, in tree and post-order.
        var rows = trees.Select(t => new int[t.Count]).ToArray();
        var tokens = new List<int>();
        for (int b = 0; b < trees.Count; b++)
            for (int n = 0; n < trees[b].Count; n++)
                if (trees[b].IsLeaf(n))
                {
                    rows[b][n] = tokens.Count;
                    tokens.Add(trees[b].Token[n]);
                }
        var leafStates = leaf.Forward(embedding.Forward(IntTensor.FromArray(tokens.ToArray(), tokens.Count))).Chunk(2, 1);
        var table = new StateTable(leafStates[0], leafStates[1]);

        if (mode == EncoderMode.DepthBatched) EncodeByDepth(trees, rows, table);
        else ShiftReduce(trees, rows, table, mode == EncoderMode.Hybrid);

        var roots = trees.Select((t, b) => rows[b][t.Root]).ToArray();
        return table.Gather(roots);
    }

    /// <summary>
    /// SPINN's loop: per example a buffer (its leaves' rows, in order) and a stack. Transition step t of every example
    /// runs together: SHIFT moves the buffer's next leaf onto the stack; REDUCE pops right then left, and all REDUCEs of
    /// the step are one cell call whose results are pushed back.
    /// </summary>
    void ShiftReduce(IReadOnlyList<Tree> trees, int[][] rows, StateTable table, bool compiled)
    {
        var buffers = trees.Select((t, b) => new Queue<int>(Enumerable.Range(0, t.Count).Where(t.IsLeaf).Select(n => rows[b][n]))).ToArray();
        var stacks = trees.Select(_ => new Stack<int>()).ToArray();
        var transitions = trees.Select(t => t.IsReduce.ToArray()).ToArray();
        int steps = trees.Max(t => t.Count);
        var reducing = new List<int>();
        var lefts = new List<int>();
        var rights = new List<int>();
        for (int step = 0; step < steps; step++)
        {
            reducing.Clear(); lefts.Clear(); rights.Clear();
            for (int b = 0; b < trees.Count; b++)
            {
                if (step >= transitions[b].Length) continue;
                if (!transitions[b][step]) { stacks[b].Push(buffers[b].Dequeue()); continue; }
                rights.Add(stacks[b].Pop());
                lefts.Add(stacks[b].Pop());
                reducing.Add(b);
            }
            if (reducing.Count == 0) continue;
            int first = Reduce(table, lefts, rights, compiled);
            for (int j = 0; j < reducing.Count; j++) stacks[reducing[j]].Push(first + j);
        }
        for (int b = 0; b < trees.Count; b++)
        {
            if (stacks[b].Count != 1 || buffers[b].Count != 0) throw new InvalidOperationException($"tree {b}: the transitions do not form one tree");
            rows[b][trees[b].Root] = stacks[b].Pop();
        }
    }

    /// <summary>Every internal node of depth d across the batch in one call, from the deepest up: children (depth d+1) are ready.</summary>
    void EncodeByDepth(IReadOnlyList<Tree> trees, int[][] rows, StateTable table)
    {
        int deepest = trees.Max(t => Enumerable.Range(0, t.Count).Where(n => !t.IsLeaf(n)).Select(n => t.Depth[n]).DefaultIfEmpty(-1).Max());
        var nodes = new List<(int Tree, int Node)>();
        var lefts = new List<int>();
        var rights = new List<int>();
        for (int depth = deepest; depth >= 0; depth--)
        {
            nodes.Clear(); lefts.Clear(); rights.Clear();
            for (int b = 0; b < trees.Count; b++)
                for (int n = 0; n < trees[b].Count; n++)
                    if (!trees[b].IsLeaf(n) && trees[b].Depth[n] == depth)
                    {
                        nodes.Add((b, n));
                        lefts.Add(rows[b][trees[b].Left[n]]);
                        rights.Add(rows[b][trees[b].Right[n]]);
                    }
            if (nodes.Count == 0) continue;
            int first = Reduce(table, lefts, rights, compiled: true);
            for (int j = 0; j < nodes.Count; j++) rows[nodes[j].Tree][nodes[j].Node] = first + j;
        }
    }

    /// <summary>One cell call over the given children's rows; returns the row of the first result (the rest follow).</summary>
    int Reduce(StateTable table, List<int> lefts, List<int> rights, bool compiled)
    {
        var (lh, lc) = table.Gather(lefts.ToArray());
        var (rh, rc) = table.Gather(rights.ToArray());
        var (h, c) = compiled ? cell.ReduceGraph.Apply(lh, lc, rh, rc) : cell.Reduce(lh, lc, rh, rc);
        CellCalls++;
        return table.Append(h, c);
    }

    /// <summary>The states computed so far, [rows, 32] for h and for c, grown by concatenation (which the tape differentiates).</summary>
    sealed class StateTable(Tensor h, Tensor c)
    {
        Tensor h = h, c = c;

        public (Tensor H, Tensor C) Gather(int[] rows)
        {
            var ids = IntTensor.FromArray(rows, rows.Length);
            return (Embedding(ids, h), Embedding(ids, c));
        }

        public int Append(Tensor newH, Tensor newC)
        {
            int first = h.Size(0);
            h = Concat(new[] { h, newH });
            c = Concat(new[] { c, newC });
            return first;
        }
    }
}
