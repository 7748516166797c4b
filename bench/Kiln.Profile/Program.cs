using System.Diagnostics;
using Kiln;
using Kiln.Nn;
using Kiln.Optim;
using static Kiln.Ops;

// Usage: dotnet run -c Release --project bench/Kiln.Profile -- [seconds-per-workload] [filter|gemm|parts|digest|zerograd]
//   filter: substring of a workload name; gemm: the workloads' GEMMs alone; parts: each op of the two-layer autograd
//   step timed inside the step; digest: a hash of every bit of 200 steps of each workload (compare two builds to
//   prove an optimisation changed no result); zerograd: cost of Module.ZeroGrad's walk.
// KILN_THREADS sets Kiln.Threads.Max (default 1, as PyTorch's 1-thread reference). Not in the solution. Set
// DOTNET_GCLOHThreshold=0x400000 to match the samples and Kiln.Bench (their runtimeconfig raises the LOH threshold).
// Prints, per workload, the median / p10 step time and the bytes allocated per step (this thread), and the
// median time of each section of the step (forward, backward, update) from a second, sectioned run.
double seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2;
string filter = args.Length > 1 ? args[1] : "";
Kiln.Threads.Max = int.Parse(Environment.GetEnvironmentVariable("KILN_THREADS") ?? "1");
var workloads = new (string Name, Func<Workload> Create)[]
{
    ("W1 linreg b10 sgd", Workloads.LinReg),
    ("W2 autograd", Workloads.TwoLayerAutograd),
    ("W2 tensor manual", Workloads.TwoLayerManual),
    ("W2 nn+Adam", Workloads.TwoLayerNnAdam),
    ("W2 nn+SGD momentum", Workloads.TwoLayerNnMomentum),
    ("W3 softmax 784-10 b256", Workloads.SoftmaxRegression),
    ("mix sig/tanh 2x bwd", Workloads.Mixed),
    ("lstm x20 small ops", Workloads.LstmChain),
    ("sgd wd/nesterov/damp", Workloads.SgdVariants),
};

if (filter == "gemm") { GemmShapes.Run(seconds); return; }
if (filter == "parts") { Parts.TwoLayerAutograd(seconds); return; }
if (filter == "zerograd")
{
    // Module.ZeroGrad walks the module tree; how much of a step is that walk (gradients absent, so no clearing)?
    var model = new Sequential(new Linear(1000, 100), new ReLU(), new Linear(100, 10));
    var samples = new List<double>();
    long before = 0;
    for (int i = 0; i < 200_000; i++)
    {
        if (i == 100_000) before = GC.GetAllocatedBytesForCurrentThread();
        long t0 = Stopwatch.GetTimestamp();
        model.ZeroGrad();
        if (i >= 100_000) samples.Add(Us(Stopwatch.GetTimestamp() - t0));
    }
    Console.WriteLine($"Module.ZeroGrad (3 modules, 4 parameters, no grads): median {Median(samples):F2} us, {(GC.GetAllocatedBytesForCurrentThread() - before) / 100_000} B/call");
    return;
}
if (filter == "digest")
{
    // 200 steps of every workload from its seed; the hash covers every bit of the state and of each loss.
    foreach (var (name, create) in workloads)
    {
        var w = create();
        ulong hash = 14695981039346656037; // FNV-1a: the same in every process, unlike HashCode
        for (int i = 0; i < 200; i++)
        {
            var loss = w.Forward();
            hash = (hash ^ (uint)BitConverter.SingleToInt32Bits(loss.Item())) * 1099511628211;
            w.Backward(loss);
            w.Update();
        }
        foreach (var t in w.State()) foreach (float v in t.ToArray()) hash = (hash ^ (uint)BitConverter.SingleToInt32Bits(v)) * 1099511628211;
        Console.WriteLine($"{name,-24} {hash:X16}");
    }
    return;
}


