using System.Runtime.CompilerServices;

namespace Kiln.Generator.Tests.Support;

/// <summary>
/// Baseline files, like System.Text.Json's generator tests: the checked-in Snapshots/&lt;name&gt; is the expected
/// text. A mismatch writes &lt;name&gt; with ".verified" replaced by ".received" next to it and fails with a diff
/// command; KILN_ACCEPT_SNAPSHOTS=1 overwrites the baseline instead.
/// </summary>
internal static class Snapshot
{
    public static string Directory([CallerFilePath] string callerPath = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(callerPath)!)!, "Snapshots");

    public static void Verify(string fileName, string actual)
    {
        if (!fileName.Contains(".verified.", StringComparison.Ordinal))
            throw new ArgumentException("A baseline name contains '.verified.'", nameof(fileName));
        string directory = Directory();
        string verifiedPath = Path.Combine(directory, fileName);
        string receivedPath = Path.Combine(directory, fileName.Replace(".verified.", ".received.", StringComparison.Ordinal));
        actual = Normalize(actual);

        if (Environment.GetEnvironmentVariable("KILN_ACCEPT_SNAPSHOTS") == "1")
        {
            System.IO.Directory.CreateDirectory(directory);
            File.WriteAllText(verifiedPath, actual);
            File.Delete(receivedPath);
            return;
        }

        string? expected = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (expected == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual);
        Assert.Fail(expected is null
            ? $"No baseline {verifiedPath}. Wrote {receivedPath}; review it, then rename it or rerun with KILN_ACCEPT_SNAPSHOTS=1."
            : $"{fileName} differs from its baseline ({FirstDifference(expected, actual)}). Wrote {receivedPath}.\n" +
              $"  diff -u {verifiedPath} {receivedPath}\nRerun with KILN_ACCEPT_SNAPSHOTS=1 to accept.");
    }

    static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    static string FirstDifference(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (int i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            string? e = i < expectedLines.Length ? expectedLines[i] : null;
            string? a = i < actualLines.Length ? actualLines[i] : null;
            if (e != a) return $"line {i + 1}: expected \"{e}\", got \"{a}\"";
        }
        return "same lines, different text";
    }
}
