using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Kiln.Integration.Tests;

/// <summary>
/// What a user does, end to end: pack the repository's Kiln package into a feed folder, reference it from a fresh
/// console project (a PackageReference, no ProjectReference), build it (the packaged generator must turn the
/// <c>[Compile]</c> Loss into LossGraph) and run it; the program trains the same small MLP in both modes and prints each
/// mode's losses, which must agree.
/// </summary>
/// <remarks>
/// The package is packed with <c>--no-build</c> from the outputs the outer build already made (in this test assembly's
/// configuration), so the test never rebuilds, locks or restores anything of the repository while
/// <c>dotnet test Compiler.sln</c> is running; the nuspec goes to the temporary folder, not the repository's obj.
/// The package gets a version no other source or cache can hold (0.1.0-test.&lt;unique&gt;) and the consumer restores
/// into its own packages folder, so a stale Kiln can never be used. Sources: the feed, the machine's own sources
/// (inherited from its NuGet configuration) and, for offline machines, its global packages folder.
/// </remarks>
public sealed class PackageConsumerTests(ITestOutputHelper output)
{
    static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(4);

    const string ProjectFile = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <InvariantGlobalization>true</InvariantGlobalization>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
            <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Kiln" Version="$KILN_VERSION$" />
          </ItemGroup>
        </Project>
        """;

    const string ModelFile = """
        using Kiln;
        using Kiln.Nn;
        using static Kiln.Ops;

        namespace PackageConsumer;

        public partial class Mlp : Module
        {
            readonly Linear fc1;
            readonly Linear fc2;

            public Mlp(Rng rng)
            {
                fc1 = new Linear(4, 8, rng: rng);
                fc2 = new Linear(8, 1, rng: rng);
            }

            [Compile]
            public Tensor Loss([Shape("N", 4)] Tensor x, [Shape("N", 1)] Tensor y) => MseLoss(fc2.Forward(Relu(fc1.Forward(x))), y);
        }
        """;

    const string ProgramFile = """
        using Kiln;
        using Kiln.Optim;
        using PackageConsumer;

        var data = new Rng(42);
        var x = Tensor.Randn(new[] { 32, 4 }, data);
        var y = x.MatMul(Tensor.FromArray(new[] { 1f, -2f, 0.5f, 3f }, 4, 1)) + 0.25f;

