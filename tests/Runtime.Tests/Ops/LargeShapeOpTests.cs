namespace Kiln.Runtime.Tests.OpTests;

/// <summary>
/// The core ops at sizes that cross kernel block boundaries, vectorisation widths and stack-buffer limits, checked
/// against straightforward double-precision loops (forward and backward).
/// </summary>
public class LargeShapeOpTests
{
    static Tensor Leaf(Rng rng, params int[] shape)
    {
        var t = Tensor.Randn(shape, rng);
        t.RequiresGrad = true;
        return t;
    }

    static void AssertClose(double[] expected, Tensor actual, string what, double relative = 1e-4)
    {
        var values = actual.ToArray();
        Assert.Equal(expected.Length, values.Length);
        double scale = Math.Max(1e-3, expected.Max(Math.Abs));
        for (int i = 0; i < values.Length; i++)
            if (!(Math.Abs(values[i] - expected[i]) <= 1e-6 + relative * scale))
                Assert.Fail($"{what} at {i}: expected {expected[i]}, actual {values[i]}");
    }

    /// <summary>C[b] = A[b]·B[b] for row-major batches of [m,k]·[k,n], with batch offsets given per operand.</summary>
    static double[] NaiveMatMul(float[] a, float[] b, int batches, Func<int, int> aBatch, Func<int, int> bBatch, int m, int k, int n)
    {
        var c = new double[batches * m * n];
        for (int t = 0; t < batches; t++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int p = 0; p < k; p++) sum += (double)a[aBatch(t) * m * k + i * k + p] * b[bBatch(t) * k * n + p * n + j];
                    c[(t * m + i) * n + j] = sum;
                }
        return c;
    }

    [Theory]
    [InlineData(67, 129, 45)]
    [InlineData(64, 1000, 100)]
    [InlineData(1, 300, 513)]
    [InlineData(130, 17, 1)]
    public void MatMul2dMatchesNaiveProductAndGradients(int m, int k, int n)
    {
        var rng = new Rng(m * 7 + k * 3 + n);
        var a = Leaf(rng, m, k);
        var b = Leaf(rng, k, n);
        var c = Ops.MatMul(a, b);
        AssertClose(NaiveMatMul(a.ToArray(), b.ToArray(), 1, _ => 0, _ => 0, m, k, n), c, "C");

        var g = Tensor.Randn(new[] { m, n }, rng);
        c.Backward(g);
        // dA = G·Bᵀ and dB = Aᵀ·G, through the same naive product on explicit transposes.
        var bT = Ops.Transpose(b.Detach(), 0, 1).ToArray();
        var aT = Ops.Transpose(a.Detach(), 0, 1).ToArray();
        AssertClose(NaiveMatMul(g.ToArray(), bT, 1, _ => 0, _ => 0, m, n, k), a.Grad!, "dA");
        AssertClose(NaiveMatMul(aT, g.ToArray(), 1, _ => 0, _ => 0, k, m, n), b.Grad!, "dB");
    }

    [Fact]
    public void BroadcastBatchedMatMulMatchesPerBatchProducts()
    {
        // [3,1,m,k] x [4,k,n] -> [3,4,m,n]; A repeats over the 4, B over the 3.
        const int m = 33, k = 65, n = 17;
        var rng = new Rng(21);
        var a = Leaf(rng, 3, 1, m, k);
        var b = Leaf(rng, 4, k, n);
        var c = Ops.MatMul(a, b);
        Assert.Equal(new[] { 3, 4, m, n }, c.Shape);
        AssertClose(NaiveMatMul(a.ToArray(), b.ToArray(), 12, t => t / 4, t => t % 4, m, k, n), c, "C");

        var g = Tensor.Randn(c.Shape, rng);
        c.Backward(g);
        var gData = g.ToArray();
        var aData = a.ToArray();
        var bData = b.ToArray();
        var expectedA = new double[3 * m * k];
        var expectedB = new double[4 * k * n];
        for (int t = 0; t < 12; t++)
        {
            int ai = t / 4, bi = t % 4;
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double gij = gData[(t * m + i) * n + j];
                    for (int p = 0; p < k; p++)
                    {
                        expectedA[(ai * m + i) * k + p] += gij * bData[(bi * k + p) * n + j];
                        expectedB[(bi * k + p) * n + j] += gij * aData[(ai * m + i) * k + p];
                    }
                }
        }
        AssertClose(expectedA, a.Grad!, "dA");
        AssertClose(expectedB, b.Grad!, "dB");
    }

    [Fact]
    public void LinearOnA3dInputMatchesNaiveProduct()
    {
        const int batch = 5, steps = 7, inFeatures = 130, outFeatures = 33;
        var rng = new Rng(4);
        var x = Leaf(rng, batch, steps, inFeatures);
        var w = Leaf(rng, outFeatures, inFeatures);
        var bias = Leaf(rng, outFeatures);
        var y = Ops.Linear(x, w, bias);
        var wT = Ops.Transpose(w.Detach(), 0, 1).ToArray();
        var expected = NaiveMatMul(x.ToArray(), wT, 1, _ => 0, _ => 0, batch * steps, inFeatures, outFeatures);
        for (int r = 0; r < batch * steps; r++)
            for (int o = 0; o < outFeatures; o++) expected[r * outFeatures + o] += bias.Data[o];
        AssertClose(expected, y, "y");

        var g = Tensor.Randn(y.Shape, rng);
        y.Backward(g);
        var gData = g.ToArray();
        var expectedBias = new double[outFeatures];
        for (int r = 0; r < batch * steps; r++)
            for (int o = 0; o < outFeatures; o++) expectedBias[o] += gData[r * outFeatures + o];
        AssertClose(expectedBias, bias.Grad!, "dBias");
        AssertClose(NaiveMatMul(gData, w.ToArray(), 1, _ => 0, _ => 0, batch * steps, outFeatures, inFeatures), x.Grad!, "dX");
        var gT = Ops.Transpose(Ops.Reshape(g, batch * steps, outFeatures), 0, 1).ToArray();
        AssertClose(NaiveMatMul(gT, x.ToArray(), 1, _ => 0, _ => 0, outFeatures, batch * steps, inFeatures), w.Grad!, "dW");
    }

    [Theory]
    [InlineData(3, 1500, 1, false)]
    [InlineData(3, 1500, 1, true)]
    [InlineData(2, 1100, 3, false)]
    [InlineData(2, 1100, 3, true)]
    [InlineData(4, 37, 5, true)]
    public void SoftmaxOverLongAxesMatchesDoublePrecision(int outer, int size, int inner, bool log)
    {
        var rng = new Rng(size + inner);
        var x = Leaf(rng, outer, size, inner);
        var y = log ? Ops.LogSoftmax(x, 1) : Ops.Softmax(x, 1);
        var data = x.ToArray();
        var expected = new double[data.Length];
        var probabilities = new double[data.Length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int Index(int r) => (o * size + r) * inner + i;
                double max = Enumerable.Range(0, size).Max(r => (double)data[Index(r)]);
                double sum = Enumerable.Range(0, size).Sum(r => Math.Exp(data[Index(r)] - max));
                for (int r = 0; r < size; r++)
                {
                    probabilities[Index(r)] = Math.Exp(data[Index(r)] - max) / sum;
                    expected[Index(r)] = log ? data[Index(r)] - max - Math.Log(sum) : probabilities[Index(r)];
                }
            }
        AssertClose(expected, y, "y");

        var g = Tensor.Randn(y.Shape, rng);
        y.Backward(g);
        var gData = g.ToArray();
        var expectedGrad = new double[data.Length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int Index(int r) => (o * size + r) * inner + i;
                double dot = log
                    ? Enumerable.Range(0, size).Sum(r => (double)gData[Index(r)])
                    : Enumerable.Range(0, size).Sum(r => gData[Index(r)] * probabilities[Index(r)]);
                for (int r = 0; r < size; r++)
                    expectedGrad[Index(r)] = log
                        ? gData[Index(r)] - probabilities[Index(r)] * dot
                        : probabilities[Index(r)] * (gData[Index(r)] - dot);
            }
        AssertClose(expectedGrad, x.Grad!, "dx");
    }

    [Fact]
    public void ReductionsAndBroadcastsOverLargeTensorsMatchDoublePrecision()
    {
        var rng = new Rng(8);
        var x = Tensor.Randn(new[] { 7, 301, 9 }, rng);
        var data = x.ToArray();
        var expected = new double[7 * 9];
        for (int a = 0; a < 7; a++)
            for (int b = 0; b < 301; b++)
                for (int c = 0; c < 9; c++) expected[a * 9 + c] += data[(a * 301 + b) * 9 + c];
        AssertClose(expected, Ops.Sum(x, 1), "sum over dim 1");
        AssertClose(expected.Select(v => v / 301).ToArray(), Ops.Mean(x, 1), "mean over dim 1");
        AssertClose(new[] { data.Sum(v => (double)v) }, Ops.Sum(x), "sum of all");

        var row = Tensor.Randn(new[] { 301, 1 }, rng);
        var product = Ops.Mul(x, row);
        var rowData = row.ToArray();
        AssertClose(data.Select((v, i) => (double)v * rowData[i / 9 % 301]).ToArray(), product, "broadcast product");
    }

    [Fact]
    public void PermuteOfALargeTensorMovesEveryElement()
    {
        var x = Ops.Reshape(Tensor.Arange(5 * 37 * 41), 5, 37, 41);
        var y = Ops.Permute(x, 2, 0, 1);
        Assert.Equal(new[] { 41, 5, 37 }, y.Shape);
        var values = y.ToArray();
        for (int c = 0; c < 41; c++)
            for (int a = 0; a < 5; a++)
                for (int b = 0; b < 37; b++)
                    Assert.Equal((a * 37 + b) * 41 + c, values[(c * 5 + a) * 37 + b]);
        var t = Ops.Transpose(Ops.Reshape(Tensor.Arange(70 * 45), 70, 45), 0, 1).ToArray();
        for (int i = 0; i < 45; i++)
            for (int j = 0; j < 70; j++) Assert.Equal(j * 45 + i, t[i * 70 + j]);
    }
}