Console.WriteLine($"{"workload",-24} {"median",10} {"p10",10} {"alloc/step",12} {"fwd",9} {"bwd",9} {"upd",9}  gen0/1/2 per 1k");
foreach (var (name, create) in workloads)
{
    if (!name.Contains(filter, StringComparison.OrdinalIgnoreCase)) continue;
    var w = create();
    // Warm up (tiered JIT + PGO).
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed.TotalSeconds < Math.Max(0.5, seconds / 2)) { var l = w.Forward(); w.Backward(l); w.Update(); }

    long bytes0 = GC.GetAllocatedBytesForCurrentThread();
    for (int i = 0; i < 100; i++) { var l = w.Forward(); w.Backward(l); w.Update(); }
    long allocPerStep = (GC.GetAllocatedBytesForCurrentThread() - bytes0) / 100;

    var total = new List<double>(); var fwd = new List<double>(); var bwd = new List<double>(); var upd = new List<double>();
    int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
    clock.Restart();
    while (clock.Elapsed.TotalSeconds < seconds || total.Count < 50)
    {
        long t0 = Stopwatch.GetTimestamp();
        var loss = w.Forward();
        long t1 = Stopwatch.GetTimestamp();
        w.Backward(loss);
        long t2 = Stopwatch.GetTimestamp();
        w.Update();
        long t3 = Stopwatch.GetTimestamp();
        total.Add(Us(t3 - t0)); fwd.Add(Us(t1 - t0)); bwd.Add(Us(t2 - t1)); upd.Add(Us(t3 - t2));
    }
    int n = total.Count;
    double per1k = 1000.0 / n;
    Console.WriteLine($"{name,-24} {Median(total),8:F1}us {Pct(total, 0.1),8:F1}us {allocPerStep,12:N0} {Median(fwd),7:F1}us {Median(bwd),7:F1}us {Median(upd),7:F1}us  {(GC.CollectionCount(0) - g0) * per1k:F1}/{(GC.CollectionCount(1) - g1) * per1k:F1}/{(GC.CollectionCount(2) - g2) * per1k:F1} (n={n}) loss={w.Forward().Item():G6}");
}

static double Us(long ticks) => ticks * 1e6 / Stopwatch.Frequency;
static double Median(List<double> xs) => Pct(xs, 0.5);
static double Pct(List<double> xs, double p) { var s = xs.ToArray(); Array.Sort(s); return s[(int)(p * (s.Length - 1))]; }

/// <summary>A training step split into forward (returns the loss, read with Item), backward (zero-grad + backward) and update.</summary>
sealed class Workload(Func<Tensor> forward, Action<Tensor> backward, Action update, Func<IEnumerable<Tensor>> state)
{
    /// <summary>The tensors a step updates, hashed by the digest mode to check that an optimisation changed no bit.</summary>
    public Func<IEnumerable<Tensor>> State { get; } = state;
    public Func<Tensor> Forward { get; } = forward;
    public Action<Tensor> Backward { get; } = backward;
    public Action Update { get; } = update;
}

static class Workloads
{
    /// <summary>For the digest: SGD with weight decay, Nesterov momentum and dampening, on odd-sized parameters (vector tails).</summary>
    public static Workload SgdVariants()
    {
        var rng = new Rng(6);
        var a = new Linear(37, 13, rng: rng);
        var b = new Linear(13, 3, rng: rng);
        var c = new Linear(37, 3, rng: rng);
        var optimizers = new[]
        {
            new Sgd(a.Parameters(), lr: 0.05f, momentum: 0.9f, weightDecay: 0.01f, nesterov: true),
            new Sgd(b.Parameters(), lr: 0.02f, momentum: 0.5f, dampening: 0.3f),
            new Sgd(c.Parameters(), lr: 0.03f, weightDecay: 0.1f),
        };
        var x = Tensor.Randn(new[] { 9, 37 }, rng);
        var y = Tensor.Randn(new[] { 9, 3 }, rng);
        return new Workload(() =>
        {
            var loss = MseLoss(b.Forward(Tanh(a.Forward(x))) + c.Forward(x), y);
            _ = loss.Item();
            return loss;
        }, loss => { foreach (var o in optimizers) o.ZeroGrad(); loss.Backward(); }, () => { foreach (var o in optimizers) o.Step(); },
        () => a.Parameters().Concat(b.Parameters()).Concat(c.Parameters()));
    }

