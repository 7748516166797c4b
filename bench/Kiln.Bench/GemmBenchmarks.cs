using Kiln.Kernels;

namespace Kiln.Bench;

/// <summary>One GEMM shape: op(A)[M,K] · op(B)[K,N], and where the workloads use it.</summary>
public sealed record GemmCase(string Label, int M, int N, int K, bool TransposeA, bool TransposeB, string UsedBy);

public static class GemmBenchmarks
{
    /// <summary>
    /// 512³ is the classic throughput figure; the rest are the products one step of the two-layer net
    /// (N=64, 1000→100→10) performs, in the layouts the eager ops call them with, then softmax regression's and the
    /// RNN's (W5).
    /// </summary>
    public static readonly GemmCase[] Cases =
    {
        new("512x512x512", 512, 512, 512, false, false, "throughput"),
        new("64x1000x100", 64, 100, 1000, false, false, "x·w1 (tensor style)"),
        new("64x1000x100 Bᵀ", 64, 100, 1000, false, true, "Linear(1000,100) forward"),
        new("64x100x10 Bᵀ", 64, 10, 100, false, true, "Linear(100,10) forward"),
        new("64x100x10", 64, 10, 100, false, false, "h·w2 (tensor style)"),
        new("1000x64x100 Aᵀ", 1000, 100, 64, true, false, "grad w1 = xᵀ·g (tensor style)"),
        new("100x64x1000 Aᵀ", 100, 1000, 64, true, false, "grad W1 = gᵀ·x (Linear)"),
        new("64x100x1000", 64, 1000, 100, false, false, "grad x = g·W1 (Linear)"),
        new("64x10x100 Bᵀ", 64, 100, 10, false, true, "grad h = g·w2ᵀ (tensor style)"),
        new("100x64x10 Aᵀ", 100, 10, 64, true, false, "grad w2 = hᵀ·g (tensor style)"),
        new("256x784x10 Bᵀ", 256, 10, 784, false, true, "Linear(784,10) forward, batch 256"),
        new("10x256x784 Aᵀ", 10, 784, 256, true, false, "grad W = gᵀ·x of Linear(784,10)"),
        // The Fashion-MNIST MLP (784→256→10, batch 64): forward, and the backward products it needs (no grad x).
        new("64x784x256 Bᵀ", 64, 256, 784, false, true, "MLP Linear(784,256) forward"),
        new("64x256x10 Bᵀ", 64, 10, 256, false, true, "MLP Linear(256,10) forward"),
        new("10x64x256 Aᵀ", 10, 256, 64, true, false, "MLP grad W2 = gᵀ·h"),
        new("64x10x256", 64, 256, 10, false, false, "MLP grad h = g·W2"),
        new("256x64x784 Aᵀ", 256, 784, 64, true, false, "MLP grad W1 = gᵀ·x"),
        // W5's Rnn(10, 20) at batch 64: one step's products, forward and backward, tiny enough that call overhead counts.
        new("64x10x20 Bᵀ", 64, 20, 10, false, true, "Rnn x_t·W_ihᵀ (W5)"),
        new("64x20x20 Bᵀ", 64, 20, 20, false, true, "Rnn h·W_hhᵀ (W5)"),
        new("64x20x20", 64, 20, 20, false, false, "Rnn grad h = g·W_hh (W5)"),
        new("20x64x20 Aᵀ", 20, 20, 64, true, false, "Rnn grad W_hh = gᵀ·h (W5)"),
        new("20x64x10 Aᵀ", 20, 10, 64, true, false, "Rnn grad W_ih = gᵀ·x_t (W5, static per step)"),
        new("20x384x20 Aᵀ", 20, 20, 384, true, false, "Rnn grad W_ih of layer 2 over all 6 steps (W5, eager)"),
    };

    public static void Run(TimeSpan warmup, TimeSpan budget, int[] threadCounts)
    {
        Console.WriteLine($"GEMM (SIMD: {SimdDescription()}; GFLOP/s = 2·M·N·K / median time)");
        Console.WriteLine($"  {"shape (M x K x N)",-18} {"threads",7} {"median",10} {"GFLOP/s",8} {"PyTorch",8}   used by");
        var rng = new Rng(1);
        int savedThreads = Kiln.Threads.Max;
        try
        {
            foreach (var gemm in Cases)
            {
                var a = Tensor.Randn(new[] { gemm.M * gemm.K }, rng).ToArray();
                var b = Tensor.Randn(new[] { gemm.K * gemm.N }, rng).ToArray();
                var c = new float[gemm.M * gemm.N];
                foreach (int threads in threadCounts)
                {
                    Kiln.Threads.Max = threads;
                    var timing = Measurement.Time(() => Gemm.Multiply(a, b, c, gemm.M, gemm.N, gemm.K, gemm.TransposeA, gemm.TransposeB), warmup, budget);
                    double flops = 2.0 * gemm.M * gemm.N * gemm.K;
                    // PyTorch's figure is single-threaded, so it is shown on the 1-thread row only.
                    string torch = threads == 1 && PyTorchReference.StepSeconds("gemm " + gemm.Label) is double seconds ? $"{flops / seconds / 1e9:F1}" : "";
                    Console.WriteLine($"  {gemm.Label,-18} {threads,7} {Measurement.FormatSeconds(timing.Median),10} {flops / timing.Median / 1e9,8:F1} {torch,8}   {gemm.UsedBy}");
                }
            }
        }
        finally
        {
            Kiln.Threads.Max = savedThreads;
        }
        Console.WriteLine();
    }

    static string SimdDescription()
    {
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) return "Vector512";
        if (System.Numerics.Vector.IsHardwareAccelerated) return $"Vector<float> x{System.Numerics.Vector<float>.Count}";
        return "scalar";
    }
}
