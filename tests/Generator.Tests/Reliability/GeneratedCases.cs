using System.Globalization;

namespace Kiln.Generator.Tests.Reliability;

/// <summary>
/// Model sources generated per kind of failure the reliability issue found: (1) build-time arithmetic that must
/// compute exactly what C# computes, (2) user names that generated code must not capture, (3) malformed attributes and
/// valid-but-unusual models that once gave internal errors, (4) constructs and module arguments that need a diagnostic.
/// Seeds are fixed, so a failing case reproduces.
/// </summary>
internal static partial class GeneratedCases
{
    const string Usings = GeneratedCaseHarness.Header;

    static string Model(string members, string body, string parameter = "[Shape(4, 5)] Tensor x", string declaration = "public partial class Model : Module") => Usings + $$"""
        {{declaration}}
        {
            readonly Parameter w = Parameter.Randn(5);
        {{members}}
            [Compile]
            public Tensor Loss({{parameter}})
            {
        {{body}}
            }
        }
        """;

    static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
    static string F(float v) => v.ToString("R", CultureInfo.InvariantCulture) + "f";
    static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Kind 1: scalar expressions whose build-time value must be C#'s (wrap-around, checked overflow, float rounding, conversions).</summary>
    public static IEnumerable<GeneratedCase> Arithmetic()
    {
        var random = new Random(11);
        int Big() => random.Next(2) == 0 ? random.Next(40000, 70000) : int.MaxValue - random.Next(0, 50);
        int Any() => random.Next(-100000, 100000);
        float Real() => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 8)));
        var templates = new (string Name, Func<string> Body)[]
        {
            ("int product", () => $"int a = {I(Big())}; int b = {I(random.Next(2, 70000))}; var s = a * b;"),
            ("int sum past MaxValue", () => $"int a = int.MaxValue - {I(random.Next(0, 20))}; a += {I(random.Next(1, 40))}; var s = a;"),
            ("checked int product", () => $"int a = {I(Big())}; var s = checked(a * {I(random.Next(1, 70000))});"),
            ("unchecked long product", () => $"long a = {I(long.MaxValue / random.Next(2, 9))}L; var s = unchecked(a * {I(random.Next(2, 40))});"),
            ("long times int", () => $"long a = {I(random.Next(1, int.MaxValue))}L; var s = a * {I(Big())};"),
            ("uint subtraction", () => $"uint u = {I(random.Next(0, 100))}u; var s = u - {I(random.Next(0, 200))};"),
            ("byte compound assignment", () => $"byte b = {I(random.Next(200, 256))}; b += {I(random.Next(1, 100))}; var s = b;"),
            ("short increment", () => $"short h = {I(short.MaxValue - random.Next(0, 3))}; h++; h++; var s = h;"),
            ("int division and remainder", () => $"int a = {I(Any())}; int d = {I(random.Next(-7, 8))}; var s = a / d + a % d;"),
            ("MinValue over minus one", () => "int a = int.MinValue; int d = -1; var s = a / d;"),
            ("float sum", () => $"float a = {F(Real())}; var s = a + {F(Real())};"),
            ("double then float", () => $"double d = {D(Real())}; float s = (float)(d * {D(random.NextDouble())});"),
            ("float then double", () => $"float f = {F(Real())}; double d = f * 0.1; var s = (float)d;"),
            ("float literal sums", () => $"float a = 0.1f; float b = 0.2f; var s = (a + b) * {F(Real())} - {F(Real())};"),
            ("long to float rounding", () => $"long big = {I((1L << 40) + random.Next(1, 1 << 20))}L; float s = big;"),
            ("real to int truncation", () => $"double r = {D(Real() * 1000)}; var s = (int)r;"),
            ("real to int out of range", () => $"double r = {D(1e10 * (random.NextDouble() + 1))}; var s = (int)r;"),
            ("ref local alias", () => $"float a = 1f; ref float r = ref a; r = {F(Real())}; var s = a;"),
            ("loop accumulation", () => $"int i = 0; for (int k = 0; k < {I(random.Next(2, 6))}; k++) i += {I(Big())}; var s = i;"),
            ("negate MinValue", () => "int a = int.MinValue; var s = -a;"),
            ("checked negate MinValue", () => "int a = int.MinValue; var s = checked(-a);"),
            ("negate uint", () => $"uint u = {I(random.Next(1, int.MaxValue))}u; var s = -u;"),
            ("int to float rounding", () => $"int n = {I(16777216 + random.Next(1, 1000))}; float s = n;"),
            ("float to int", () => $"float f = {F(Real())}; int n = (int)f; var s = n * {I(random.Next(1, 9))};"),
            ("division by zero", () => "int a = 5; int z = 0; var s = a / z;"),
            ("float division by zero", () => $"float a = {F(Real())}; float z = 0f; var s = a / z;"),
            ("checked conversion", () => $"long l = {I((long)int.MaxValue + random.Next(1, 100))}L; var s = checked((int)l);"),
            ("unchecked conversion", () => $"long l = {I((long)int.MaxValue + random.Next(1, 100000))}L; var s = unchecked((int)l);"),
            ("sbyte cast", () => $"int a = {I(random.Next(100, 400))}; var s = (sbyte)a;"),
            ("mixed uint and int", () => $"uint u = {I(random.Next(0, 100))}u; int i = {I(random.Next(-100, 100))}; var s = u + i;"),
        };
        foreach (var (name, body) in templates)
            for (int variant = 0; variant < 6; variant++)
            {
                string code = body();
                yield return new GeneratedCase("arithmetic", $"{name} #{variant}: {code}",
                    Model("", $"        {code}\n        return (x * w * (float)s).Sum();"), Expectation.AgreeOrRefuse);
            }
    }

    static readonly string[] GeneratedNames =
    {
        "state", "symbols", "arena", "result", "model", "input0", "capture0", "capture1Data", "buffer0", "grad0", "BindInput", "BindCapture",
        "BeginBinding", "Prepare", "GradientOf", "Description", "ResultShape", "LossGraph", "i", "i0", "extent0", "row1", "rowOut", "s1", "v1",
        "geometry", "scale3", "accumulator4", "tail4", "dim_N", "ForwardBufferSizes", "sizes", "SummaryText", "DotText", "global",
        "argument0", "ForwardCore", "this", "class", "base",
    };

    /// <summary>Kind 2: names of parameters, fields, symbols, members and containing types that generated code must not capture.</summary>
    public static IEnumerable<GeneratedCase> Names()
    {
        foreach (var name in GeneratedNames)
        {
            yield return new GeneratedCase("names", $"parameter named {name}",
                Model("", $"        return (@{name} * w).Sum();", parameter: $"[Shape(4, 5)] Tensor @{name}"), Expectation.Compile);
            // A field holding the graph property's own name is the one conflict the generator cannot step around.
            yield return new GeneratedCase("names", $"field named {name}",
                Model($"    readonly Parameter @{name} = Parameter.Randn(5);", $"        return (x * @{name} + x * w).Sum();"),
                name == "LossGraph" ? Expectation.Diagnose : Expectation.Compile, DiagnosticId: name == "LossGraph" ? "KILN0010" : null);
            yield return new GeneratedCase("names", $"symbol named {name}",
                Model("", "        return (x * w).Sum();", parameter: $"[Shape(\"{name}\", 5)] Tensor x"), Expectation.AgreeOrRefuse);
            yield return new GeneratedCase("names", $"method named {name}",
                Model($"    public int @{name}() => 1;", "        return (x * w).Sum();"), Expectation.AgreeOrRefuse);
        }
        foreach (var member in new[] { "public int LossGraphImpl;", "private object? kilnLossGraph;", "public Tensor LossGraph => w;", "public class LossGraphImpl { }", "public void kilnLossGraph() { }" })
            yield return new GeneratedCase("names", $"member {member}", Model("    " + member, "        return (x * w).Sum();"),
                member.Contains("LossGraph =>", StringComparison.Ordinal) ? Expectation.Diagnose : Expectation.Compile, DiagnosticId: "KILN0010");
        yield return new GeneratedCase("names", "sealed class", Model("", "        return (x * w).Sum();", declaration: "public sealed partial class Model : Module"), Expectation.Compile);
        yield return new GeneratedCase("names", "internal class", Model("", "        return (x * w).Sum();", declaration: "internal partial class Model : Module"), Expectation.Compile);
        yield return new GeneratedCase("names", "nested in a class", Usings + """
            public partial class Outer
            {
                public partial class Model : Module
                {
                    readonly Parameter w = Parameter.Randn(5);
                    [Compile]
                    public Tensor Loss([Shape(4, 5)] Tensor x) => (x * w).Sum();
                }
            }
            """, Expectation.Compile, "Cases.Outer+Model");
        yield return new GeneratedCase("names", "nested in a static class", Usings + """
            public static partial class Holder
            {
                public partial class Model : Module
                {
                    readonly Parameter w = Parameter.Randn(5);
                    [Compile]
                    public Tensor Loss([Shape(4, 5)] Tensor x) => (x * w).Sum();
                }
            }
            """, Expectation.Compile, "Cases.Holder+Model");
        yield return new GeneratedCase("names", "nested in a record", Usings + """
            public partial record Outer(int Size)
            {
                public partial class Model : Module
                {
                    readonly Parameter w = Parameter.Randn(5);
                    [Compile]
                    public Tensor Loss([Shape(4, 5)] Tensor x) => (x * w).Sum();
                }
            }
            """, Expectation.Compile, "Cases.Outer+Model");
        yield return new GeneratedCase("names", "generic containing type", Usings + """
            public partial class Outer<T>
            {
                public partial class Model : Module
                {
                    readonly Parameter w = Parameter.Randn(5);
                    [Compile]
                    public Tensor Loss([Shape(4, 5)] Tensor x) => (x * w).Sum();
                }
            }
            """, Expectation.Compile, "Cases.Outer`1+Model", Run: false);
        yield return new GeneratedCase("names", "generic model", Usings + """
            public partial class Model<T> : Module
            {
                readonly Parameter w = Parameter.Randn(5);
                [Compile]
                public Tensor Loss([Shape(4, 5)] Tensor x) => (x * w).Sum();
            }
            """, Expectation.Compile, "Cases.Model`1", Run: false);
        yield return new GeneratedCase("names", "static model class", Usings + """
            public static partial class Model
            {
                [Compile]
                public static Tensor Loss([Shape(4, 5)] Tensor x) => (x * x).Sum();
            }
            """, Expectation.Compile, "Cases.Model", Run: false);
        foreach (var type in new[] { "Kiln", "System", "CompiledGraph", "GraphDescription", "Span", "MathF", "Vector" })
            yield return new GeneratedCase("names", $"a user type named {type}", Model("", "        return (x * w).Sum();") + $"\npublic class {type} {{ }}\n", Expectation.Compile);
    }

    /// <summary>Kind 3: malformed attribute arguments (a diagnostic, never an internal error) and valid models that once failed.</summary>
    public static IEnumerable<GeneratedCase> Malformed()
    {
        foreach (var shape in new[] { "null", "\"N\", null", "1.5", "-1, 5", "\"\", 5", "0, 5", "true", "new object[] { 4, 5 }", "(object)null", "4, 5, null", "int.MaxValue, int.MaxValue" })
            yield return new GeneratedCase("malformed", $"[Shape({shape})]", Model("", "        return (x * w).Sum();", parameter: $"[Shape({shape})] Tensor x"), Expectation.AgreeOrRefuse);
        yield return new GeneratedCase("malformed", "BatchNorm called twice", Model("    readonly BatchNorm1d bn = new(5);", "        return (bn.Forward(bn.Forward(x) * w)).Square().Sum();"), Expectation.Compile);
        yield return new GeneratedCase("malformed", "BatchNorm called three times", Model("    readonly BatchNorm1d bn = new(5);", "        var h = bn.Forward(x);\n        h = bn.Forward(h * w);\n        return (bn.Forward(h) * w).Square().Sum();"), Expectation.Compile);
        yield return new GeneratedCase("malformed", "BatchNorm in eval called twice", Model("    readonly BatchNorm1d bn = new(5);\n    public Model() { bn.Eval(); }", "        return (bn.Forward(bn.Forward(x) * w)).Sum();"), Expectation.Compile);
        yield return new GeneratedCase("malformed", "Linear shared three times", Model("    readonly Linear fc = new(5, 5);", "        return fc.Forward(fc.Forward(fc.Forward(x))).Sum();"), Expectation.Compile);
        yield return new GeneratedCase("malformed", "Dropout twice in eval", Model("    readonly Dropout drop = new(0.3f);\n    public Model() { drop.Eval(); }", "        return drop.Forward(drop.Forward(x) * w).Sum();"), Expectation.Compile);
        yield return new GeneratedCase("malformed", "Concat along a symbolic dimension",
            Model("", "        return Concat(new[] { x, x * w }, 0).Sum();", parameter: "[Shape(\"N\", 5)] Tensor x"), Expectation.Diagnose, DiagnosticId: "KILN0001");
        yield return new GeneratedCase("malformed", "Concat along a constant dimension of a symbolic batch",
            Model("", "        return (Concat(new[] { x, x * w }, 1) * 0.5f).Square().Sum();", parameter: "[Shape(\"N\", 5)] Tensor x"), Expectation.Compile);
        yield return new GeneratedCase("malformed", "Linear on a 1-D input",
            Model("    readonly Linear fc = new(20, 3);", "        return fc.Forward(Flatten(x)).Square().Sum();"), Expectation.Compile);
        yield return new GeneratedCase("malformed", "MseLoss module with a sum",
            Model("    readonly MseLoss loss = new(Reduction.Sum);", "        return loss.Forward(x * w, x);"), Expectation.Compile);
        yield return new GeneratedCase("malformed", "MseLoss module with defaults",
            Model("    readonly MseLoss loss = new();", "        return loss.Forward(x * w, x);"), Expectation.Compile);
        yield return new GeneratedCase("malformed", "a condition that fails for its own reason keeps its diagnostic",
            Model("", "        if (System.Environment.ProcessorCount > 0) x = x * 2f;\n        return (x * w).Sum();"), Expectation.Diagnose, DiagnosticId: "KILN0001");
        yield return new GeneratedCase("malformed", "a condition on tensor data is data-dependent control flow",
            Model("", "        if (x.Sum().Item() > 0f) x = x * 2f;\n        return (x * w).Sum();"), Expectation.Diagnose, DiagnosticId: "KILN0003");
        yield return new GeneratedCase("malformed", "eight symbolic dimensions",
            Model("", "        return (x * x).Sum();", parameter: "[Shape(\"A\", \"B\", \"C\", \"D\", \"E\", \"F\", \"G\", \"H\")] Tensor x"), Expectation.Compile,
            InputShape: new[] { 1, 2, 1, 2, 3, 1, 2, 1 });
        yield return new GeneratedCase("malformed", "nine symbolic dimensions",
            Model("", "        return (x * x).Sum();", parameter: "[Shape(\"A\", \"B\", \"C\", \"D\", \"E\", \"F\", \"G\", \"H\", \"I\")] Tensor x"),
            Expectation.Diagnose, DiagnosticId: "KILN0001");
        yield return new GeneratedCase("malformed", "Reshape(x.Size(0), -1) of a symbolic batch",
            Model("", "        return (x.Reshape(x.Size(0), -1) * w).Square().Sum();", parameter: "[Shape(\"N\", 5)] Tensor x"), Expectation.Compile);
        yield return new GeneratedCase("malformed", "Reshape(x.Shape[0], 5) and a product of sizes",
            Model("", "        var flat = x.Reshape(x.Size(0) * 5);\n        return (x.Reshape(x.Shape[0], 5) * w).Square().Sum() + flat.Sum();", parameter: "[Shape(\"N\", 5)] Tensor x"), Expectation.Compile);
        yield return new GeneratedCase("malformed", "the batch size after a convolution (x.view(x.size(0), -1))",
            Model("    readonly Conv2d conv = new(1, 2, 3, padding: 1);\n    readonly MaxPool2d pool = new(2);",
                "        var h = pool.Forward(conv.Forward(x));\n        return h.Reshape(h.Size(0), -1).Square().Sum();", parameter: "[Shape(\"N\", 1, 4, 6)] Tensor x"),
            Expectation.Compile, InputShape: new[] { 3, 1, 4, 6 });
        foreach (var (mode, constructor) in new[] { ("training", ""), ("eval", "    public Model() { Eval(); }") })
        {
            yield return new GeneratedCase("malformed", $"if (Training) in {mode} mode",
                Model(constructor, "        var h = x * w;\n        if (Training) h = h * 2f;\n        else { h = Tanh(h); }\n        return h.Square().Sum();"), Expectation.Compile);
            yield return new GeneratedCase("malformed", $"if (!Training) return ... else return ... in {mode} mode",
                Model(constructor, "        if (!Training) return (x * w).Sum();\n        else return (x * x * w).Sum();"), Expectation.Compile);
            yield return new GeneratedCase("malformed", $"Training ? a : b in {mode} mode",
                Model(constructor, "        var s = Training ? x * w : x;\n        return s.Square().Sum();"), Expectation.Compile);
            yield return new GeneratedCase("malformed", $"Dropout only in training, {mode} mode",
                Model("    readonly Dropout drop = new(0.0f);\n" + constructor, "        var h = x * w;\n        if (Training) h = drop.Forward(h) * 0.5f;\n        return h.Square().Sum();"), Expectation.Compile);
        }
        yield return new GeneratedCase("malformed", "only one Training branch returns",
            Model("", "        if (Training) return (x * w).Sum();\n        var h = x * 2f;\n        return h.Sum();"), Expectation.Diagnose, DiagnosticId: "KILN0001");
        yield return new GeneratedCase("malformed", "a Training branch sets a number",
            Model("", "        float scale = 1f;\n        if (Training) scale = 2f;\n        return (x * w * scale).Sum();"), Expectation.Diagnose, DiagnosticId: "KILN0001");
        yield return new GeneratedCase("malformed", "a module type without a lowering",
            Model("    readonly L1Loss loss = new();", "        return loss.Forward(x * w, x);"), Expectation.Diagnose, DiagnosticId: "KILN0004");
        yield return new GeneratedCase("malformed", "a sum of call-time sizes",
            Model("", "        return (x.Reshape(x.Size(0) + 1, -1) * w).Sum();", parameter: "[Shape(\"N\", 5)] Tensor x"), Expectation.Diagnose, DiagnosticId: "KILN0001");
        yield return new GeneratedCase("malformed", "LayerNorm twice", Model("    readonly LayerNorm norm = new(new[] { 5 });", "        return norm.Forward(norm.Forward(x) * w).Square().Sum();"), Expectation.Compile);
    }

    /// <summary>Kind 4: [Compile] where it cannot apply, and module constructor arguments that can never work.</summary>
    public static IEnumerable<GeneratedCase> MissingDiagnostics()
    {
        yield return new GeneratedCase("diagnose", "[Compile] on a property accessor", Usings + """
            public partial class Model : Module
            {
                readonly Parameter w = Parameter.Randn(5);
                public Tensor Total { [Compile] get => w.Sum(); }
            }
            """, Expectation.Diagnose, DiagnosticId: "KILN0011");
        yield return new GeneratedCase("diagnose", "[Compile] on an operator", Usings + """
            public partial class Model : Module
            {
                [Compile]
                public static Tensor operator +(Model m, Tensor t) => t.Sum();
            }
            """, Expectation.Diagnose, DiagnosticId: "KILN0011");
        yield return new GeneratedCase("diagnose", "[Compile] on a local function", Usings + """
            public partial class Model : Module
            {
                public Tensor Loss(Tensor x)
                {
                    [Compile]
                    Tensor Inner([Shape(4, 5)] Tensor t) => t.Sum();
                    return Inner(x);
                }
            }
            """, Expectation.Diagnose, DiagnosticId: "KILN0011");
        yield return new GeneratedCase("diagnose", "[Compile] on a lambda", Usings + """
            public partial class Model : Module
            {
                public System.Func<Tensor, Tensor> F = [Compile] (Tensor t) => t.Sum();
            }
            """, Expectation.Diagnose, DiagnosticId: "KILN0011");
        // Each module is used by the method (a module the method never touches is never read).
        var modules = new (string Declaration, string Use)[]
        {
            ("Linear fc = new(0, 5)", "fc.Forward(x)"), ("Linear fc = new(5, 0)", "fc.Forward(x)"), ("Linear fc = new(-3, 5)", "fc.Forward(x)"), ("Linear fc = new(5, -1)", "fc.Forward(x)"),
            ("Rnn rnn = new(5, 4, 0)", "rnn.Forward(x.Reshape(4, 1, 5))"), ("Rnn rnn = new(5, 0)", "rnn.Forward(x.Reshape(4, 1, 5))"),
            ("Rnn rnn = new(0, 4)", "rnn.Forward(x.Reshape(4, 1, 5))"), ("Rnn rnn = new(5, 4, -2)", "rnn.Forward(x.Reshape(4, 1, 5))"),
            ("Embedding emb = new(10, 4, paddingIdx: 10)", "emb.Weight"), ("Embedding emb = new(10, 4, paddingIdx: -11)", "emb.Weight"),
            ("Embedding emb = new(0, 4)", "emb.Weight"), ("Embedding emb = new(10, 0)", "emb.Weight"),
            ("Conv1d conv = new(1, 0, 3)", "conv.Forward(x.Reshape(4, 1, 5))"), ("Conv1d conv = new(0, 2, 3)", "conv.Forward(x.Reshape(4, 1, 5))"),
            ("Conv1d conv = new(1, 2, 0)", "conv.Forward(x.Reshape(4, 1, 5))"), ("Conv2d conv = new(1, 2, -3)", "conv.Forward(x.Reshape(4, 1, 1, 5))"),
            ("BatchNorm1d bn = new(0)", "bn.Forward(x)"), ("LayerNorm norm = new(new[] { 0 })", "norm.Forward(x)"),
            ("LstmCell cell = new(5, 0)", "cell.Forward(x)"), ("LstmCell cell = new(0, 4)", "cell.Forward(x)"),
            ("MaxPool1d pool = new(0)", "pool.Forward(x.Reshape(4, 1, 5))"), ("AvgPool2d pool = new(-2)", "pool.Forward(x.Reshape(4, 1, 1, 5))"),
        };
        foreach (var (declaration, use) in modules)
            yield return new GeneratedCase("diagnose", $"new {declaration}", Model($"    readonly {declaration};", $"        var used = {use};\n        return (x * w).Sum();"), Expectation.Diagnose, DiagnosticId: "KILN0012");
    }

    /// <summary>
    /// Kind 5: for loops over a sequence's steps, compiled as graph loops (the index only picks steps, tensors carried),
    /// beside near misses that must unroll (the index used otherwise) or be refused (a body reading the Training flag).
    /// x is [4, 5]; w is [5].
    /// </summary>
    public static IEnumerable<GeneratedCase> Loops()
    {
        var random = new Random(5);
        var templates = new (string Name, Func<string> Body, Expectation Expect)[]
        {
            ("rows from 1, tanh cell", () => $"var h = Select(x, 0, 0) * w;\n        for (int t = 1; t < 4; t++) h = Tanh(h * w + Select(x, 0, t) * {F(Real(random))});\n        return (h * h).Sum();", Expectation.Compile),
            ("columns as length-1 slices", () => $"var h = Narrow(x, 1, 0, 1);\n        for (int t = 0; t < 5; t++) h = h * {F(Real(random))} + Sigmoid(Narrow(x, 1, t, 1));\n        return h.Sum();", Expectation.Compile),
            ("two carries, a tuple assignment", () => "var a = Select(x, 0, 0);\n        var b = a * 2f;\n        for (int t = 0; t < 4; t++) { var s = Select(x, 0, t); (a, b) = (Sigmoid(a + s * w), a * b); }\n        return (a + b).Sum();", Expectation.Compile),
            ("bound from x.Size(0)", () => "var h = w * 0.5f;\n        for (int t = 0; t < x.Size(0); t++) h = Tanh(h + Select(x, 0, t));\n        return h.Sum();", Expectation.Compile),
            ("a constant loop inside the body", () => "var h = Select(x, 0, 0);\n        for (int t = 0; t < 4; t++)\n        {\n            for (int k = 0; k < 2; k++) h = Tanh(h * w);\n            h = h + Select(x, 0, t);\n        }\n        return h.Sum();", Expectation.Compile),
            ("the sequence read twice per step", () => "var h = Select(x, 0, 0);\n        for (int t = 0; t < 4; t++) h = h * Select(x, 0, t) + Select(x, 0, t);\n        return h.Sum();", Expectation.Compile),
            ("a carry also read after the loop with an outer value", () => "var y = x * 2f;\n        var h = Select(y, 0, 0);\n        for (int t = 1; t < 3; t++) h = Relu(h - Select(y, 0, t)) + Select(x, 0, 0);\n        return (h * w).Sum();", Expectation.Compile),
            ("index in arithmetic: unrolled", () => "var h = Select(x, 0, 0);\n        for (int t = 0; t < 4; t++) h = h + Select(x, 0, t) * (t + 1f);\n        return h.Sum();", Expectation.Compile),
            ("index picks the step twice over: unrolled", () => "var h = Select(x, 0, 0);\n        for (int t = 0; t < 2; t++) h = h + Select(x, 0, 2 * t);\n        return h.Sum();", Expectation.Compile),
            ("no carried tensor: unrolled", () => "var total = 0f;\n        for (int t = 0; t < 4; t++) total += 1f;\n        return (Select(x, 0, 3) * total).Sum();", Expectation.Compile),
            ("carried value changes shape", () => "var h = Select(x, 0, 0);\n        for (int t = 0; t < 4; t++) h = Narrow(h + Select(x, 0, t), 0, 0, 4);\n        return h.Sum();", Expectation.AgreeOrRefuse),
            ("Training in the body", () => "var h = Select(x, 0, 0);\n        for (int t = 0; t < 4; t++) h = Training ? h + Select(x, 0, t) : h - Select(x, 0, t);\n        return h.Sum();", Expectation.Diagnose),
        };
        foreach (var (name, body, expect) in templates)
            for (int variant = 0; variant < 2; variant++)
                yield return new GeneratedCase("loops", $"{name} #{variant}", Model("", "        " + body()), expect);
    }

    static float Real(Random random) => (float)(random.NextDouble() * 1.5 - 0.75);

    public static IEnumerable<GeneratedCase> All() => Arithmetic().Concat(Names()).Concat(Malformed()).Concat(MissingDiagnostics())
        .Concat(ConstructorSizes()).Concat(CustomFunctions()).Concat(Loops());
}
