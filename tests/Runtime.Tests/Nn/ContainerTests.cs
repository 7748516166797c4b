using Kiln.Nn;

namespace Kiln.Runtime.Tests.Nn;

/// <summary>Sequential's typed access and ModuleList, named as torch names them.</summary>
public class ContainerTests
{
    [Fact]
    public void SequentialIndexerAndTypedGet()
    {
        var seq = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
        Assert.IsType<ReLU>(seq[1]);
        Assert.Same(seq[2], seq[-1]);
        Assert.Equal(new[] { 4, 3 }, seq.Get<Linear>(0).Weight.Shape);
        var e = Assert.Throws<InvalidCastException>(() => seq.Get<Linear>(1));
        Assert.Contains("ReLU", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => seq[3]);
    }

    sealed class Tower : Module
    {
        public ModuleList<Linear> Blocks { get; } = new(new Linear(2, 3), new Linear(3, 3));
        public ModuleList Extra { get; } = new(new ReLU());

        public Tensor Forward(Tensor x)
        {
            foreach (var block in Blocks) x = block.Forward(x);
            return x;
        }
    }

    [Fact]
    public void ModuleListRegistersChildrenByIndexLikeTorch()
    {
        var tower = new Tower();
        Assert.Equal(new[] { "blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias" }, tower.NamedParameters().Select(p => p.Name));
        Assert.Equal(new[] { "", "blocks", "blocks.0", "blocks.1", "extra", "extra.0" }, tower.NamedModules().Select(m => m.Name));
        Assert.Equal(new[] { 4, 3 }, tower.Forward(Tensor.Zeros(4, 2)).Shape);
        Assert.StartsWith("ModuleList(\n  (0): Linear(in_features=2, out_features=3, bias=True)", tower.Blocks.ToString());
    }

    [Fact]
    public void ModuleListAppendExtendAndIndexing()
    {
        var list = new ModuleList();
        list.Append(new Linear(1, 1)).Extend(new Module[] { new ReLU(), new Tanh() });
        Assert.Equal(3, list.Count);
        Assert.IsType<Tanh>(list[-1]);
        Assert.IsType<Linear>(list.Get<Linear>(0));
        Assert.Equal(new[] { "0", "1", "2" }, list.NamedChildren().Select(c => c.Name));
        Assert.Equal(new[] { "0.weight", "0.bias" }, list.NamedParameters().Select(p => p.Name));
        Assert.Equal(2, list.Parameters().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => list[5]);
    }
}