    /// <summary>Many small ops, as in the TreeLSTM and RNN workloads: an LstmCell(16, 32) run over 20 steps of batch 1, SGD.</summary>
    public static Workload LstmChain()
    {
        var rng = new Rng(5);
        var cell = new LstmCell(16, 32, rng: rng);
        var head = new Linear(32, 1, rng: rng);
        var parameters = cell.Parameters().Concat(head.Parameters()).ToArray();
        var optimizer = new Sgd(parameters, lr: 0.01f);
        var inputs = Enumerable.Range(0, 20).Select(_ => Tensor.Randn(new[] { 1, 16 }, rng)).ToArray();
        var target = Tensor.Ones(1, 1);
        return new Workload(() =>
        {
            (Tensor H, Tensor C)? state = null;
            foreach (var x in inputs) state = cell.Forward(x, state);
            var loss = MseLoss(head.Forward(state!.Value.H), target);
            _ = loss.Item();
            return loss;
        }, loss => { optimizer.ZeroGrad(); loss.Backward(); }, optimizer.Step, () => parameters);
    }

    /// <summary>
    /// The cases the others miss, for the digest: Sigmoid, Tanh, a weight used twice, broadcasting, a gradient
    /// accumulated over two backward passes before the update (so leaf gradients are not zero), SGD with momentum.
    /// </summary>
    public static Workload Mixed()
    {
        var rng = new Rng(3);
        var first = new Linear(20, 16, rng: rng);
        var shared = new Linear(16, 16, rng: rng);
        var scale = Parameter.Randn(new[] { 16 }, rng);
        var head = new Linear(16, 4, rng: rng);
        var parameters = first.Parameters().Concat(shared.Parameters()).Append(scale).Concat(head.Parameters()).ToArray();
        var optimizer = new Sgd(parameters, lr: 0.01f, momentum: 0.9f);
        var x = Tensor.Randn(new[] { 8, 20 }, rng);
        var y = Tensor.Randn(new[] { 8, 4 }, rng);
        Tensor Loss(Tensor input)
        {
            var h = Sigmoid(first.Forward(input));
            h = Tanh(shared.Forward(h)) * scale;
            h = Relu(shared.Forward(h) + h);
            return MseLoss(head.Forward(h), y) + Square(h).Mean() * 0.1f;
        }
        return new Workload(() =>
        {
            var loss = Loss(x);
            _ = loss.Item();
            return loss;
        }, loss =>
        {
            optimizer.ZeroGrad();
            loss.Backward();
            Loss(x * 0.5f).Backward();
        }, optimizer.Step, () => parameters);
    }

    public static Workload LinReg()
    {
        var rng = new Rng(0);
        var features = Tensor.Randn(new[] { 1000, 2 }, rng);
        var labels = Tensor.Randn(new[] { 1000, 1 }, rng);
        var batches = Enumerable.Range(0, 100).Select(b => (X: Narrow(features, 0, b * 10, 10), Y: Narrow(labels, 0, b * 10, 10))).ToArray();
        var net = new Linear(2, 1, rng: rng);
        var optimizer = new Sgd(net.Parameters(), lr: 0.03f);
        int next = 0;
        return new Workload(() =>
        {
            var (x, y) = batches[next];
            next = (next + 1) % batches.Length;
            var loss = MseLoss(net.Forward(x), y);
            _ = loss.Item();
            return loss;
        }, loss => { optimizer.ZeroGrad(); loss.Backward(); }, optimizer.Step, () => net.Parameters());
    }

    public static Workload TwoLayerAutograd()
    {
        var rng = new Rng(0);
        var x = Tensor.Randn(new[] { 64, 1000 }, rng);
        var y = Tensor.Randn(new[] { 64, 10 }, rng);
        var w1 = Tensor.Randn(new[] { 1000, 100 }, rng);
        var w2 = Tensor.Randn(new[] { 100, 10 }, rng);
        w1.RequiresGrad = true;
        w2.RequiresGrad = true;
        return new Workload(() =>
        {
            var yPred = x.MatMul(w1).Clamp(min: 0f).MatMul(w2);
            var loss = (yPred - y).Square().Sum();
            _ = loss.Item();
            return loss;
        }, loss => loss.Backward(), () =>
        {
            using (Autograd.NoGrad())
            {
                if (w1.Grad is null) return;
                w1.SubInPlace(w1.Grad! * 1e-6f);
                w2.SubInPlace(w2.Grad! * 1e-6f);
                w1.Grad = null;
                w2.Grad = null;
            }
        }, () => new[] { w1, w2 });
    }

