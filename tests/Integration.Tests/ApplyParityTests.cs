using Kiln.Integration.Tests.Models;
using Kiln.Nn;
using static Kiln.Integration.Tests.StaticDynamicParityTests;

namespace Kiln.Integration.Tests;

/// <summary>
/// <c>Apply</c> across the seed models: the VJP program's gradients w.r.t. every float argument (all made to require
/// grad) and every parameter, against the tape running the same method, with an eager op before and after the node.
/// Covers the ops of the seed models (convolution, pooling, RNN, batch norm, the OpsZoo, loops) on input paths, which
/// ForwardBackward never differentiates.
/// </summary>
public sealed class ApplyParityTests
{
    public static IEnumerable<object[]> Models() => new[]
    {
        "ActivationNet", "ChunkedFeaturesNet", "Cnn", "LinearRegression", "OpsZoo", "RectifierNet", "RnnClassifier",
        "SoftmaxRegression", "SymbolicBatchNet", "BatchNormNet", "UnbiasedRnnNet", "TwoLayerNet", "LossAndLogitsNet",
        "SequenceRnnNet", "LstmCellLoopNet", "GruLoopNet",
    }.Select(m => new object[] { m });

    sealed record Case(Func<Module> Create, object[] Arguments, Func<Module, object[], Tensor> Tape, Func<Module, object[], Tensor> Apply);

    static Tensor Floats(Rng rng, params int[] shape)
    {
        var t = Tensor.Rand(shape, rng);
        using (Autograd.NoGrad()) t = t * 2f - 0.7f; // both signs, away from nothing in particular
        return t.Detach();
    }

    static IntTensor Labels(int n, int classes) => IntTensor.FromArray(Enumerable.Range(0, n).Select(i => (i * 7 + 3) % classes).ToArray(), n);

    static Case CaseOf(string model, Rng rng)
    {
        const int n = 5;
        return model switch
        {
            "ActivationNet" => new(() => new ActivationNet(), new object[] { Floats(rng, n, 13) },
                (m, a) => ((ActivationNet)m).Loss((Tensor)a[0]), (m, a) => ((ActivationNet)m).LossGraph.Apply((Tensor)a[0])),
            "ChunkedFeaturesNet" => new(() => new ChunkedFeaturesNet(), new object[] { Floats(rng, n, 7) },
                (m, a) => ((ChunkedFeaturesNet)m).Loss((Tensor)a[0]), (m, a) => ((ChunkedFeaturesNet)m).LossGraph.Apply((Tensor)a[0])),
            "Cnn" => new(() => new Cnn(), new object[] { Floats(rng, n, 1, 8, 8), Labels(n, 10) },
                (m, a) => ((Cnn)m).Loss((Tensor)a[0], (IntTensor)a[1]), (m, a) => ((Cnn)m).LossGraph.Apply((Tensor)a[0], (IntTensor)a[1])),
            "LinearRegression" => new(() => new LinearRegression(), new object[] { Floats(rng, n, 13), Floats(rng, n, 1) },
                (m, a) => ((LinearRegression)m).Loss((Tensor)a[0], (Tensor)a[1]), (m, a) => ((LinearRegression)m).LossGraph.Apply((Tensor)a[0], (Tensor)a[1])),
            "OpsZoo" => new(() => new OpsZoo(), new object[] { Floats(rng, n, 6), Floats(rng, n, 4) },
                (m, a) => ((OpsZoo)m).Loss((Tensor)a[0], (Tensor)a[1]), (m, a) => ((OpsZoo)m).LossGraph.Apply((Tensor)a[0], (Tensor)a[1])),
            "RectifierNet" => new(() => new RectifierNet(), new object[] { Floats(rng, n, 13), Floats(rng, n, 3) },
                (m, a) => ((RectifierNet)m).Loss((Tensor)a[0], (Tensor)a[1]), (m, a) => ((RectifierNet)m).LossGraph.Apply((Tensor)a[0], (Tensor)a[1])),
            "RnnClassifier" => new(() => new RnnClassifier(), new object[] { Floats(rng, n, 5, 8), Labels(n, 3) },
                (m, a) => ((RnnClassifier)m).Loss((Tensor)a[0], (IntTensor)a[1]), (m, a) => ((RnnClassifier)m).LossGraph.Apply((Tensor)a[0], (IntTensor)a[1])),
            "SoftmaxRegression" => new(() => new SoftmaxRegression(), new object[] { Floats(rng, n, 784), Floats(rng, n, 10) },
                (m, a) => ((SoftmaxRegression)m).Loss((Tensor)a[0], (Tensor)a[1]), (m, a) => ((SoftmaxRegression)m).LossGraph.Apply((Tensor)a[0], (Tensor)a[1])),
            "SymbolicBatchNet" => new(() => new SymbolicBatchNet(), new object[] { Floats(rng, n, 20), Floats(rng, n, 5) },
                (m, a) => ((SymbolicBatchNet)m).Loss((Tensor)a[0], (Tensor)a[1]), (m, a) => ((SymbolicBatchNet)m).LossGraph.Apply((Tensor)a[0], (Tensor)a[1])),
            "BatchNormNet" => new(() => new BatchNormNet(), new object[] { Floats(rng, n, 10), Labels(n, 3) },
                (m, a) => ((BatchNormNet)m).Loss((Tensor)a[0], (IntTensor)a[1]), (m, a) => ((BatchNormNet)m).LossGraph.Apply((Tensor)a[0], (IntTensor)a[1])),
            "UnbiasedRnnNet" => new(() => new UnbiasedRnnNet(), new object[] { Floats(rng, 4, n, 5), Floats(rng, 2, n, 6), Labels(n, 3) },
                (m, a) => ((UnbiasedRnnNet)m).Loss((Tensor)a[0], (Tensor)a[1], (IntTensor)a[2]), (m, a) => ((UnbiasedRnnNet)m).LossGraph.Apply((Tensor)a[0], (Tensor)a[1], (IntTensor)a[2])),
            "TwoLayerNet" => new(() => new TwoLayerNet(), new object[] { Floats(rng, n, 1000), Floats(rng, n, 10) },
                (m, a) => ((TwoLayerNet)m).Loss((Tensor)a[0], (Tensor)a[1]), (m, a) => ((TwoLayerNet)m).LossGraph.Apply((Tensor)a[0], (Tensor)a[1])),
            "LossAndLogitsNet" => new(() => new LossAndLogitsNet(), new object[] { Floats(rng, n, 6), Labels(n, 3) },
                (m, a) => { var (l, z) = ((LossAndLogitsNet)m).Step((Tensor)a[0], (IntTensor)a[1]); return l + Ops.Sum(z * z) * 0.1f; },
                (m, a) => { var (l, z) = ((LossAndLogitsNet)m).StepGraph.Apply((Tensor)a[0], (IntTensor)a[1]); return l + Ops.Sum(z * z) * 0.1f; }),
            // Loops with a symbolic length: the reverse loop's gradients w.r.t. the sequence and the initial states.
            "SequenceRnnNet" => new(() => new SequenceRnnNet(), new object[] { Floats(rng, n, 6, 4), Labels(n, 3) },
                (m, a) => ((SequenceRnnNet)m).Loss((Tensor)a[0], (IntTensor)a[1]), (m, a) => ((SequenceRnnNet)m).LossGraph.Apply((Tensor)a[0], (IntTensor)a[1])),
            "LstmCellLoopNet" => new(() => new LstmCellLoopNet(), new object[] { Floats(rng, n, 4, 5), Floats(rng, n, 6), Floats(rng, n, 6), Labels(n, 3) },
                (m, a) => ((LstmCellLoopNet)m).Loss((Tensor)a[0], (Tensor)a[1], (Tensor)a[2], (IntTensor)a[3]),
                (m, a) => ((LstmCellLoopNet)m).LossGraph.Apply((Tensor)a[0], (Tensor)a[1], (Tensor)a[2], (IntTensor)a[3])),
            "GruLoopNet" => new(() => new GruLoopNet(), new object[] { Floats(rng, 3, n, 4), Floats(rng, n, 5), Labels(n, 3) },
                (m, a) => ((GruLoopNet)m).Loss((Tensor)a[0], (Tensor)a[1], (IntTensor)a[2]), (m, a) => ((GruLoopNet)m).LossGraph.Apply((Tensor)a[0], (Tensor)a[1], (IntTensor)a[2])),
            _ => throw new ArgumentException(model),
        };
    }

