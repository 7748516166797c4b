using System.Runtime.CompilerServices;

namespace Kiln.Accelerators.Tests;

/// <summary>
/// Baselines of the ILGPU part of generated files (To, the device graph, the device program and its kernels), read
/// from what the build compiled (obj/generated, EmitCompilerGeneratedFiles). A mismatch writes a .received file
/// beside the baseline; KILN_ACCEPT_SNAPSHOTS=1 overwrites the baseline.
/// </summary>
public class SnapshotTests
{
    const string DeviceStart = "/// Binds the forward+backward program";
    const string DeviceEnd = "private static readonly global::Kiln.Compiled.GraphDescription Description";

    [Theory]
    [InlineData("Kiln.Accelerators.Tests.Models.DeviceMlp.Loss")]
    [InlineData("Kiln.Integration.Tests.Models.LstmTagger.Loss")]
    [InlineData("Kiln.Integration.Tests.Models.OpsZoo.Loss")]
    public void Device_program_matches_its_baseline(string graph)
    {
        string generated = File.ReadAllText(Path.Combine(ProjectDirectory(), "obj", "generated", "Kiln.Generator", "Kiln.Generator.KilnGenerator", graph + ".g.cs"));
        // From the "/// <summary>" line above To's description.
        int bindsLine = generated.LastIndexOf('\n', generated.IndexOf(DeviceStart, StringComparison.Ordinal));
        int start = generated.LastIndexOf('\n', bindsLine - 1) + 1;
        int end = generated.LastIndexOf('\n', generated.IndexOf(DeviceEnd, StringComparison.Ordinal)) + 1;
        Verify(graph.Split('.')[^2] + ".device.verified.cs", generated[start..end]);
    }

    [Fact]
    public void ILGPU_runtime_may_see_the_internal_kernels()
    {
        string generated = File.ReadAllText(Path.Combine(ProjectDirectory(), "obj", "generated", "Kiln.Generator", "Kiln.Generator.KilnGenerator", "Kiln.Ilgpu.g.cs"));
        Assert.Contains("InternalsVisibleTo(\"ILGPURuntime\")", generated);
    }

    static string ProjectDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    static void Verify(string fileName, string actual)
    {
        string directory = Path.Combine(ProjectDirectory(), "Snapshots");
        string verified = Path.Combine(directory, fileName);
        string received = Path.Combine(directory, fileName.Replace(".verified.", ".received.", StringComparison.Ordinal));
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("KILN_ACCEPT_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }
        string? expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"No baseline {verified}. Wrote {received}; review it, then rerun with KILN_ACCEPT_SNAPSHOTS=1."
            : $"{fileName} differs from its baseline. Wrote {received}.\n  diff -u {verified} {received}\nRerun with KILN_ACCEPT_SNAPSHOTS=1 to accept.");
    }
}