    public static Workload TwoLayerManual()
    {
        var rng = new Rng(0);
        var x = Tensor.Randn(new[] { 64, 1000 }, rng);
        var y = Tensor.Randn(new[] { 64, 10 }, rng);
        var w1 = Tensor.Randn(new[] { 1000, 100 }, rng);
        var w2 = Tensor.Randn(new[] { 100, 10 }, rng);
        Tensor h = null!, hRelu = null!, yPred = null!;
        return new Workload(() =>
        {
            h = x.MatMul(w1);
            hRelu = h.Clamp(min: 0f);
            yPred = hRelu.MatMul(w2);
            var loss = (yPred - y).Square().Sum();
            _ = loss.Item();
            return loss;
        }, _ => { }, () =>
        {
            if (yPred is null) return;
            var gradYPred = (yPred - y) * 2f;
            var gradW2 = hRelu.T().MatMul(gradYPred);
            var gradHRelu = gradYPred.MatMul(w2.T());
            var gradH = gradHRelu * GreaterThan(h, 0f);
            var gradW1 = x.T().MatMul(gradH);
            w1.SubInPlace(gradW1 * 1e-6f);
            w2.SubInPlace(gradW2 * 1e-6f);
        }, () => new[] { w1, w2 });
    }

    public static Workload TwoLayerNnAdam()
    {
        var rng = new Rng(0);
        var model = new Sequential(new Linear(1000, 100, rng: rng), new ReLU(), new Linear(100, 10, rng: rng));
        var x = Tensor.Randn(new[] { 64, 1000 }, rng);
        var y = Tensor.Randn(new[] { 64, 10 }, rng);
        var optimizer = new Adam(model.Parameters(), lr: 1e-4f);
        return new Workload(() =>
        {
            var loss = MseLoss(model.Forward(x), y, Reduction.Sum);
            _ = loss.Item();
            return loss;
        }, loss => { optimizer.ZeroGrad(); loss.Backward(); }, optimizer.Step, () => model.Parameters());
    }

    public static Workload TwoLayerNnMomentum()
    {
        var rng = new Rng(0);
        var model = new Sequential(new Linear(1000, 100, rng: rng), new ReLU(), new Linear(100, 10, rng: rng));
        var x = Tensor.Randn(new[] { 64, 1000 }, rng);
        var y = Tensor.Randn(new[] { 64, 10 }, rng);
        var optimizer = new Sgd(model.Parameters(), lr: 1e-4f, momentum: 0.9f);
        return new Workload(() =>
        {
            var loss = MseLoss(model.Forward(x), y, Reduction.Sum);
            _ = loss.Item();
            return loss;
        }, loss => { optimizer.ZeroGrad(); loss.Backward(); }, optimizer.Step, () => model.Parameters());
    }

    public static Workload SoftmaxRegression()
    {
        var rng = new Rng(0);
        var net = new Linear(784, 10, rng: rng);
        var images = Tensor.Rand(new[] { 256 * 8, 784 }, rng);
        var labelData = new int[256 * 8];
        for (int i = 0; i < labelData.Length; i++) labelData[i] = i * 7 % 10;
        var batches = Enumerable.Range(0, 8).Select(b => (X: Narrow(images, 0, b * 256, 256), Y: IntTensor.FromArray(labelData[(b * 256)..((b + 1) * 256)], 256))).ToArray();
        var optimizer = new Sgd(net.Parameters(), lr: 0.1f);
        int next = 0;
        return new Workload(() =>
        {
            var (x, y) = batches[next];
            next = (next + 1) % batches.Length;
            var loss = CrossEntropy(net.Forward(x), y);
            _ = loss.Item();
            return loss;
        }, loss => { optimizer.ZeroGrad(); loss.Backward(); }, optimizer.Step, () => net.Parameters());
    }
}

