using Kiln.Nn;

namespace Kiln.Runtime.Tests.Nn;

public class ModuleTests
{
    sealed class TwoLayer : Module
    {
        public readonly Linear Fc1;
        readonly ReLU act = new();
        public Linear fc2;

        public TwoLayer(Rng rng)
        {
            Fc1 = new Linear(4, 3, rng: rng);
            fc2 = new Linear(3, 2, bias: false, rng: rng);
        }

        public Tensor Forward(Tensor x) => fc2.Forward(act.Forward(Fc1.Forward(x)));
    }

    sealed class Nested : Module
    {
        public Parameter Scale { get; } = Parameter.Ones(2);
        public TwoLayer Body { get; }
        public Sequential Layers { get; }
        public List<Linear> Heads { get; }
        [Buffer] public Tensor Counter { get; } = Tensor.Zeros(1);
        public Tensor NotState = Tensor.Ones(3);
        [Unregistered] public Linear? Borrowed;
        [StateName("renamed")] public Parameter Custom = Parameter.Zeros(1);

        public Nested(Rng rng)
        {
            Body = new TwoLayer(rng);
            Layers = new Sequential(new Linear(2, 5, rng: rng), new Tanh(), new Linear(5, 2, rng: rng));
            Heads = new List<Linear> { new(2, 1, rng: rng), new(2, 1, rng: rng) };
        }
    }

    [Fact]
    public void NamedParametersUseDottedSnakeCaseNamesInDeclarationOrder()
    {
        var net = new Nested(new Rng(1)) { Borrowed = new Linear(1, 1) };
        var names = net.NamedParameters().Select(p => p.Name).ToArray();
        Assert.Equal(new[]
        {
            // A module's own parameters come before its sub-modules', as in torch's named_parameters.
            "scale", "renamed",
            "body.fc1.weight", "body.fc1.bias", "body.fc2.weight",
            "layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias",
            "heads.0.weight", "heads.0.bias", "heads.1.weight", "heads.1.bias",
        }, names);
        Assert.Equal(new[] { "counter" }, net.NamedBuffers().Select(b => b.Name));
        Assert.Equal(new[] { "", "body", "body.fc1", "body.act", "body.fc2", "layers", "layers.0", "layers.1", "layers.2", "heads.0", "heads.1" },
            net.NamedModules().Select(m => m.Name));
        Assert.Same(net.Body.Fc1.Weight, net.NamedParameters().Single(p => p.Name == "body.fc1.weight").Parameter);
    }

