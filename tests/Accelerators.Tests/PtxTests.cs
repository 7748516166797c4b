using System.Reflection;
using ILGPU;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Kiln.Accelerators.Kernels;

namespace Kiln.Accelerators.Tests;

/// <summary>
/// Every kernel the generator emitted for the models compiled in this project, and every library kernel, compiles to
/// PTX for sm_90 (H100/H200) with ILGPU's PTX backend: no GPU needed. A fresh Context per kernel, because a failed
/// compile poisons its Context.
/// </summary>
public class PtxTests
{
    public static TheoryData<string> GeneratedKernels()
    {
        var data = new TheoryData<string>();
        foreach (var method in GeneratedKernelMethods()) data.Add(Name(method));
        return data;
    }

    static IEnumerable<MethodInfo> GeneratedKernelMethods() =>
        typeof(PtxTests).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("DeviceKernels", StringComparison.Ordinal))
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
            .Where(m => m.GetParameters() is [{ ParameterType: var first }, _] && first == typeof(Index1D) || m.GetParameters() is [{ ParameterType.IsValueType: true }] && m.Name.StartsWith("Kernel", StringComparison.Ordinal))
            .OrderBy(Name, StringComparer.Ordinal);

    static string Name(MethodInfo m) => m.DeclaringType!.DeclaringType!.DeclaringType!.Name + "." + m.DeclaringType.Name + "." + m.Name;

    [Fact]
    public void Every_model_that_lowers_has_generated_kernels()
    {
        var owners = GeneratedKernelMethods().Select(m => m.DeclaringType!.DeclaringType!.DeclaringType!.Name).Distinct().ToList();
        foreach (var model in new[] { "DeviceMlp", "SquashNet", "TinyClassifier", "OpsZoo", "LstmTagger", "RnnClassifier", "UnbiasedRnnNet", "ActivationNet", "Cnn", "PoolNet", "RectifierNet" })
            Assert.Contains(model, owners);
    }

    [Theory]
    [MemberData(nameof(GeneratedKernels))]
    public void Generated_kernel_compiles_to_PTX_for_sm_90(string kernel)
    {
        var method = GeneratedKernelMethods().Single(m => Name(m) == kernel);
        // Loops reduced to scalars are explicitly grouped (shared memory, barriers); the others take an Index1D.
        AssertCompiles(method.GetParameters().Length == 1
            ? EntryPointDescription.FromExplicitlyGroupedKernel(method)
            : EntryPointDescription.FromImplicitlyGroupedKernel(method));
    }

    public static TheoryData<string> LibraryKernels() => new()
    {
        nameof(RowKernels.SoftmaxForward), nameof(RowKernels.SoftmaxBackward), nameof(RowKernels.MaxForward), nameof(RowKernels.MaxBackward),
        nameof(GatherKernels.Gather), nameof(GatherKernels.ScatterAdd), nameof(GatherKernels.SwapAxes), nameof(GatherKernels.CopyBlocks),
        nameof(OptimizerKernels.Adam), nameof(OptimizerKernels.Sgd),
        nameof(ConvolutionKernels.Conv2dForward), nameof(ConvolutionKernels.Conv2dBackwardInput), nameof(ConvolutionKernels.Conv2dBackwardWeight),
        nameof(ConvolutionKernels.MaxPool2dForward), nameof(ConvolutionKernels.MaxPool2dBackward),
        nameof(ConvolutionKernels.AvgPool2dForward), nameof(ConvolutionKernels.AvgPool2dBackward),
        nameof(DropoutKernels.Mask),
    };

    [Theory]
    [MemberData(nameof(LibraryKernels))]
    public void Library_kernel_compiles_to_PTX_for_sm_90(string kernel)
    {
        var method = new[] { typeof(RowKernels), typeof(GatherKernels), typeof(OptimizerKernels), typeof(ConvolutionKernels), typeof(DropoutKernels) }
            .Select(t => t.GetMethod(kernel)).Single(m => m is not null)!;
        AssertCompiles(EntryPointDescription.FromImplicitlyGroupedKernel(method));
    }

    [Theory]
    [InlineData(nameof(GemmKernels.Tiled))]
    [InlineData(nameof(CrossEntropyKernels.LossAndGradient))]
    public void Library_group_kernel_compiles_to_PTX_for_sm_90(string kernel)
    {
        var method = new[] { typeof(GemmKernels), typeof(CrossEntropyKernels) }.Select(t => t.GetMethod(kernel)).Single(m => m is not null)!;
        AssertCompiles(EntryPointDescription.FromExplicitlyGroupedKernel(method));
    }

    [Fact]
    public void A_kernel_ILGPU_rejects_fails_the_PTX_check()
    {
        var method = typeof(DeviceErrorTests).GetMethod(nameof(DeviceErrorTests.Throwing), BindingFlags.Static | BindingFlags.NonPublic)!;
        Assert.ThrowsAny<Exception>(() => Compile(EntryPointDescription.FromImplicitlyGroupedKernel(method)));
    }

    static void AssertCompiles(EntryPointDescription entry)
    {
        string ptx = Compile(entry);
        Assert.Contains(".target sm_", ptx);
        Assert.Contains(".entry", ptx);
    }

    static string Compile(EntryPointDescription entry)
    {
        using var context = Context.Create(builder => builder.EnableAlgorithms());
        var backend = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, null!);
        var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
        return compiled.PTXAssembly;
    }
}
