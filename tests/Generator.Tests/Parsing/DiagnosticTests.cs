using Kiln.Generator.Models;
using Kiln.Generator.Tests.Support;
using Microsoft.CodeAnalysis;

namespace Kiln.Generator.Tests.Parsing;

/// <summary>One test per diagnostic id the front end reports: id, severity and the exact span of the construct.</summary>
public sealed class DiagnosticTests
{
    static Diagnostic SingleDiagnostic(string markedSource, string id, DiagnosticSeverity severity = DiagnosticSeverity.Error, KilnGenerator? generator = null)
    {
        var source = MarkedSource.Parse(GeneratorDriverHarness.Usings + markedSource);
        var run = GeneratorDriverHarness.Run(GeneratorDriverHarness.CreateCompilation(source.Text), generator is null ? null : GeneratorDriverHarness.CreateDriver(generator));
        Assert.Empty(run.Input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(source.Span, diagnostic.Location.SourceSpan);
        Assert.Equal(source.LineSpan, diagnostic.Location.GetLineSpan().Span);
        Assert.Contains("No graph is generated for it", diagnostic.GetMessage(), StringComparison.Ordinal);
        return diagnostic;
    }

    [Fact]
    public void KILN0001_UnsupportedStatement_IsReportedAtTheStatement()
    {
        var diagnostic = SingleDiagnostic("""
            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x)
                {
                    [|try { x = x * 2f; } finally { }|]
                    return x.Sum();
                }
            }
            """, "KILN0001");
        Assert.Contains("try", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void KILN0001_RunTimeTensorProperty_IsReportedAtTheMemberAccess()
    {
        SingleDiagnostic("""
            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x) => Softmax(x, [|x.Rank|] - 1).Sum();
            }
            """, "KILN0001");
    }

    [Fact]
    public void KILN0001_IndicesAsTheOnlyResult_IsReportedAtTheMethod_SayingTheFirstResultIsDifferentiated()
    {
        var diagnostic = SingleDiagnostic("""
            public partial class Model : Module
            {
                [Compile]
                public IntTensor [|Predict|]([Shape("N", 4)] Tensor x) => Max(x, dim: 1).Indices;
            }
            """, "KILN0001");
        Assert.Contains("the first result must be a float Tensor", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("(Tensor Loss, IntTensor Predicted)", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void MaxIndicesDeconstructedIntoAnUnusedLocal_Compiles()
    {
        var run = GeneratorDriverHarness.Run(GeneratorDriverHarness.CreateCompilation(GeneratorDriverHarness.Usings + """
            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x)
                {
                    var (values, indices) = x.Max(1);
                    return values.Sum();
                }
            }
            """));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void KILN0001_ArgMaxReadByAnotherOp_IsReportedAtTheArgMax()
    {
        var diagnostic = SingleDiagnostic("""
            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x, [Shape("N")] IntTensor y) => CrossEntropy(x, [|ArgMax(x, 1)|]);
            }
            """, "KILN0001");
        Assert.Contains("can only be returned from a compiled graph", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void MaxWithIndicesDiscarded_CompilesWithoutADiagnostic()
    {
        var run = GeneratorDriverHarness.Run(GeneratorDriverHarness.CreateCompilation(GeneratorDriverHarness.Usings + """
            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x)
                {
                    var (values, _) = Max(x, 1);
                    return values.Sum();
                }
            }
            """));
        Assert.Empty(run.GeneratorDiagnostics);
    }

    [Fact]
    public void KILN0001_ChunkAlongASymbolicDimension_IsReportedAtTheChunkCall()
    {
        var diagnostic = SingleDiagnostic("""
            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", 5)] Tensor x) => [|x.Chunk(2)|][1].Sum();
            }
            """, "KILN0001");
        Assert.Contains("Chunk splits dimension 0 of [N,5], whose size is only known at call time", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("chunking a symbolic dimension is not supported in compiled graphs", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void KILN0007_MutableScalarField_IsReportedWhereTheMethodReadsIt()
    {
        SingleDiagnostic("""
            public partial class Model : Module
            {
                int dim = 1;
                public void Set(int d) => dim = d;

                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x) => Softmax(x, [|dim|]).Sum();
            }
            """, "KILN0007");
    }

    [Fact]
    public void KILN0001_OverloadedCompileMethod_IsReportedAtTheSecondOverload()
    {
        SingleDiagnostic("""
            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x) => x.Sum();

                [Compile]
                public Tensor [|Loss|]([Shape("N", 4)] Tensor x, [Shape("N", 4)] Tensor y) => (x - y).Sum();
            }
            """, "KILN0001");
    }

    [Fact]
    public void KILN0002_UnknownCall_IsReportedAtTheInvocation()
    {
        var diagnostic = SingleDiagnostic("""
            public static class Helpers
            {
                public static Tensor Scale(Tensor t) => t * 2f;
            }

            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x)
                {
                    var h = [|Helpers.Scale(x)|];
                    return h.Sum();
                }
            }
            """, "KILN0002");
        Assert.Contains("Helpers.Scale", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void KILN0001_ALoopToACallTimeLength_WhoseIndexIsNotOnlyAStep_NamesTheSizeAndTheReason()
    {
        // t * 2 is not a step of the sequence: the loop is not a graph loop, and a bound of T cannot be unrolled.
        var diagnostic = SingleDiagnostic("""
            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape("B", "T", 4)] Tensor x)
                {
                    var h = Narrow(x, 1, 0, 1);
                    for (int t = 0; [|t < x.Size(1)|]; t++)
                        h = h + Narrow(x, 1, t * 2, 1);
                    return h.Sum();
                }
            }
            """, "KILN0001");
        Assert.Contains("call-time size T", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("must only select steps of a sequence", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void KILN0003_DataDependentIf_IsReportedAtTheCondition()
    {
        SingleDiagnostic("""
            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x)
                {
                    if ([|x.Sum().Item() > 0|]) x = x * 2f;
                    return x.Sum();
                }
            }
            """, "KILN0003");
    }

    [Fact]
    public void KILN0003_IfOnTensorData_IsDataDependent()
    {
        SingleDiagnostic("""
            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x)
                {
                    if ([|x.Sum().Item() > 0f|]) x = x * 2f;
                    return x.Sum();
                }
            }
            """, "KILN0003");
    }

    [Fact]
    public void AnIfOnTheTrainingFlag_CompilesBothBranches_AndAnEarlyReturnInOneIsKILN0001()
    {
        SingleDiagnostic("""
            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x)
                {
                    [|if (Training) return x.Sum();|]
                    return (x * 2f).Sum();
                }
            }
            """, "KILN0001");
    }

    [Fact]
    public void KILN0004_UnsupportedParameterType_IsReportedAtTheType()
    {
        SingleDiagnostic("""
            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x, [|float|] scale) => (x * scale).Sum();
            }
            """, "KILN0004");
    }

    [Fact]
    public void KILN0004_UnsupportedLocalType_IsReportedAtTheDeclaredType()
    {
        SingleDiagnostic("""
            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x)
                {
                    [|string|] name = "loss";
                    return x.Sum();
                }
            }
            """, "KILN0004");
    }

    [Fact]
    public void KILN0005_NonPartialClass_IsReportedAtTheClassName()
    {
        SingleDiagnostic("""
            public class [|Model|] : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x) => x.Sum();
            }
            """, "KILN0005");
    }

    [Fact]
    public void KILN0005_NonPartialEnclosingClass_IsReportedAtTheEnclosingClassName()
    {
        SingleDiagnostic("""
            public static class [|Models|]
            {
                public partial class Model : Module
                {
                    [Compile]
                    public Tensor Loss([Shape("N", 4)] Tensor x) => x.Sum();
                }
            }
            """, "KILN0005");
    }

    [Fact]
    public void KILN0006_TensorParameterWithoutShape_IsReportedAtTheParameterName()
    {
        SingleDiagnostic("""
            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x, IntTensor [|labels|]) => CrossEntropy(x, labels);
            }
            """, "KILN0006");
    }

    [Fact]
    public void KILN0007_FieldWithoutKnownShape_IsReportedWhereTheMethodReadsIt()
    {
        var diagnostic = SingleDiagnostic("""
            public partial class Model : Module
            {
                readonly Parameter weight;

                public Model(int inputs) => weight = Parameter.Randn(inputs, 3);

                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x) => x.MatMul([|weight|]).Sum();
            }
            """, "KILN0007");
        Assert.Contains("'weight'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void KILN0013_RnnLayerCountFromTheConstructor_IsReportedAtTheArgument_SayingWhyItMustBeConstant()
    {
        // Its sizes may come from the constructor; its layer count decides how many layers of ops the graph has.
        var diagnostic = SingleDiagnostic("""
            public partial class Model : Module
            {
                readonly Rnn rnn;

                public Model(int hidden, int layers) => rnn = new Rnn(4, 8, [|layers|]);

                [Compile]
                public Tensor Loss([Shape(5, "N", 4)] Tensor x) => rnn.Forward(x).Output.Sum();
            }
            """, "KILN0013");
        Assert.Contains("'numLayers' of new Rnn(...) must be a compile-time constant, but it is 'layers'", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("it is how many layers the graph has", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void KILN0013_LoopBoundFromAFieldSetByTheConstructor_IsReportedAtTheCondition()
    {
        var diagnostic = SingleDiagnostic("""
            public partial class Model : Module
            {
                readonly int depth;
                readonly Linear fc = new(4, 4);

                public Model(int depth) => this.depth = depth;

                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x)
                {
                    for (int i = 0; [|i < depth|]; i++) x = Relu(fc.Forward(x));
                    return x.Sum();
                }
            }
            """, "KILN0013");
        Assert.Contains("The comparison 'i < depth' must be a compile-time constant, but it reads 'depth', set by the constructor to 'depth'", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("how many times a loop's ops are generated", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void KILN0013_KernelSizeFromTheConstructor_IsReportedAtTheArgument()
    {
        SingleDiagnostic("""
            public partial class Model : Module
            {
                readonly Conv1d conv;

                public Model(int channels, int window) => conv = new Conv1d(2, channels, [|window|]);

                [Compile]
                public Tensor Loss([Shape("N", 2, 9)] Tensor x) => conv.Forward(x).Sum();
            }
            """, "KILN0013");
    }

    [Fact]
    public void ModuleWithSizesFromTheConstructor_Compiles()
    {
        var run = GeneratorDriverHarness.Run(GeneratorDriverHarness.CreateCompilation(GeneratorDriverHarness.Usings + """
            public partial class Model : Module
            {
                readonly Linear fc;

                public Model(int hidden) => fc = new Linear(4, hidden);

                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x) => fc.Forward(x).Sum();
            }
            """));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void KILN0002_CustomFunctionBackwardWithAnUncompilableCall_IsReportedInTheBackward()
    {
        var diagnostic = SingleDiagnostic("""
            public sealed class LoggedRelu : Function
            {
                protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
                {
                    ctx.SaveForBackward(inputs[0]);
                    return inputs[0].Clamp(min: 0f);
                }

                protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
                {
                    var mask = [|System.Array.ConvertAll(ctx.SavedTensors[0].ToArray(), v => v > 0f ? 1f : 0f)|];
                    return new Tensor?[] { gradOutput * Tensor.FromArray(mask, gradOutput.Shape) };
                }
            }

            public partial class Model : Module
            {
                readonly Linear fc = new(4, 3);

                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x) => new LoggedRelu().Apply(fc.Forward(x)).Sum();
            }
            """, "KILN0002");
        Assert.Contains("Array.ConvertAll", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void KILN0001_CustomFunctionReadingItsOwnTensorState_IsReportedAtTheRead()
    {
        var diagnostic = SingleDiagnostic("""
            public sealed class Shifted : Function
            {
                public Tensor Offset { get; set; } = Tensor.Zeros(3);

                protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] + [|Offset|];

                protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => new Tensor?[] { gradOutput };
            }

            public partial class Model : Module
            {
                readonly Linear fc = new(4, 3);

                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x) => new Shifted().Apply(fc.Forward(x)).Sum();
            }
            """, "KILN0001");
        Assert.Contains("Shifted's Forward and Backward may read their inputs, ctx and constants only", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void KILN0008_NonPositiveShapeDimension_IsReportedAtTheArgument()
    {
        SingleDiagnostic("""
            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape("N", [|0|])] Tensor x) => x.Sum();
            }
            """, "KILN0008");
    }

    [Fact]
    public void KILN0008_NonIntNonStringShapeDimension_IsReportedAtTheArgument()
    {
        SingleDiagnostic("""
            public partial class Model : Module
            {
                [Compile]
                public Tensor Loss([Shape([|2.5|], 4)] Tensor x) => x.Sum();
            }
            """, "KILN0008");
    }

    [Fact]
    public void KILN0009_InstanceMethodOutsideModule_IsReportedAtTheMethodName()
    {
        SingleDiagnostic("""
            public partial class Model
            {
                [Compile]
                public Tensor [|Loss|]([Shape("N", 4)] Tensor x) => x.Sum();
            }
            """, "KILN0009");
    }

    [Fact]
    public void KILN9999_ACompilerFailure_IsReportedAtTheMethodInsteadOfCrashing()
    {
        var failing = new KilnGenerator(_ => throw new InvalidOperationException("the compiler broke"));
        var diagnostic = SingleDiagnostic("""
            public partial class Model : Module
            {
                [Compile]
                public Tensor [|Loss|]([Shape("N", 4)] Tensor x) => x.Sum();
            }
            """, "KILN9999", generator: failing);
        Assert.Contains("the compiler broke", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void KILN0101_ShapeContradiction_IsReportedAtTheOpsCall()
    {
        var diagnostic = SingleDiagnostic("""
            public partial class Model : Module
            {
                readonly Parameter weight = Parameter.Randn(100, 10);

                [Compile]
                public Tensor Loss([Shape("N", 784)] Tensor x) => [|x.MatMul(weight)|].Sum();
            }
            """, "KILN0101");
        Assert.Contains("[N,784]", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("[100,10]", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void KILN0101_InsideAnInlinedHelper_IsReportedAtTheCallInTheCompiledMethod()
    {
        SingleDiagnostic("""
            public partial class Model : Module
            {
                readonly Linear fc = new(784, 10);

                Tensor Head(Tensor h) => fc.Forward(h);

                [Compile]
                public Tensor Loss([Shape("N", 783)] Tensor x) => [|Head(x)|].Sum();
            }
            """, "KILN0101");
    }

    /// <summary>The compiler core knows op indices, not spans: the pipeline maps them through the parser's locations.</summary>
    static KilnGenerator CompilerReporting(string id, int opIndex, params string[] args) =>
        new(spec => new CompileResult(spec.HintName, null,
            Kiln.Generator.Helpers.EquatableArray.ToEquatableArray(new[] { new CompileDiagnostic(id, opIndex, Kiln.Generator.Helpers.EquatableArray.ToEquatableArray(args)) })));

    [Fact]
    public void KILN0102_NoGradientRule_IsReportedAtTheOpTheCompilerNames()
    {
        var diagnostic = SingleDiagnostic("""
            public partial class Model : Module
            {
                readonly Parameter weight = Parameter.Randn(4, 4);

                [Compile]
                public Tensor Loss([Shape("N", 4)] Tensor x)
                {
                    var h = x.MatMul(weight);
                    return [|Exp(h)|].Sum();
                }
            }
            """, "KILN0102", generator: CompilerReporting("KILN0102", opIndex: 1, "exp", "weight"));
        Assert.Contains("'exp'", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("'weight'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void ANonScalarResult_GetsAForwardOnlyGraph_AndNoDiagnostic()
    {
        var run = GeneratorDriverHarness.Run(GeneratorDriverHarness.Usings + """
            public partial class Model : Module
            {
                [Compile]
                public Tensor Logits([Shape("N", 4)] Tensor x) => Relu(x);
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        var source = Assert.Single(run.Generator.GeneratedSources).SourceText.ToString();
        Assert.Contains("public global::Kiln.Tensor Forward(", source, StringComparison.Ordinal);
        Assert.DoesNotContain("ForwardBackward(", source, StringComparison.Ordinal);
        Assert.True(run.OutputErrors.IsEmpty, string.Join("\n", run.OutputErrors));
    }

    [Fact]
    public void EveryDescriptor_HasHelpTextCategoryAndAUniqueId()
    {
        var all = Kiln.Generator.Diagnostics.DiagnosticDescriptors.All;
        Assert.Equal(all.Length, all.Select(d => d.Id).Distinct().Count());
        foreach (var descriptor in all)
        {
            Assert.Equal("Kiln", descriptor.Category);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()), descriptor.Id);
            Assert.Equal(DiagnosticSeverity.Error, descriptor.DefaultSeverity);
        }
        Assert.Equal(
            new[] { "KILN0001", "KILN0002", "KILN0003", "KILN0004", "KILN0005", "KILN0006", "KILN0007", "KILN0008", "KILN0009", "KILN0010", "KILN0011", "KILN0012", "KILN0013", "KILN0101", "KILN0102", "KILN9999" },
            all.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal));
    }
}
