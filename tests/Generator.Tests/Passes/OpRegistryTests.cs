using Kiln.Generator.Compiler;
using Kiln.Generator.Emit.CSharp;
using Kiln.Generator.Graph;
using Kiln.Generator.Ops;

namespace Kiln.Generator.Tests.Passes;

/// <summary>
/// The op registry is complete where it must be (every op a shape rule, every composite a decomposition, every
/// scheduled op a C# lowering) and a rule that is missing fails loudly, naming the op and the rule.
/// </summary>
public sealed class OpRegistryTests
{
    [Fact]
    public void EveryOpHasAShapeRule_EveryCompositeADecomposition_EveryScheduledOpACSharpLowering()
    {
        var backend = new CSharpBackend();
        var problems = new List<string>();
        foreach (var def in OpRegistry.All)
        {
            if (def.Shape is null) problems.Add($"{def.Name}: no shape rule");
            if (def.Class == OpClass.Composite && def.Decompose is null) problems.Add($"{def.Name}: composite without a decomposition");
            if (!backend.Lowers(def)) problems.Add($"{def.Name}: no C# lowering");
        }
        Assert.Empty(problems);
        Assert.True(OpRegistry.All.Count() > 60);
    }

    [Fact]
    public void AnOpWithoutTheRuleAPassNeeds_FailsNamingTheOpAndTheRule()
    {
        var probe = new OpDef("probe", OpClass.Elementwise);
        var error = Assert.Throws<MissingRuleError>(() => probe.RequireShape());
        Assert.Equal("op 'probe' has no shape rule", error.Message);
        Assert.Equal(("probe", "shape rule"), (error.Op, error.Rule));

        var unknown = Assert.Throws<MissingRuleError>(() => OpRegistry.Get("no_such_op"));
        Assert.Equal("op 'no_such_op' has no declaration in the op registry", unknown.Message);
    }

    [Fact]
    public void TheInterpreter_MeetingAnOpWithoutSemantics_NamesIt()
    {
        // The oracle has no convolution: evaluating one must say so, not compute something else.
        var b = new GraphBuilder();
        var x = b.Input(0, Shape.Of(1, 1, 4, 4), ElementType.Float);
        var w = b.Input(1, Shape.Of(1, 1, 3, 3), ElementType.Float);
        var conv = b.Create(Ops.Definitions.Convolution.Conv2d, new[] { x, w });
        var interpreter = new Interpreter(new Dictionary<string, int>(), n => new float[n.Shape.Count.Constant]);
        var error = Assert.Throws<MissingRuleError>(() => interpreter.Evaluate(conv));
        Assert.Equal("op 'conv2d' has no interpreter semantics", error.Message);
    }

    [Fact]
    public void Autodiff_MeetingAnOpWithoutAGradient_IsKiln0102NamingTheOpAndTheParameter()
    {
        // sign has no VJP (its derivative is zero almost everywhere, and nothing differentiates through it).
        var s = new SpecBuilder();
        var w = s.Parameter("w", 3);
        var result = GraphCompiler.Compile(s.Build(s.Op("sum", s.Op("sign", w))));
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("KILN0102", diagnostic.Id);
        Assert.Equal(new[] { "Sign", "w" }, diagnostic.MessageArgs.ToArray());
    }

    [Fact]
    public void TheBackendIsChosenPerCompilation_ThroughTheOptionsThePipelineCarries()
    {
        var s = new SpecBuilder();
        var w = s.Parameter("w", 3);
        var spec = s.Build(s.Op("sum", s.Op(Ops.Definitions.Activations.Gelu, new[] { w }, ("approximate", "tanh"))));
        var result = GraphCompiler.Compile(spec, Models.CompileOptions.Default);
        Assert.Empty(result.Diagnostics);
        Assert.Contains("global::Kiln.Kernels.Pointwise.GeluTanh(", result.Source);
        Assert.Contains("global::Kiln.Kernels.Pointwise.GeluTanhBackward(", result.Source);
    }

    [Fact]
    public void AnUnknownGeluApproximation_IsAShapeContradictionNamingTheValue()
    {
        var s = new SpecBuilder();
        var w = s.Parameter("w", 3);
        var result = GraphCompiler.Compile(s.Build(s.Op("sum", s.Op(Ops.Definitions.Activations.Gelu, new[] { w }, ("approximate", "fast")))));
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("KILN0101", diagnostic.Id);
        Assert.Equal("Gelu: approximate must be \"none\" or \"tanh\", got \"fast\"", diagnostic.MessageArgs[0]);
    }
}
