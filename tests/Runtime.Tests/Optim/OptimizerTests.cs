using Kiln.Nn;
using Kiln.Optim;

namespace Kiln.Runtime.Tests.Optim;

public class OptimizerTests
{
    [Fact]
    public void AdamByHandOnPlainTensorsMatchesPyTorch()
    {
        // The "Adam by hand" workload: Linear(2,2,bias=False) -> Sigmoid -> MSE, x=[1,2], y=[4,1]; W after each
        // of PyTorch's first three steps (reference/RESULTS.md, W4).
        var w = Tensor.FromArray(new[] { -0.005293981172144413f, 0.37932288646698f, -0.5819807648658752f, -0.5203874707221985f }, 2, 2);
        w.RequiresGrad = true;
        var x = Tensor.FromArray(new[] { 1f, 2f }, 2);
        var y = Tensor.FromArray(new[] { 4f, 1f }, 2);
        var adam = new Adam(new[] { w }, lr: 1e-3f);
        var expectedLoss = new[] { 5.8602610f, 5.8577509f, 5.8552418f };
        var expectedW = new[]
        {
            new[] { -0.004294f, 0.3803229f, -0.5809808f, -0.5193875f },
            new[] { -0.003294f, 0.3813228f, -0.5799807f, -0.5183874f },
            new[] { -0.0022941f, 0.3823227f, -0.5789806f, -0.5173873f },
        };
        for (int step = 0; step < 3; step++)
        {
            adam.ZeroGrad();
            var loss = Ops.MseLoss(Ops.Sigmoid(Ops.MatMul(w, x)), y);
            Assert.Equal(expectedLoss[step], loss.Item(), 5e-6f);
            loss.Backward();
            adam.Step();
            for (int i = 0; i < 4; i++) Assert.Equal(expectedW[step][i], w.Data[i], 1e-6f);
        }
        Assert.Equal(3, adam.StepCount(w));
    }

    [Fact]
    public void AdamGivesTheSameBitsAsTheScalarFormulaAtEveryPosition()
    {
        // 1003 elements: the vector loop and the scalar tail must agree with torch's formula written out in float32.
        var rng = new Rng(5);
        var p = new Parameter(Tensor.Randn(new[] { 1003 }, rng));
        var reference = p.ToArray();
        var (m, v) = (new float[1003], new float[1003]);
        var adam = new Adam(new[] { p }, lr: 0.01f, betas: (0.8f, 0.99f), eps: 1e-6f, weightDecay: 0.1f);
        for (int step = 1; step <= 3; step++)
        {
            var grad = Tensor.Randn(new[] { 1003 }, rng);
            p.Grad = grad;
            adam.Step();
            double bc1 = 1 - Math.Pow(0.8, step), bc2 = 1 - Math.Pow(0.99, step);
            float stepSize = (float)-(0.01 / bc1), bc2Sqrt = (float)Math.Sqrt(bc2);
            for (int i = 0; i < 1003; i++)
            {
                float g = grad.Data[i] + 0.1f * reference[i];
                m[i] = m[i] * 0.8f + (float)(1 - 0.8) * g;
                v[i] = v[i] * 0.99f + (float)(1 - 0.99) * g * g;
                reference[i] += stepSize * m[i] / (MathF.Sqrt(v[i]) / bc2Sqrt + 1e-6f);
            }
            Assert.Equal(reference, p.ToArray());
        }
        Assert.Equal(m, adam.ExpAvg(p)!.ToArray());
        Assert.Equal(v, adam.ExpAvgSq(p)!.ToArray());
    }

