using Kiln.Generator.Models;
using Kiln.Generator.Tests.Support;

namespace Kiln.Generator.Tests.Backends;

/// <summary>
/// The ILGPU device programs are switched on by the user's references alone: a compilation that has ILGPU's Context
/// and Kiln.Accelerators' DeviceGraph gets them; any other gets exactly the CPU output (the snapshot baselines, which
/// are compiled without ILGPU, pin that output byte for byte).
/// </summary>
public class IlgpuDetectionTests
{
    const string Model = GeneratorDriverHarness.Usings + """
        namespace Demo;
        public partial class Net : Module
        {
            readonly Linear fc = new(4, 3);
            [Compile]
            public Tensor Loss([Shape("N", 4)] Tensor x, [Shape("N")] IntTensor y) => CrossEntropy(fc.Forward(x), y);
        }
        """;

    // Stand-ins with the detected metadata names: detection looks for the types, not for the assemblies' identities.
    const string IlgpuStandIns = """
        namespace ILGPU { public sealed class Context { } }
        namespace Kiln.Accelerators { public abstract class DeviceGraph { } }
        """;

    [Fact]
    public void Without_ILGPU_the_output_has_no_device_program()
    {
        var compilation = GeneratorDriverHarness.CreateCompilation(Model);
        Assert.Equal(CompileOptions.Default, CompileOptions.For(compilation));
        var run = GeneratorDriverHarness.Run(compilation);
        var sources = run.Generator.GeneratedSources;
        Assert.DoesNotContain(sources, s => s.HintName == "Kiln.Ilgpu.g.cs");
        Assert.DoesNotContain("DeviceGraph", sources.Single().SourceText.ToString());
        Assert.Empty(run.OutputErrors);
    }

    [Fact]
    public void With_ILGPU_and_Kiln_Accelerators_each_loss_graph_gets_a_device_program()
    {
        var compilation = GeneratorDriverHarness.CreateCompilation(Model, IlgpuStandIns);
        Assert.True(CompileOptions.For(compilation).IlgpuDevicePrograms);
        var run = GeneratorDriverHarness.Run(compilation);
        Assert.Empty(run.KilnDiagnostics);
        Assert.Contains(run.Generator.GeneratedSources, s => s.HintName == "Kiln.Ilgpu.g.cs");
        string source = run.Generator.GeneratedSources.Single(s => s.HintName != "Kiln.Ilgpu.g.cs").SourceText.ToString();
        Assert.Contains("public LossDeviceGraph To(global::Kiln.Accelerators.KilnDevice device, global::Kiln.Accelerators.DeviceOptimizer optimizer)", source);
        Assert.Contains("private sealed class LossDeviceProgram : global::Kiln.Accelerators.DeviceProgram", source);
        Assert.Contains("step.Library.CrossEntropy(", source);
        Assert.Contains("internal static void Kernel", source);
    }

    [Fact]
    public void ILGPU_alone_is_not_enough()
    {
        var compilation = GeneratorDriverHarness.CreateCompilation(Model, "namespace ILGPU { public sealed class Context { } }");
        Assert.False(CompileOptions.For(compilation).IlgpuDevicePrograms);
    }
}