        foreach (var compiled in new[] { false, true })
        {
            var model = new Mlp(new Rng(7));
            var sgd = new Sgd(model.Parameters(), lr: 0.05f);
            var losses = new List<float>();
            for (int step = 0; step < 20; step++)
            {
                sgd.ZeroGrad();
                if (compiled)
                {
                    losses.Add(model.LossGraph.ForwardBackward(x, y).Item());
                }
                else
                {
                    var loss = model.Loss(x, y);
                    losses.Add(loss.Item());
                    loss.Backward();
                }
                sgd.Step();
            }
            Console.WriteLine(FormattableString.Invariant(
                $"{(compiled ? "static" : "dynamic")} losses: {string.Join(" ", losses.Select(l => l.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}"));
        }
        """;

    [Fact]
    public void PackedKiln_BuildsAndRunsACompiledModelFromAPackageReference()
    {
        var total = Stopwatch.StartNew();
        var root = FindRepositoryRoot();
        var configuration = typeof(PackageConsumerTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var work = Directory.CreateTempSubdirectory("kiln-package-test-");
        try
        {
            var feed = Directory.CreateDirectory(Path.Combine(work.FullName, "feed")).FullName;
            var packages = Path.Combine(work.FullName, "packages");
            var app = Directory.CreateDirectory(Path.Combine(work.FullName, "app")).FullName;
            var version = "0.1.0-test." + Guid.NewGuid().ToString("N")[..12];

            // 1. dotnet pack, from the outputs the outer build made.
            var pack = Dotnet(root, packages, "pack", Path.Combine(root, "src", "Runtime", "Kiln.Runtime.csproj"),
                "-c", configuration, "--no-build", "-o", feed, $"-p:Version={version}",
                $"-p:NuspecOutputPath={Path.Combine(work.FullName, "nuspec")}{Path.DirectorySeparatorChar}");
            Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack.Output);
            var nupkg = Path.Combine(feed, $"Kiln.{version}.nupkg");
            Assert.True(File.Exists(nupkg), $"no {nupkg}; the feed holds: {string.Join(", ", Directory.GetFiles(feed).Select(Path.GetFileName))}");

            // 2. A fresh console project that references the package.
            File.WriteAllText(Path.Combine(app, "PackageConsumer.csproj"), ProjectFile.Replace("$KILN_VERSION$", version));
            File.WriteAllText(Path.Combine(app, "Mlp.cs"), ModelFile);
            File.WriteAllText(Path.Combine(app, "Program.cs"), ProgramFile);
            File.WriteAllText(Path.Combine(app, "nuget.config"), NuGetConfig(feed, packages));
            // Stop MSBuild's upward search for Directory.Build.* / Directory.Packages.props at the temporary folder.
            File.WriteAllText(Path.Combine(work.FullName, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(work.FullName, "Directory.Build.targets"), "<Project />");
            File.WriteAllText(Path.Combine(work.FullName, "Directory.Packages.props"), "<Project />");

            // 3. Build: restore from the feed, and the packaged generator emits LossGraph (else Program.cs does not compile).
            var build = Dotnet(app, packages, "build", "-c", "Release", "--disable-build-servers");
            Assert.True(build.ExitCode == 0, "dotnet build of the consumer failed:\n" + build.Output);
            Assert.True(File.Exists(Path.Combine(packages, "kiln", version, "analyzers", "dotnet", "cs", "Kiln.Generator.dll")),
                "the generator did not come from the package");
            Assert.True(File.Exists(Path.Combine(packages, "kiln", version, "lib", "net10.0", "Kiln.Runtime.dll")),
                "the runtime did not come from the package");
            var generated = Path.Combine(app, "obj", "Release", "net10.0", "generated", "Kiln.Generator");
            Assert.True(Directory.Exists(generated) && Directory.EnumerateFiles(generated, "*.cs", SearchOption.AllDirectories).Any(),
                $"the packaged generator emitted nothing under {generated}");

            // 4. Run, and compare the two modes' losses.
            var run = Dotnet(app, packages, "run", "-c", "Release", "--no-build");
            Assert.True(run.ExitCode == 0, "dotnet run failed:\n" + run.Output);
            output.WriteLine(run.Output.Trim());
            var dynamicLosses = Losses(run.Output, "dynamic");
            var staticLosses = Losses(run.Output, "static");
            Assert.Equal(20, dynamicLosses.Length);
            Assert.Equal(20, staticLosses.Length);
            for (int i = 0; i < dynamicLosses.Length; i++)
                Assert.True(Math.Abs(dynamicLosses[i] - staticLosses[i]) <= 1e-5 * Math.Max(1, Math.Abs(dynamicLosses[i])),
                    $"step {i}: dynamic {dynamicLosses[i]:R} vs static {staticLosses[i]:R}");
            Assert.True(dynamicLosses[^1] < dynamicLosses[0], "SGD lowers the loss");
            output.WriteLine($"pack {pack.Elapsed.TotalSeconds:F1} s, build {build.Elapsed.TotalSeconds:F1} s, run {run.Elapsed.TotalSeconds:F1} s, total {total.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            try { work.Delete(recursive: true); }
            catch (IOException e) { output.WriteLine($"could not remove {work.FullName}: {e.Message}"); }
        }
    }

    static float[] Losses(string programOutput, string mode)
    {
        var match = Regex.Match(programOutput, $@"^{mode} losses: (.*)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"no '{mode} losses:' line in:\n{programOutput}");
        return match.Groups[1].Value.Trim().Split(' ').Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>
    /// The feed first, then the machine's global packages folder as a local source (restores offline); the sources of
    /// the machine's own NuGet configuration are inherited (no &lt;clear/&gt;), so Kiln's dependencies restore as usual.
    /// </summary>
    static string NuGetConfig(string feed, string packages)
    {
        var machineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(machineCache))
            machineCache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var sb = new StringBuilder();
        sb.AppendLine("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
        sb.AppendLine("<configuration>");
        sb.AppendLine("  <config>");
        sb.AppendLine($"    <add key=\"globalPackagesFolder\" value=\"{packages}\" />");
        sb.AppendLine("  </config>");
        sb.AppendLine("  <packageSources>");
        sb.AppendLine($"    <add key=\"kiln-test-feed\" value=\"{feed}\" />");
        if (Directory.Exists(machineCache))
            sb.AppendLine($"    <add key=\"kiln-test-machine-cache\" value=\"{machineCache}\" />");
        sb.AppendLine("  </packageSources>");
        sb.AppendLine("</configuration>");
        return sb.ToString();
    }

    static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Compiler.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"no Compiler.sln above {AppContext.BaseDirectory}");
    }

    sealed record Result(int ExitCode, string Output, TimeSpan Elapsed);

    /// <summary>
    /// Runs the dotnet CLI with no build servers or reused MSBuild nodes (nothing outlives the test) and without the
    /// MSBuild variables the outer <c>dotnet test</c> set, restoring into <paramref name="packages"/>.
    /// </summary>
    static Result Dotnet(string workingDirectory, string packages, params string[] arguments)
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        var start = new ProcessStartInfo(string.IsNullOrEmpty(host) || !File.Exists(host) ? "dotnet" : host)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var key in start.Environment.Keys.ToList())
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(key);
        start.Environment["NUGET_PACKAGES"] = packages;
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var text = new StringBuilder();
        var gate = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gate) text.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gate) text.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(StepTimeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (gate) return new Result(-1, $"dotnet {string.Join(' ', arguments)} timed out after {StepTimeout}\n{text}", clock.Elapsed);
        }
        process.WaitForExit();
        lock (gate) return new Result(process.ExitCode, $"$ dotnet {string.Join(' ', arguments)}\n{text}", clock.Elapsed);
    }
}
