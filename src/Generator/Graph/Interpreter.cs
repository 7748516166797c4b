using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Ops;

namespace Kiln.Generator.Graph;

/// <summary>
/// A slow, obviously-correct evaluator of graph nodes over float arrays (labels are floats holding integers).
/// It is the oracle of the pass tests: gradient rules are checked against finite differences of it, and every
/// optimisation and the generated kernels must compute what it computes on the unoptimised graph. Each op's
/// semantics is its registry entry's <see cref="OpDef.Evaluate"/>; this class holds the values and the helpers.
/// </summary>
internal sealed class Interpreter
{
    readonly IReadOnlyDictionary<string, int> binding;
    readonly Func<Node, float[]> leaf;
    readonly Dictionary<Node, float[]> values = new();

    /// <param name="binding">Values of the symbols.</param>
    /// <param name="leaf">Values of input and capture nodes.</param>
    public Interpreter(IReadOnlyDictionary<string, int> binding, Func<Node, float[]> leaf)
    {
        this.binding = binding;
        this.leaf = leaf;
    }

    public int[] Dims(Shape s) => s.Dims.Select(d => checked((int)d.Evaluate(binding))).ToArray();

    /// <summary>The value of a symbolic size under the binding.</summary>
    public long SizeOf(Size size) => size.Evaluate(binding);

    public static int Count(int[] dims) => dims.Aggregate(1, (a, b) => a * b);

    public float[] Evaluate(Node n)
    {
        if (values.TryGetValue(n, out var cached)) return cached;
        foreach (var i in n.Inputs) Evaluate(i);
        var result = OpRegistry.Get(n.Op).RequireEvaluate()(this, n);
        if (result.Length != Count(Dims(n.Shape))) throw new InvalidOperationException($"interpreter: %{n.Id} {n.Op} produced {result.Length} values for {n.Shape}");
        values[n] = result;
        return result;
    }

    /// <summary>An interpreter over the same symbol binding whose leaves are <paramref name="leafValues"/> (a loop body's step).</summary>
    public Interpreter Nested(Func<Node, float[]> leafValues) => new(binding, leafValues);

    /// <summary>The value of a leaf (input or capture) node.</summary>
    public float[] Leaf(Node n) => leaf(n);

    /// <summary>The value of input <paramref name="i"/> of <paramref name="n"/> (already evaluated).</summary>
    public float[] In(Node n, int i) => values[n.Inputs[i]];

    public float[] Unary(Node n, Func<float, float> f) => In(n, 0).Select(f).ToArray();

    public float[] Binary(Node n, Func<float, float, float> f)
    {
        var outDims = Dims(n.Shape);
        var a = BroadcastTo(In(n, 0), Dims(n.Inputs[0].Shape), outDims);
        var b = BroadcastTo(In(n, 1), Dims(n.Inputs[1].Shape), outDims);
        var result = new float[a.Length];
        for (int i = 0; i < result.Length; i++) result[i] = f(a[i], b[i]);
        return result;
    }

    public static float[] BroadcastTo(float[] x, int[] xDims, int[] outDims)
    {
        var result = new float[Count(outDims)];
        int lead = outDims.Length - xDims.Length;
        ForEachIndex(outDims, (flat, index) =>
        {
            var source = xDims.Select((d, i) => d == 1 ? 0 : index[i + lead]).ToArray();
            result[flat] = x[Flat(xDims, source)];
        });
        return result;
    }

    /// <summary>The normalised exponential exp(x − logsumexp x) (or its log) along the middle axis of [outer, size, inner], in double precision.</summary>
    public static float[] NormalizedExponential(float[] x, int outer, int size, int inner, bool log)
    {
        var y = new float[x.Length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                double max = double.NegativeInfinity;
                for (int r = 0; r < size; r++) max = Math.Max(max, x[(o * size + r) * inner + i]);
                double sum = 0;
                for (int r = 0; r < size; r++) sum += Math.Exp(x[(o * size + r) * inner + i] - max);
                for (int r = 0; r < size; r++)
                {
                    int k = (o * size + r) * inner + i;
                    y[k] = log ? (float)(x[k] - max - Math.Log(sum)) : (float)(Math.Exp(x[k] - max) / sum);
                }
            }
        return y;
    }

    public static (int Outer, int Size, int Inner) Split(int[] dims, int dim, string display)
    {
        int d = ShapeRules.NormalizeDim(dim, dims.Length, display);
        return (Count(dims.Take(d).ToArray()), dims[d], Count(dims.Skip(d + 1).ToArray()));
    }

    public static int Flat(int[] dims, int[] index)
    {
        int flat = 0;
        for (int i = 0; i < dims.Length; i++) flat = flat * dims[i] + index[i];
        return flat;
    }

    public static void ForEachIndex(int[] dims, Action<int, int[]> action)
    {
        int count = Count(dims);
        var index = new int[dims.Length];
        for (int flat = 0; flat < count; flat++)
        {
            action(flat, index);
            for (int d = dims.Length - 1; d >= 0; d--)
            {
                if (++index[d] < dims[d]) break;
                index[d] = 0;
            }
        }
    }
}