    /// <summary>Leaves for the float arguments, then an eager op, so the node's input gradients pass through the tape.</summary>
    static (object[] Arguments, Tensor[] Leaves) Prepare(object[] arguments)
    {
        var leaves = new List<Tensor>();
        var prepared = arguments.Select(a =>
        {
            if (a is not Tensor t) return a;
            var leaf = t.Clone();
            leaf.RequiresGrad = true;
            leaves.Add(leaf);
            return (object)(leaf * 1.5f);
        }).ToArray();
        return (prepared, leaves.ToArray());
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Apply_MatchesTheTape_ForInputsAndParameters(string model)
    {
        var c = CaseOf(model, new Rng(17));
        var eager = c.Create();
        var graph = c.Create();
        graph.LoadStateDict(eager.StateDict());
        var (eagerArguments, eagerLeaves) = Prepare(c.Arguments);
        var (graphArguments, graphLeaves) = Prepare(c.Arguments);

        var eagerLoss = Ops.Tanh(c.Tape(eager, eagerArguments));
        var graphLoss = Ops.Tanh(c.Apply(graph, graphArguments));
        AssertClose(eagerLoss.Item(), graphLoss.Item(), $"{model}: loss");
        eagerLoss.Backward();
        graphLoss.Backward();
        for (int i = 0; i < eagerLeaves.Length; i++) AssertClose(eagerLeaves[i].Grad!, graphLeaves[i].Grad!, $"{model}: gradient of float argument {i}");
        var graphParameters = graph.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (name, parameter) in eager.NamedParameters())
        {
            if (parameter.Grad is null) continue;
            // A gradient that is zero in exact arithmetic (a Linear bias right before BatchNorm, which subtracts the
            // batch mean) is float rounding in both runs, ~1e-7 whatever the order of summation: compare it at an
            // absolute 1e-6, still far below what a wrong rule gives.
            AssertClose(parameter.Grad, graphParameters[name].Grad!, $"{model}: gradient of {name}", minimumScale: 1e-2f);
        }
    }
}
