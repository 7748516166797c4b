namespace Kiln.Runtime.Tests.Parity;

/// <summary>
/// Finds the fixture cases: the shared folder (<c>KILN_FIXTURES</c>, else <c>../shared/fixtures/public</c> relative to
/// the repository root) plus this repository's own cases in <c>tests/Runtime.Tests/Parity/Fixtures</c> (cases for ops
/// added here, written by the generator script beside them). A case name must not occur in both.
/// </summary>
public static class FixtureCatalog
{
    public const string EnvironmentVariable = "KILN_FIXTURES";

    /// <summary>The shared fixture folder.</summary>
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

    /// <summary>This repository's own cases (ops the shared set does not cover yet).</summary>
    public static string RepositoryDirectory => Path.Combine(RepositoryRoot(), "tests", "Runtime.Tests", "Parity", "Fixtures");

    /// <summary>Every folder cases are read from, the shared one first.</summary>
    public static IReadOnlyList<string> Directories => new[] { Directory, RepositoryDirectory };

    /// <summary>The folder holding Compiler.sln, found by walking up from the test assembly.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Compiler.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No Compiler.sln above {AppContext.BaseDirectory}: cannot locate the repository root.");
    }

    /// <summary>File stems of every <c>*.json</c> case in every folder, sorted; folders that do not exist add nothing.</summary>
    public static IReadOnlyList<string> CaseNames() => Paths().Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The file of a case, from whichever folder holds it.</summary>
    public static string PathOf(string caseName) =>
        Paths().TryGetValue(caseName, out var path)
            ? path
            : throw new FileNotFoundException($"No fixture case '{caseName}' in {string.Join(" or ", Directories)}.");

    public static Fixture Load(string caseName) => Fixture.Load(PathOf(caseName));

    static Dictionary<string, string> Paths()
    {
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var dir in Directories)
        {
            if (!System.IO.Directory.Exists(dir)) continue;
            foreach (var file in System.IO.Directory.EnumerateFiles(dir, "*.json"))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                if (!paths.TryAdd(name, file))
                    throw new InvalidOperationException($"Fixture case '{name}' is in both {paths[name]} and {file}.");
            }
        }
        return paths;
    }
}
