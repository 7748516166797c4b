namespace Kiln.Runtime.Tests.Parity;

/// <summary>Finds the fixture folder: <c>KILN_FIXTURES</c>, else <c>../shared/fixtures/public</c> relative to the repository root.</summary>
public static class FixtureCatalog
{
    public const string EnvironmentVariable = "KILN_FIXTURES";

    public static string Directory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                // A relative path is taken from the current directory when it exists there, else from the repository
                // root (the test host's current directory is usually the build output, not where the command was typed).
                if (Path.IsPathRooted(configured) || System.IO.Directory.Exists(configured)) return Path.GetFullPath(configured);
                return Path.GetFullPath(Path.Combine(RepositoryRoot(), configured));
            }
            return Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "fixtures", "public"));
        }
    }

    /// <summary>The folder holding Compiler.sln, found by walking up from the test assembly.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Compiler.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No Compiler.sln above {AppContext.BaseDirectory}: cannot locate the repository root.");
    }

    /// <summary>File stems of every <c>*.json</c> case, sorted; empty when the folder does not exist.</summary>
    public static IReadOnlyList<string> CaseNames()
    {
        var dir = Directory;
        if (!System.IO.Directory.Exists(dir)) return Array.Empty<string>();
        return System.IO.Directory.EnumerateFiles(dir, "*.json")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    public static Fixture Load(string caseName) => Fixture.Load(Path.Combine(Directory, caseName + ".json"));
}
