using System.Collections;
using Kiln.Nn;

namespace Kiln.Runtime.Tests.Nn;

public sealed class StateDictTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("kiln-state-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    sealed class Net : Module
    {
        public Linear Fc1, Fc2;
        public Net(int hidden, Rng rng)
        {
            Fc1 = new Linear(3, hidden, rng: rng);
            Fc2 = new Linear(hidden, 2, rng: rng);
        }
        public Tensor Forward(Tensor x) => Fc2.Forward(Ops.Relu(Fc1.Forward(x)));
    }

    sealed class OtherNet : Module
    {
        public Linear Fc1 = new(3, 4);
        public Linear Out = new(4, 2);
    }

    [Fact]
    public void StateDictIsAnOrderedCopy()
    {
        var net = new Net(4, new Rng(1));
        var state = net.StateDict();
        Assert.Equal(new[] { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" }, state.Keys);
        Assert.Equal(net.Fc1.Weight.ToArray(), state["fc1.weight"].ToArray());
        Assert.False(state["fc1.weight"].RequiresGrad);
        state["fc1.weight"].Data[0] = 42f;
        Assert.NotEqual(42f, net.Fc1.Weight.Data[0]);
    }

    [Fact]
    public void RoundTripThroughLoadStateDictReproducesTheOutputs()
    {
        var source = new Net(4, new Rng(1));
        var target = new Net(4, new Rng(2));
        var x = Tensor.Randn(new[] { 5, 3 }, new Rng(3));
        Assert.NotEqual(source.Forward(x).ToArray(), target.Forward(x).ToArray());
        var result = target.LoadStateDict(source.StateDict());
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Equal(source.Forward(x).ToArray(), target.Forward(x).ToArray());
        Assert.True(target.Fc1.Weight.RequiresGrad);
    }

    [Fact]
    public void StrictLoadListsMissingAndUnexpectedNamesAndChangesNothing()
    {
        var net = new Net(4, new Rng(1));
        var before = net.Fc1.Weight.ToArray();
        var state = new Net(4, new Rng(2)).StateDict();
        state.Remove("fc2.bias");
        state["extra.weight"] = Tensor.Zeros(1);
        var ex = Assert.Throws<ArgumentException>(() => net.LoadStateDict(state));
        Assert.Contains("missing key(s): fc2.bias", ex.Message);
        Assert.Contains("unexpected key(s): extra.weight", ex.Message);
        Assert.Equal(before, net.Fc1.Weight.ToArray());

        var result = net.LoadStateDict(state, strict: false);
        Assert.Equal(new[] { "fc2.bias" }, result.MissingKeys);
        Assert.Equal(new[] { "extra.weight" }, result.UnexpectedKeys);
        Assert.Equal(state["fc1.weight"].ToArray(), net.Fc1.Weight.ToArray());
    }

    [Fact]
    public void ShapeMismatchIsAnErrorEvenWhenNotStrict()
    {
        var net = new Net(4, new Rng(1));
        var ex = Assert.Throws<ArgumentException>(() => net.LoadStateDict(new Net(5, new Rng(1)).StateDict(), strict: false));
        Assert.Contains("size mismatch for fc1.weight: the checkpoint has shape [5,3], the model has [4,3]", ex.Message);
    }

    [Fact]
    public void SaveAndLoadRoundTrip()
    {
        var path = Path.Combine(folder, "net.kiln");
        var source = new Net(4, new Rng(1));
        source.Save(path);
        var target = new Net(4, new Rng(9));
        Assert.Same(target, target.Load(path));
        foreach (var ((name, a), (_, b)) in source.StateDict().Zip(target.StateDict()))
            Assert.True(a.ToArray().SequenceEqual(b.ToArray()), name);
        Assert.Equal(new[] { "net.kiln" }, Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void SaveReplacesAnExistingCheckpoint()
    {
        var path = Path.Combine(folder, "net.kiln");
        new Net(4, new Rng(1)).Save(path);
        var second = new Net(4, new Rng(2));
        second.Save(path);
        var loaded = new Net(4, new Rng(3)).Load(path);
        Assert.Equal(second.Fc2.Weight.ToArray(), ((Net)loaded).Fc2.Weight.ToArray());
    }

    /// <summary>A state dict whose enumeration fails after its first entry, like a crash in the middle of a write.</summary>
    sealed class FailingState(IReadOnlyDictionary<string, Tensor> inner) : IReadOnlyDictionary<string, Tensor>
    {
        public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator()
        {
            using var e = inner.GetEnumerator();
            e.MoveNext();
            yield return e.Current;
            throw new IOException("disk vanished");
        }
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        public int Count => inner.Count;
        public bool ContainsKey(string key) => inner.ContainsKey(key);
        public bool TryGetValue(string key, out Tensor value) => inner.TryGetValue(key, out value!);
        public Tensor this[string key] => inner[key];
        public IEnumerable<string> Keys => inner.Keys;
        public IEnumerable<Tensor> Values => inner.Values;
    }

    [Fact]
    public void AFailedSaveLeavesTheOldCheckpointIntactAndNoTemporaryFile()
    {
        var path = Path.Combine(folder, "net.kiln");
        var original = new Net(4, new Rng(1));
        original.Save(path);
        var bytes = File.ReadAllBytes(path);
        Assert.Throws<IOException>(() => Checkpoint.Save(new FailingState(new Net(4, new Rng(2)).StateDict()), path));
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal(new[] { "net.kiln" }, Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void LoadRejectsACheckpointOfAnotherModelNamingTheDifferences()
    {
        var path = Path.Combine(folder, "other.kiln");
        new OtherNet().Save(path);
        var net = new Net(4, new Rng(1));
        var before = net.Fc1.Weight.ToArray();
        var ex = Assert.Throws<InvalidDataException>(() => net.Load(path));
        Assert.Contains("different model", ex.Message);
        Assert.Contains("missing from the file: fc2.weight, fc2.bias", ex.Message);
        Assert.Contains("not in Net: out.weight, out.bias", ex.Message);
        Assert.Equal(before, net.Fc1.Weight.ToArray());

        var wider = Path.Combine(folder, "wider.kiln");
        new Net(6, new Rng(1)).Save(wider);
        var shapeError = Assert.Throws<InvalidDataException>(() => net.Load(wider));
        Assert.Contains("size mismatch for fc1.weight: the checkpoint has shape [6,3], the model has [4,3]", shapeError.Message);
    }

    [Fact]
    public void LoadRejectsFilesThatAreNotCheckpoints()
    {
        var path = Path.Combine(folder, "junk.kiln");
        File.WriteAllText(path, "definitely not a checkpoint");
        Assert.Contains("not a Kiln checkpoint", Assert.Throws<InvalidDataException>(() => new OtherNet().Load(path)).Message);

        var truncated = Path.Combine(folder, "truncated.kiln");
        new OtherNet().Save(truncated);
        var bytes = File.ReadAllBytes(truncated);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length - 5)]);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => new OtherNet().Load(truncated)).Message);
    }
}
