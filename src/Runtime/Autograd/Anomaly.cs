using System.Globalization;
using System.Numerics;

namespace Kiln;

/// <summary>
/// Anomaly detection (torch.autograd.detect_anomaly), opt-in: inside <see cref="DetectAnomaly"/> every eager op that
/// produces NaN or infinity throws <see cref="AnomalyDetectedException"/> naming itself, and so does every gradient rule
/// of the reverse pass. Compiled graphs check each kernel's output through
/// <see cref="Compiled.CompiledGraph.CheckFinite"/> when <see cref="AnomalyDetectionEnabled"/> is true.
/// </summary>
public static partial class Autograd
{
    [ThreadStatic] static int anomalyDepth;
    [ThreadStatic] static int backwardDepth;

    /// <summary>Whether the current thread is running a backward pass (its gradient rules).</summary>
    internal static bool InBackward => backwardDepth != 0;

    /// <summary>
    /// Whether the current thread is inside a <see cref="DetectAnomaly"/> scope. Generated code reads it after each
    /// kernel: <c>if (global::Kiln.Autograd.AnomalyDetectionEnabled) global::Kiln.Compiled.CompiledGraph.CheckFinite(…);</c>
    /// </summary>
    public static bool AnomalyDetectionEnabled => anomalyDepth != 0;

    /// <summary>
    /// <c>using (Autograd.DetectAnomaly()) { … }</c>: on this thread, every op output and every gradient the reverse pass
    /// computes is checked for NaN and infinity; the first one found throws <see cref="AnomalyDetectedException"/>
    /// naming the op (forward: op, output shape, first bad index and value, and which input already held one;
    /// backward: "Function 'MulBackward' returned nan values in its 0th output"). Scopes nest. Off by default: then
    /// each op pays one thread-static read.
    /// </summary>
    public static AnomalyScope DetectAnomaly()
    {
        anomalyDepth++;
        return new AnomalyScope(active: true);
    }

    /// <summary>The scope <see cref="DetectAnomaly"/> returns (a struct: entering and leaving it allocates nothing).</summary>
    public struct AnomalyScope : IDisposable
    {
        bool active;

        internal AnomalyScope(bool active) => this.active = active;

        public void Dispose()
        {
            if (!active) return;
            active = false;
            anomalyDepth--;
        }
    }

    /// <summary>Marks the reverse pass, whose rules' ops are checked as the rules' outputs rather than one by one.</summary>
    struct BackwardScope : IDisposable
    {
        bool active;

        internal BackwardScope(bool active)
        {
            this.active = active;
            backwardDepth++;
        }

        public void Dispose()
        {
            if (!active) return;
            active = false;
            backwardDepth--;
        }
    }

    static void CheckForward(Tensor output, string name, Tensor[] inputs)
    {
        int bad = NonFinite.FirstIndex(output.Storage);
        if (bad < 0) return;
        float value = output.Storage[bad];
        string culprit = "every input was finite";
        for (int i = 0; i < inputs.Length; i++)
        {
            int inputBad = NonFinite.FirstIndex(inputs[i].Storage);
            if (inputBad < 0) continue;
            culprit = $"input {i} {inputs[i].ShapeString} already held {NonFinite.Describe(inputs[i].Storage[inputBad])} at index {inputBad}";
            break;
        }
        throw new AnomalyDetectedException(name,
            $"Anomaly detected: {name} returned {NonFinite.Kind(value)} values in its output {output.ShapeString}: first at index {bad} " +
            $"({NonFinite.Describe(value)}); {culprit}.");
    }

    static void CheckBackward(GradNode node, Tensor?[] grads)
    {
        for (int i = 0; i < grads.Length; i++)
        {
            if (grads[i] is not { } g) continue;
            int bad = NonFinite.FirstIndex(g.Storage);
            if (bad < 0) continue;
            float value = g.Storage[bad];
            string function = node.Name + "Backward";
            throw new AnomalyDetectedException(function,
                $"Function '{function}' returned {NonFinite.Kind(value)} values in its {i}th output (the gradient of input {i}, " +
                $"shape {g.ShapeString}: first at index {bad}, {NonFinite.Describe(value)}).");
        }
    }
}

/// <summary>A NaN or infinity found by anomaly detection (<see cref="Autograd.DetectAnomaly"/>).</summary>
public sealed class AnomalyDetectedException : ArithmeticException
{
    public AnomalyDetectedException(string source, string message) : base(message) => Operation = source;

    /// <summary>What produced the value: an op ("Mul"), a gradient rule ("MulBackward") or a kernel's description.</summary>
    public string Operation { get; }
}

/// <summary>Finding NaN and infinity in float buffers.</summary>
internal static class NonFinite
{
    /// <summary>The index of the first NaN or infinity, or −1 (x − x is 0 exactly for finite x, NaN otherwise).</summary>
    public static int FirstIndex(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(values.Slice(i));
                if (!Vector.EqualsAll(v - v, Vector<float>.Zero)) break;
            }
        }
        for (; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }

    public static string Kind(float value) => float.IsNaN(value) ? "nan" : "inf";

    public static string Describe(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}
