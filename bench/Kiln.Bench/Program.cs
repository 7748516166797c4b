using Kiln.Bench;
using Kiln.Kernels;

// Usage: dotnet run -c Release --project bench/Kiln.Bench [-- gemm|conv|steps|static|trees] [--quick] [--filter TEXT] [--threads N] [--summary]
// --threads sets Kiln.Threads.Max (every parallel kernel: GEMM, convolutions) for the whole run; the GEMM table
// always shows 1 thread and up to 2. `--cold WORKLOAD MODE` is the static table's child process (first steps).
var parts = new HashSet<string>(args.Where(a => !a.StartsWith("--")), StringComparer.OrdinalIgnoreCase);
bool quick = args.Contains("--quick");
bool summaries = args.Contains("--summary");
int filterIndex = Array.IndexOf(args, "--filter");
string? filter = filterIndex >= 0 && filterIndex + 1 < args.Length ? args[filterIndex + 1] : null;
if (filter is not null) parts.Remove(filter);
int threadsIndex = Array.IndexOf(args, "--threads");
if (threadsIndex >= 0 && threadsIndex + 1 < args.Length)
{
    Kiln.Threads.Max = int.Parse(args[threadsIndex + 1], System.Globalization.CultureInfo.InvariantCulture);
    parts.Remove(args[threadsIndex + 1]);
}
int coldIndex = Array.IndexOf(args, "--cold");
if (coldIndex >= 0)
{
    // An optional fourth word times more steps (to watch the JIT tiers settle); the median stays the first 20's.
    int steps = coldIndex + 3 < args.Length && int.TryParse(args[coldIndex + 3], out int n) ? n : StaticSteps.ColdSteps;
    StaticSteps.RunCold(args[coldIndex + 1], args[coldIndex + 2], Math.Max(steps, StaticSteps.ColdSteps));
    return;
}
// The static table is also written as Markdown: --results PATH, else bench/RESULTS.md when run from the repository root.
int resultsIndex = Array.IndexOf(args, "--results");
string? resultsPath = resultsIndex >= 0 && resultsIndex + 1 < args.Length ? args[resultsIndex + 1]
    : Directory.Exists("bench/Kiln.Bench") ? "bench/RESULTS.md" : null;
if (resultsIndex >= 0 && resultsIndex + 1 < args.Length) parts.Remove(args[resultsIndex + 1]);
bool all = parts.Count == 0;

// Warm-up goes past the 100 ms tiering delay, so timed code is fully optimised; the budgets keep a full run under ~2 minutes.
var warmup = TimeSpan.FromMilliseconds(quick ? 300 : 500);
var budget = TimeSpan.FromMilliseconds(quick ? 300 : 1000);

Console.WriteLine($"Kiln.Bench  ({Environment.ProcessorCount} cores, .NET {Environment.Version}, Kiln.Threads.Max {Kiln.Threads.Max})");
var (peak, width) = FmaPeak.Measure();
Console.WriteLine($"CPU: {FmaPeak.CpuModel()}; measured FMA peak, 1 thread: {peak:F1} GFLOP/s ({width}, 12 accumulators)");
#if DEBUG
Console.WriteLine("WARNING: Debug build; run with -c Release for meaningful numbers.");
#endif
Console.WriteLine();

if (all || parts.Contains("gemm"))
{
    int[] threadCounts = Kiln.Threads.Max > 1 ? new[] { 1, Math.Min(2, Kiln.Threads.Max) } : new[] { 1 };
    GemmBenchmarks.Run(warmup, budget, threadCounts);
}
if (all || parts.Contains("conv"))
    ConvBenchmarks.Run(warmup, budget, peak);
if (all || parts.Contains("steps"))
    StepBenchmarks.Run(warmup, budget, filter);
if (all || parts.Contains("static"))
    StaticSteps.Run(warmup, 2 * budget, filter, summaries, resultsPath); // two modes interleaved: each gets half
if (all || parts.Contains("trees"))
    TreeSteps.Run(warmup, 3 * budget); // three modes interleaved: each gets a third