static class GemmShapes
{
    /// <summary>Median time of each GEMM the workloads perform, so the step's non-GEMM overhead can be read off.</summary>
    public static void Run(double seconds)
    {
        var shapes = new (string Name, int M, int N, int K, bool TA, bool TB)[]
        {
            ("W2 x·w1 [64,1000]x[1000,100]", 64, 100, 1000, false, false),
            ("W2 dW1 = xᵀ·g (1000x100, k64)", 1000, 100, 64, true, false),
            ("W2 h·w2 [64,100]x[100,10]", 64, 10, 100, false, false),
            ("W2 dW2 = hᵀ·g (100x10, k64)", 100, 10, 64, true, false),
            ("W2 dH = g·w2ᵀ (64x100, k10)", 64, 100, 10, false, true),
            ("nn x·Wᵀ (64x100, k1000)", 64, 100, 1000, false, true),
            ("nn dW = gᵀ·x (100x1000, k64)", 100, 1000, 64, true, false),
            ("nn h·W2ᵀ (64x10, k100)", 64, 10, 100, false, true),
            ("nn dW2 = gᵀ·h (10x100, k64)", 10, 100, 64, true, false),
            ("nn dH = g·W2 (64x100, k10)", 64, 100, 10, false, false),
            ("W3 x·Wᵀ (256x10, k784)", 256, 10, 784, false, true),
            ("W3 dW = gᵀ·x (10x784, k256)", 10, 784, 256, true, false),
        };
        var rng = new Random(1);
        foreach (var (name, m, n, k, ta, tb) in shapes)
        {
            var a = new float[m * k]; var b = new float[k * n]; var c = new float[m * n];
            for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble();
            for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble();
            var samples = new List<double>();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < 0.3) Kiln.Kernels.Gemm.Multiply(a, b, c, m, n, k, ta, tb);
            clock.Restart();
            while (clock.Elapsed.TotalSeconds < seconds || samples.Count < 50)
            {
                long t0 = Stopwatch.GetTimestamp();
                Kiln.Kernels.Gemm.Multiply(a, b, c, m, n, k, ta, tb);
                samples.Add((Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency);
            }
            samples.Sort();
            double med = samples[samples.Count / 2];
            Console.WriteLine($"{name,-34} {med,8:F1}us  {2.0 * m * n * k / med / 1e3,6:F1} GFLOP/s");
        }
    }
}

static class Parts
{
    /// <summary>Median time of each op of the two-layer autograd step, timed inside the step (caches as the step leaves them).</summary>
    public static void TwoLayerAutograd(double seconds)
    {
        var rng = new Rng(0);
        var x = Tensor.Randn(new[] { 64, 1000 }, rng);
        var y = Tensor.Randn(new[] { 64, 10 }, rng);
        var w1 = Tensor.Randn(new[] { 1000, 100 }, rng);
        var w2 = Tensor.Randn(new[] { 100, 10 }, rng);
        w1.RequiresGrad = true;
        w2.RequiresGrad = true;
        string[] names = { "matmul1", "clamp", "matmul2", "sub", "square", "sum+item", "backward", "w1.Grad*lr", "w1.Sub_", "w2 update" };
        var samples = names.Select(_ => new List<double>()).ToArray();
        var clock = Stopwatch.StartNew();
        bool measuring = false;
        while (true)
        {
            if (!measuring && clock.Elapsed.TotalSeconds > 0.5) { measuring = true; clock.Restart(); }
            if (measuring && clock.Elapsed.TotalSeconds > seconds) break;
            var t = new long[names.Length + 1];
            t[0] = Stopwatch.GetTimestamp();
            var h = x.MatMul(w1); t[1] = Stopwatch.GetTimestamp();
            var hr = h.Clamp(min: 0f); t[2] = Stopwatch.GetTimestamp();
            var yPred = hr.MatMul(w2); t[3] = Stopwatch.GetTimestamp();
            var d = yPred - y; t[4] = Stopwatch.GetTimestamp();
            var sq = d.Square(); t[5] = Stopwatch.GetTimestamp();
            var loss = sq.Sum(); _ = loss.Item(); t[6] = Stopwatch.GetTimestamp();
            loss.Backward(); t[7] = Stopwatch.GetTimestamp();
            using (Autograd.NoGrad())
            {
                var step1 = w1.Grad! * 1e-6f; t[8] = Stopwatch.GetTimestamp();
                w1.SubInPlace(step1); t[9] = Stopwatch.GetTimestamp();
                w2.SubInPlace(w2.Grad! * 1e-6f);
                w1.Grad = null;
                w2.Grad = null;
            }
            t[10] = Stopwatch.GetTimestamp();
            if (measuring) for (int i = 0; i < names.Length; i++) samples[i].Add((t[i + 1] - t[i]) * 1e6 / Stopwatch.Frequency);
        }
        for (int i = 0; i < names.Length; i++)
        {
            var sorted = samples[i].OrderBy(v => v).ToArray();
            Console.WriteLine($"{names[i],-12} {sorted[sorted.Length / 2],8:F1}us");
        }
    }
}