    [Fact]
    public void SgdFollowsTheGradientAndMomentumAccelerates()
    {
        // f(p) = ½ p², gradient p: plain SGD scales p by (1 - lr) per step.
        var p = new Parameter(Tensor.FromArray(new[] { 1f }, 1));
        var sgd = new Sgd(new[] { p }, lr: 0.1f);
        for (int i = 0; i < 3; i++)
        {
            sgd.ZeroGrad();
            Ops.Mul(Ops.Sum(Ops.Square(p)), 0.5f).Backward();
            sgd.Step();
        }
        Assert.Equal(0.729f, p.Data[0], 1e-6f);

        var q = new Parameter(Tensor.FromArray(new[] { 1f }, 1));
        var heavyBall = new Sgd(new[] { q }, lr: 0.1f, momentum: 0.9f);
        for (int i = 0; i < 3; i++)
        {
            heavyBall.ZeroGrad();
            Ops.Mul(Ops.Sum(Ops.Square(q)), 0.5f).Backward();
            heavyBall.Step();
        }
        // torch's heavy-ball recurrence on the same gradient g = q: buf = g first, then 0.9·buf + g.
        float qv = 1f, buf = 0f;
        for (int i = 0; i < 3; i++)
        {
            buf = i == 0 ? qv : 0.9f * buf + qv;
            qv -= 0.1f * buf;
        }
        Assert.Equal(qv, q.Data[0], 1e-6f);
        Assert.True(q.Data[0] < p.Data[0]);
        Assert.Equal(new[] { buf }, heavyBall.MomentumBuffer(q)!.ToArray());
    }

    [Fact]
    public void TrainingALinearModelWithSgdAndAdamReducesTheLoss()
    {
        var rng = new Rng(1);
        var x = Tensor.Randn(new[] { 64, 3 }, rng);
        var trueW = Tensor.FromArray(new[] { 2f, -1f, 0.5f }, 3, 1);
        var y = Ops.Add(Ops.MatMul(x, trueW), 0.3f);
        foreach (var make in new Func<IEnumerable<Tensor>, Optimizer>[] { ps => new Sgd(ps, 0.1f, momentum: 0.5f), ps => new Adam(ps, 0.05f) })
        {
            var model = new Linear(3, 1, rng: new Rng(2));
            var optimizer = make(model.Parameters());
            float first = 0, last = 0;
            for (int step = 0; step < 200; step++)
            {
                optimizer.ZeroGrad();
                var loss = Ops.MseLoss(model.Forward(x), y);
                if (step == 0) first = loss.Item();
                last = loss.Item();
                loss.Backward();
                optimizer.Step();
            }
            Assert.True(last < 1e-3f * first, $"{optimizer.GetType().Name}: loss {first} -> {last}");
        }
    }

    [Fact]
    public void StepSkipsParametersWithoutGradientsAndZeroGradZeroes()
    {
        var a = Parameter.Ones(2);
        var b = Parameter.Ones(2);
        var adam = new Adam(new[] { a, b });
        a.Grad = Tensor.FromArray(new[] { 1f, -1f }, 2);
        adam.Step();
        Assert.Equal(new[] { 1f, 1f }, b.ToArray());
        Assert.Null(adam.ExpAvg(b));
        Assert.NotEqual(new[] { 1f, 1f }, a.ToArray());
        var grad = a.Grad;
        adam.ZeroGrad();
        Assert.Same(grad, a.Grad);
        Assert.Equal(new[] { 0f, 0f }, a.Grad!.ToArray());
    }

    [Fact]
    public void WeightDecayAndMomentumLeaveTheGradientUntouched()
    {
        var p = Parameter.Ones(3);
        var grad = Tensor.FromArray(new[] { 0.5f, -1f, 2f }, 3);
        p.Grad = grad;
        new Sgd(new[] { p }, 0.1f, momentum: 0.9f, weightDecay: 0.5f, nesterov: true).Step();
        Assert.Equal(new[] { 0.5f, -1f, 2f }, grad.ToArray());
        new Adam(new[] { p }, weightDecay: 0.5f).Step();
        Assert.Equal(new[] { 0.5f, -1f, 2f }, grad.ToArray());
    }

    [Fact]
    public void InvalidArgumentsAreRejected()
    {
        var p = Parameter.Ones(1);
        Assert.Contains("empty parameter list", Assert.Throws<ArgumentException>(() => new Sgd(Array.Empty<Tensor>(), 0.1f)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(new[] { p }, -1f));
        Assert.Throws<ArgumentException>(() => new Sgd(new[] { p }, 0.1f, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(new[] { p }, betas: (1f, 0.999f)));
        Assert.Contains("more than once", Assert.Throws<ArgumentException>(() => new Adam(new[] { p, p })).Message);
        Assert.Contains("not a leaf", Assert.Throws<ArgumentException>(() => new Adam(new[] { Ops.Mul(p, 2f) })).Message);
        Assert.Throws<ArgumentException>(() => new Adam(new[] { p }).ExpAvg(Parameter.Ones(1)));
    }
}