    [Fact]
    public void SequentialNamesItsStepsByIndex()
    {
        var model = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 1));
        Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }, model.NamedParameters().Select(p => p.Name));
        Assert.Equal(new[] { 4, 3 }, model.Parameters().First().Shape);
        Assert.Equal(new[] { 5, 1 }, model.Forward(Tensor.Randn(5, 3)).Shape);
    }

    [Fact]
    public void SequentialRejectsAModuleThatIsNotTensorToTensor()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Sequential(new Linear(2, 2), new LstmCell(2, 2)));
        Assert.Contains("module 1 (LstmCell)", ex.Message);
    }

    sealed class Doubler : Module
    {
        public Tensor Forward(Tensor x) => Ops.Mul(x, 2f);
    }

    [Fact]
    public void SequentialAcceptsAUserModuleWithATensorForward()
    {
        var model = new Sequential(new Doubler(), new Doubler());
        Assert.Equal(new[] { 4f, -8f }, model.Forward(Tensor.FromArray(new[] { 1f, -2f }, 2)).ToArray());
    }

    [Fact]
    public void SharedParametersAndModulesAreListedOnce()
    {
        var shared = new Linear(2, 2);
        var model = new Sequential(shared, new ReLU(), shared);
        Assert.Equal(new[] { "0.weight", "0.bias" }, model.NamedParameters().Select(p => p.Name));
        // The state dict, like torch's, lists a shared tensor under every name that reaches it.
        Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }, model.StateDict().Keys);
    }

    [Fact]
    public void SnakeCaseFollowsPyTorchNaming()
    {
        Assert.Equal("fc1", ModuleMembers.SnakeCase("Fc1"));
        Assert.Equal("hidden_layer", ModuleMembers.SnakeCase("hiddenLayer"));
        Assert.Equal("running_mean", ModuleMembers.SnakeCase("RunningMean"));
        Assert.Equal("weight_ih_l0", ModuleMembers.SnakeCase("WeightIhL0"));
        Assert.Equal("http_server", ModuleMembers.SnakeCase("HTTPServer"));
        Assert.Equal("conv2d", ModuleMembers.SnakeCase("_conv2d"));
    }

    [Fact]
    public void TrainAndEvalReachEveryModule()
    {
        var net = new Nested(new Rng(2));
        Assert.All(net.Modules(), m => Assert.True(m.Training));
        Assert.Same(net, net.Eval());
        Assert.All(net.Modules(), m => Assert.False(m.Training));
        net.Layers.Train();
        Assert.False(net.Training);
        Assert.True(net.Layers[1].Training);
        net.Train();
        Assert.All(net.Modules(), m => Assert.True(m.Training));
    }

    [Fact]
    public void ZeroGradZeroesExistingGradientsInPlace()
    {
        var net = new TwoLayer(new Rng(3));
        Ops.Sum(net.Forward(Tensor.Randn(new[] { 5, 4 }, new Rng(4)))).Backward();
        var grad = net.Fc1.Weight.Grad!;
        Assert.Contains(grad.ToArray(), v => v != 0f);
        net.ZeroGrad();
        Assert.Same(grad, net.Fc1.Weight.Grad);
        Assert.All(net.Parameters(), p => Assert.All(p.Grad!.ToArray(), v => Assert.Equal(0f, v)));
        net.ZeroGrad(setToNone: true);
        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void ZeroGradReachesEveryParameterKind()
    {
        // Properties, a [StateName] field, Sequential's registered children, a List of modules, a nested module.
        var net = new Nested(new Rng(6));
        foreach (var p in net.Parameters()) p.Grad = Tensor.Ones(p.Shape);
        net.ZeroGrad();
        Assert.All(net.Parameters(), p => Assert.All(p.Grad!.ToArray(), v => Assert.Equal(0f, v)));
        net.ZeroGrad(setToNone: true);
        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
        Assert.Equal(13, net.Parameters().Count());
    }

    [Fact]
    public void ParameterPrintsLikeTorch()
    {
        Assert.Equal("Parameter containing:\ntensor([1., 2.], requires_grad=True)", Parameter.FromArray(new[] { 1f, 2f }, 2).ToString());
        Assert.Equal("Parameter containing:\ntensor([0.5000])", new Parameter(Tensor.Full(0.5f, 1), requiresGrad: false).ToString());
    }

    [Fact]
    public void ApplyVisitsChildrenBeforeParents()
    {
        var net = new TwoLayer(new Rng(5));
        var visited = new List<string>();
        net.Apply(m => visited.Add(m.GetType().Name));
        Assert.Equal(new[] { "Linear", "ReLU", "Linear", "TwoLayer" }, visited);
        net.Apply(m => { if (m is Linear l) Init.Constant(l.Weight, 0.5f); });
        Assert.All(net.fc2.Weight.ToArray(), v => Assert.Equal(0.5f, v));
    }

    [Fact]
    public void ToStringPrintsTheModuleTreeLikeTorch()
    {
        var text = new Sequential(new Linear(2, 3), new ReLU()).ToString();
        Assert.Equal("Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n)", text);
        Assert.Equal("BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)", new BatchNorm1d(4).ToString());
    }

    [Fact]
    public void LinearDefaultInitIsKaimingUniformWithBoundOneOverSqrtFanIn()
    {
        var layer = new Linear(400, 300, rng: new Rng(6));
        float bound = 1f / 20f;
        var w = layer.Weight.ToArray();
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        Assert.True(w.Max() > 0.99f * bound && w.Min() < -0.99f * bound, "weights should fill the interval");
        double mean = w.Average(v => (double)v);
        double variance = w.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -0.002, 0.002);
        Assert.InRange(variance, 0.97 * bound * bound / 3, 1.03 * bound * bound / 3);
        Assert.All(layer.Bias!.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.True(layer.Bias!.ToArray().Max() > 0.9f * bound);
    }

    [Fact]
    public void ConstructorsDrawFromTheGivenRngReproducibly()
    {
        var a = new TwoLayer(new Rng(7));
        var b = new TwoLayer(new Rng(7));
        Assert.Equal(a.Fc1.Weight.ToArray(), b.Fc1.Weight.ToArray());
        Assert.Equal(a.fc2.Weight.ToArray(), b.fc2.Weight.ToArray());
        Assert.NotEqual(a.Fc1.Weight.ToArray(), new TwoLayer(new Rng(8)).Fc1.Weight.ToArray());
    }

    [Fact]
    public void ParameterWrapsValuesAndRequiresGrad()
    {
        var values = Tensor.FromArray(new[] { 1f, 2f }, 2);
        var p = new Parameter(values);
        Assert.True(p.RequiresGrad);
        Assert.True(p.IsLeaf);
        using (Autograd.NoGrad()) p.Data[0] = 5f;
        Assert.Equal(5f, values[0]);
        Assert.Equal(new[] { 2, 3 }, Parameter.Randn(2, 3).Shape);
        Assert.Equal(new[] { 2, 3 }, Parameter.Randn(new[] { 2, 3 }, new Rng(1)).Shape);
        Assert.All(Parameter.Zeros(4).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(Parameter.Ones(4).ToArray(), v => Assert.Equal(1f, v));
        Assert.False(new Parameter(values, requiresGrad: false).RequiresGrad);
    }
}
