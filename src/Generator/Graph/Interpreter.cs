using System;
using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Ops;

namespace Kiln.Generator.Graph;

/// <summary>
/// A slow, obviously-correct evaluator of graph nodes over float arrays (labels are floats holding integers).
/// It is the oracle of the pass tests: gradient rules are checked against finite differences of it, and every
/// optimisation and the generated kernels must compute what it computes on the unoptimised graph.
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

    static int Count(int[] dims) => dims.Aggregate(1, (a, b) => a * b);

    public float[] Evaluate(Node n)
    {
        if (values.TryGetValue(n, out var cached)) return cached;
        foreach (var i in n.Inputs) Evaluate(i);
        var result = Compute(n);
        if (result.Length != Count(Dims(n.Shape))) throw new InvalidOperationException($"interpreter: %{n.Id} {n.Op} produced {result.Length} values for {n.Shape}");
        values[n] = result;
        return result;
    }

    float[] In(Node n, int i) => values[n.Inputs[i]];

    float[] Compute(Node n)
    {
        var outDims = Dims(n.Shape);
        switch (n.Op)
        {
            case OpNames.Input or OpNames.Capture: return leaf(n);
            case OpNames.Constant: return new[] { n.ConstantValue };
            case OpNames.InvCount: return new[] { 1f / Size.Parse(n.Attrs.Text("count")!).Evaluate(binding) };
            case OpNames.UnbiasFactor: { long c = Size.Parse(n.Attrs.Text("count")!).Evaluate(binding); return new[] { (float)c / (c - 1) }; }
            case OpNames.Select:
            {
                var a = BroadcastTo(In(n, 1), Dims(n.Inputs[1].Shape), outDims);
                var b = BroadcastTo(In(n, 2), Dims(n.Inputs[2].Shape), outDims);
                return In(n, 0)[0] != 0 ? a : b;
            }
            case "add": return Binary(n, (a, b) => a + b);
            case "sub": return Binary(n, (a, b) => a - b);
            case "mul": return Binary(n, (a, b) => a * b);
            case "div": return Binary(n, (a, b) => a / b);
            case OpNames.ReluBackward: return Binary(n, (g, y) => y > 0 ? g : 0f);
            case OpNames.ClampBackward:
            {
                float min = n.Attrs.Float("min", float.NegativeInfinity), max = n.Attrs.Float("max", float.PositiveInfinity);
                return Binary(n, (g, x) => x >= min && x <= max ? g : 0f);
            }
            case "neg": return Unary(n, x => -x);
            case "embedding":
            {
                var weight = In(n, 1);
                int dim = Dims(n.Inputs[1].Shape)[1];
                return In(n, 0).SelectMany(index => weight.Skip((int)index * dim).Take(dim)).ToArray();
            }
            case OpNames.EmbeddingBackward:
            {
                int dim = outDims[1], skipped = n.Attrs.Int("padding_idx", -1);
                var g = In(n, 0);
                var indices = In(n, 1);
                var result = new float[Count(outDims)];
                for (int i = 0; i < indices.Length; i++)
                    if ((int)indices[i] != skipped)
                        for (int j = 0; j < dim; j++) result[(int)indices[i] * dim + j] += g[i * dim + j];
                return result;
            }
            case "greater_than": { float t = n.Attrs.Float("threshold", 0f); return Unary(n, x => x > t ? 1f : 0f); }
            case "max" or OpNames.MaxBackward:
            {
                var xDims = Dims(n.Inputs[0].Shape);
                var (outer, size, inner) = Split(xDims, n.Attrs.Int("dim"));
                var x = In(n, 0);
                var result = new float[n.Op == "max" ? outer * inner : x.Length];
                for (int o = 0; o < outer; o++)
                    for (int i = 0; i < inner; i++)
                    {
                        int best = 0;
                        for (int r = 1; r < size; r++)
                            if (x[(o * size + r) * inner + i] > x[(o * size + best) * inner + i]) best = r;
                        if (n.Op == "max") result[o * inner + i] = x[(o * size + best) * inner + i];
                        else result[(o * size + best) * inner + i] = In(n, 1)[o * inner + i];
                    }
                return result;
            }
            case "exp": return Unary(n, x => (float)Math.Exp(x));
            case "log": return Unary(n, x => (float)Math.Log(x));
            case "square": return Unary(n, x => x * x);
            case "sqrt": return Unary(n, x => (float)Math.Sqrt(x));
            case "abs": return Unary(n, Math.Abs);
            case "sigmoid": return Unary(n, x => (float)(1 / (1 + Math.Exp(-x))));
            case "tanh": return Unary(n, x => (float)Math.Tanh(x));
            case "relu": return Unary(n, x => Math.Max(x, 0f));
            case "pow": { float e = n.Attrs.Float("exponent"); return Unary(n, x => (float)Math.Pow(x, e)); }
            case "clamp":
            {
                float min = n.Attrs.Float("min", float.NegativeInfinity), max = n.Attrs.Float("max", float.PositiveInfinity);
                return Unary(n, x => Math.Min(Math.Max(x, min), max));
            }
            case OpNames.Sign: return Unary(n, x => x > 0 ? 1f : x < 0 ? -1f : 0f);
            case OpNames.Copy or "reshape": return (float[])In(n, 0).Clone();
            case OpNames.BroadcastTo: return BroadcastTo(In(n, 0), Dims(n.Inputs[0].Shape), outDims);
            case "sum" or "mean":
            {
                var xDims = Dims(n.Inputs[0].Shape);
                var dims = ShapeRules.ReducedDims(n.Inputs[0], n.Attrs, "Sum");
                var result = new float[Count(outDims)];
                var keep = xDims.Select((d, i) => dims.Contains(i) ? 1 : d).ToArray();
                var x = In(n, 0);
                ForEachIndex(xDims, (flat, index) =>
                {
                    var target = index.Select((v, i) => dims.Contains(i) ? 0 : v).ToArray();
                    result[Flat(keep, target)] += x[flat];
                });
                if (n.Op == "mean")
                {
                    int count = dims.Aggregate(1, (a, d) => a * xDims[d]);
                    for (int i = 0; i < result.Length; i++) result[i] /= count;
                }
                return result;
            }
            case "matmul": return MatMul(n);
            case "softmax" or "log_softmax":
            {
                var (outer, size, inner) = Split(Dims(n.Shape), n.Attrs.Int("dim", -1));
                return SoftmaxForward(In(n, 0), outer, size, inner, n.Op == "log_softmax");
            }
            case OpNames.SoftmaxBackward:
            {
                var (outer, size, inner) = Split(Dims(n.Shape), n.Attrs.Int("dim", -1));
                float[] y = In(n, 0), g = In(n, 1);
                var gx = new float[y.Length];
                bool log = n.Attrs.Bool("log");
                for (int o = 0; o < outer; o++)
                    for (int i = 0; i < inner; i++)
                    {
                        double s = 0;
                        for (int r = 0; r < size; r++) { int k = (o * size + r) * inner + i; s += log ? g[k] : g[k] * y[k]; }
                        for (int r = 0; r < size; r++)
                        {
                            int k = (o * size + r) * inner + i;
                            gx[k] = log ? (float)(g[k] - Math.Exp(y[k]) * s) : (float)(y[k] * (g[k] - s));
                        }
                    }
                return gx;
            }
            case "cross_entropy" or OpNames.CrossEntropyBackward:
            {
                var dims = Dims(n.Inputs[0].Shape);
                int rows = dims[0], classes = dims[1];
                var logProbs = SoftmaxForward(In(n, 0), rows, classes, 1, log: true);
                var labels = In(n, 1);
                if (n.Op == "cross_entropy")
                {
                    double total = 0;
                    for (int r = 0; r < rows; r++) total -= logProbs[r * classes + (int)labels[r]];
                    return new[] { (float)(total / rows) };
                }
                float g = In(n, 2)[0];
                var grad = new float[logProbs.Length];
                for (int r = 0; r < rows; r++)
                    for (int c = 0; c < classes; c++)
                        grad[r * classes + c] = (float)((Math.Exp(logProbs[r * classes + c]) - (c == (int)labels[r] ? 1 : 0)) * g / rows);
                return grad;
            }
            case "transpose":
            {
                var xDims = Dims(n.Inputs[0].Shape);
                int d0 = ShapeRules.NormalizeDim(n.Attrs.Int("dim0"), xDims.Length, "Transpose"), d1 = ShapeRules.NormalizeDim(n.Attrs.Int("dim1"), xDims.Length, "Transpose");
                var x = In(n, 0);
                var result = new float[x.Length];
                ForEachIndex(xDims, (flat, index) =>
                {
                    var t = (int[])index.Clone();
                    (t[d0], t[d1]) = (t[d1], t[d0]);
                    result[Flat(outDims, t)] = x[flat];
                });
                return result;
            }
            case "concat":
            {
                int d = ShapeRules.NormalizeDim(n.Attrs.Int("dim", 0), outDims.Length, "Concat");
                var result = new float[Count(outDims)];
                int offset = 0;
                for (int k = 0; k < n.Inputs.Length; k++)
                {
                    var xDims = Dims(n.Inputs[k].Shape);
                    var x = In(n, k);
                    int off = offset;
                    ForEachIndex(xDims, (flat, index) =>
                    {
                        var t = (int[])index.Clone();
                        t[d] += off;
                        result[Flat(outDims, t)] = x[flat];
                    });
                    offset += xDims[d];
                }
                return result;
            }
            case "narrow" or OpNames.NarrowBackward:
            {
                var xDims = Dims(n.Inputs[0].Shape);
                int d = ShapeRules.NormalizeDim(n.Attrs.Int("dim"), xDims.Length, "Narrow");
                int start = n.Attrs.Int("start");
                var x = In(n, 0);
                var result = new float[Count(outDims)];
                if (n.Op == "narrow")
                    ForEachIndex(outDims, (flat, index) =>
                    {
                        var t = (int[])index.Clone();
                        t[d] += start;
                        result[flat] = x[Flat(xDims, t)];
                    });
                else
                    ForEachIndex(xDims, (flat, index) =>
                    {
                        var t = (int[])index.Clone();
                        t[d] += start;
                        result[Flat(outDims, t)] = x[flat];
                    });
                return result;
            }
            default:
                throw new InvalidOperationException($"interpreter: no evaluation for op '{n.Op}'");
        }
    }

    float[] Unary(Node n, Func<float, float> f) => In(n, 0).Select(f).ToArray();

    float[] Binary(Node n, Func<float, float, float> f)
    {
        var outDims = Dims(n.Shape);
        var a = BroadcastTo(In(n, 0), Dims(n.Inputs[0].Shape), outDims);
        var b = BroadcastTo(In(n, 1), Dims(n.Inputs[1].Shape), outDims);
        var result = new float[a.Length];
        for (int i = 0; i < result.Length; i++) result[i] = f(a[i], b[i]);
        return result;
    }

    static float[] BroadcastTo(float[] x, int[] xDims, int[] outDims)
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

    float[] MatMul(Node n)
    {
        var aDims = Dims(n.Inputs[0].Shape);
        var bDims = Dims(n.Inputs[1].Shape);
        bool ta = n.Attrs.Bool("transpose_a"), tb = n.Attrs.Bool("transpose_b");
        float[] a = In(n, 0), b = In(n, 1);
        int m = ta ? aDims[1] : Count(aDims.Take(aDims.Length - 1).ToArray());
        int k = ta ? aDims[0] : aDims[aDims.Length - 1];
        int cols = tb ? bDims[0] : bDims[1];
        var c = new float[m * cols];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < cols; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                    s += (double)(ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * cols + j]);
                c[i * cols + j] = (float)s;
            }
        return c;
    }

    static float[] SoftmaxForward(float[] x, int outer, int size, int inner, bool log)
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

    static (int Outer, int Size, int Inner) Split(int[] dims, int dim)
    {
        int d = ShapeRules.NormalizeDim(dim, dims.Length, "Softmax");
        return (Count(dims.Take(d).ToArray()), dims[d], Count(dims.Skip(d + 1).ToArray()));
    }

    static int Flat(int[] dims, int[] index)
    {
        int flat = 0;
        for (int i = 0; i < dims.Length; i++) flat = flat * dims[i] + index[i];
        return flat;
    }

    static void ForEachIndex(int[] dims, Action<int, int[]> action)
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
