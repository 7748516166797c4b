using Kiln.Kernels;

namespace Kiln.Bench;

/// <summary>
/// The convolution kernels of the CNN workload (W6, batch 128): forward, input gradient and weight gradient of
/// Conv2d(1, 8, 3, padding 1) on 28×28 and Conv2d(8, 16, 3, padding 1) on 14×14, single-threaded, in GFLOP/s
/// (2 · N · Cout · OH · OW · Cin · KH · KW per call) and as a fraction of the measured FMA peak; "fwd+relu+pool" and
/// "pooled wgt grad" are the static graph's fused conv + ReLU + 2×2 max-pool (Kiln.Kernels.ConvReluPool) forward and
/// weight gradient, counted with the convolution's FLOPs.
/// </summary>
public static class ConvBenchmarks
{
    static readonly (string Label, Conv2dGeometry Geometry)[] Cases =
    {
        ("conv1 1->8 3x3, 28x28", new Conv2dGeometry(128, 1, 28, 28, 8, 3, 3, 1, 1, 1, 1)),
        ("conv2 8->16 3x3, 14x14", new Conv2dGeometry(128, 8, 14, 14, 16, 3, 3, 1, 1, 1, 1)),
    };

    public static void Run(TimeSpan warmup, TimeSpan budget, double peakGFlops)
    {
        Console.WriteLine($"Convolution kernels (batch 128, Kiln.Threads.Max 1; GFLOP/s = 2·N·Cout·OH·OW·Cin·KH·KW / median; % of the FMA peak {peakGFlops:F1})");
        Console.WriteLine($"  {"convolution",-24} {"kernel",-16} {"median",10} {"GFLOP/s",8} {"% peak",7}");
        int savedThreads = Kiln.Threads.Max;
        Kiln.Threads.Max = 1;
        try
        {
            var rng = new Rng(3);
            foreach (var (label, g) in Cases)
            {
                var x = Tensor.Randn(new[] { g.Batch * g.InputImageSize }, rng).ToArray();
                var w = Tensor.Randn(new[] { g.OutChannels * g.PatchSize }, rng).ToArray();
                var b = Tensor.Randn(new[] { g.OutChannels }, rng).ToArray();
                var y = new float[g.Batch * g.OutputImageSize];
                var gy = Tensor.Randn(new[] { y.Length }, rng).ToArray();
                var gx = new float[x.Length];
                var gw = new float[w.Length];
                var gb = new float[b.Length];
                var scratch = new float[g.ColumnsLength];
                var pooled = new float[ConvReluPool.PooledLength(g)];
                var argmax = new float[pooled.Length];
                var poolScratch = new float[ConvReluPool.ScratchLength(g)];
                var gyPooled = Tensor.Randn(new[] { pooled.Length }, rng).ToArray();
                ConvReluPool.Forward(x, w, b, pooled, argmax, poolScratch, g);
                double flops = 2.0 * g.Batch * g.OutChannels * g.OutputPlaneSize * g.PatchSize;
                var kernels = new (string Name, Action Call)[]
                {
                    ("forward", () => Convolution.Conv2dForward(x, w, b, y, scratch, g)),
                    // The static graph's fused conv + bias → ReLU → 2×2 max-pool (same FLOPs; writes a quarter of the output and the argmax).
                    ("fwd+relu+pool", () => ConvReluPool.Forward(x, w, b, pooled, argmax, poolScratch, g)),
                    ("input grad", () => Convolution.Conv2dBackwardInput(gy, w, gx, scratch, g)),
                    ("weight+bias grad", () => Convolution.Conv2dBackwardWeight(x, gy, gw, gb, scratch, g)),
                    // The fused op's weight gradient straight from the pooled gradient (its scatter included; the convolution's FLOPs).
                    ("pooled wgt grad", () => ConvReluPool.BackwardWeight(x, gyPooled, pooled, argmax, gw, poolScratch, g)),
                };
                foreach (var (name, call) in kernels)
                {
                    var timing = Measurement.Time(call, warmup, budget);
                    double gflops = flops / timing.Median / 1e9;
                    Console.WriteLine($"  {label,-24} {name,-16} {Measurement.FormatSeconds(timing.Median),10} {gflops,8:F1} {100 * gflops / peakGFlops,6:F0}%");
                }
            }
        }
        finally
        {
            Kiln.Threads.Max = savedThreads;
        }
        Console.WriteLine();
    }
}
