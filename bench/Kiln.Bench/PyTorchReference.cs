using System.Text.Json;

namespace Kiln.Bench;

/// <summary>
/// PyTorch's median step times for the same workloads, so the table can print ratios. Figures come from
/// bench/pytorch_reference.json when bench/pytorch_reference.py has produced one on this machine, otherwise from
/// ../shared/reference/RESULTS.md (1 thread; the AVX-512 re-measurements where that file gives them).
/// </summary>
public static class PyTorchReference
{
    static readonly Dictionary<string, double> FromResultsMd = new()
    {
        ["linreg (batch 10)"] = 73e-6,
        ["two-layer tensor manual"] = 232e-6,
        ["two-layer autograd"] = 241e-6,
        ["two-layer MyReLU"] = 407e-6,
        ["two-layer nn manual"] = 468e-6,
        ["two-layer nn + Adam"] = 404e-6,
        ["two-layer custom module"] = 534e-6,
        ["two-layer dynamic net"] = 683e-6,
        ["softmax regression (batch 256)"] = 215e-6, // W3
        ["cnn (batch 128)"] = 8.87e-3, // W6
    };

    static readonly Lazy<(Dictionary<string, double> Table, string Source)> loaded = new(Load);

    /// <summary>Where the figures come from, for the table's heading.</summary>
    public static string Source => loaded.Value.Source;

    /// <summary>PyTorch's median seconds for a step (or for "gemm " + a GEMM label), when known.</summary>
    public static double? StepSeconds(string workload) => loaded.Value.Table.TryGetValue(workload, out var s) ? s : null;

    static (Dictionary<string, double>, string) Load()
    {
        string? path = FindUpwards(Path.Combine("bench", "pytorch_reference.json"));
        if (path is null) return (FromResultsMd, "shared/reference/RESULTS.md");
        var measured = JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(path)) ?? new();
        var merged = new Dictionary<string, double>(FromResultsMd);
        foreach (var (name, seconds) in measured) merged[name] = seconds;
        return (merged, "bench/pytorch_reference.json");
    }

    static string? FindUpwards(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
