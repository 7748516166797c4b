namespace Kiln.Generator.Tests.Reliability;

/// <summary>
/// Kinds 5 and 6 (issue 10): models written as tutorials write them. Module sizes from constructor arguments, in every
/// place a constructor can hand them over (parameters, a primary constructor, fields, a Sequential, arithmetic), with
/// values that agree and values that contradict; and custom autograd Functions, valid and not.
/// </summary>
internal static partial class GeneratedCases
{
    /// <summary>A model built through a parameterless constructor (the harness's) that hands sizes to the real one.</summary>
    static string SizedModel(string sizes, string constructor, string members, string body, string parameter = "[Shape(4, 5)] Tensor x") => Usings + $$"""
        public partial class Model : Module
        {
        {{members}}
            public Model() : this({{sizes}}) { }

            {{constructor}}

            [Compile]
            public Tensor Loss({{parameter}})
            {
        {{body}}
            }
        }
        """;

    /// <summary>Kind 5: sizes from the constructor compile and agree with the tape (or, contradicting, both fail the same call).</summary>
    public static IEnumerable<GeneratedCase> ConstructorSizes()
    {
        const string Kind = "constructor sizes";
        foreach (int hidden in new[] { 1, 3, 8 })
        {
            string twoLayers = "    readonly Linear fc1;\n    readonly Linear fc2;";
            yield return new GeneratedCase(Kind, $"constructor parameters, hidden {hidden}",
                SizedModel($"5, {I(hidden)}, 2", "public Model(int inputs, int hidden, int outputs) { fc1 = new Linear(inputs, hidden); fc2 = new Linear(hidden, outputs); }",
                    twoLayers, "        return fc2.Forward(Relu(fc1.Forward(x))).Square().Sum();"), Expectation.Compile);
            yield return new GeneratedCase(Kind, $"primary constructor, hidden {hidden}", Usings + $$"""
                public partial class Model(int inputs, int hidden) : Module
                {
                    readonly Linear fc1 = new(inputs, hidden);
                    readonly Linear fc2 = new(hidden, 1, bias: false);

                    public Model() : this(5, {{I(hidden)}}) { }

                    [Compile]
                    public Tensor Loss([Shape("N", 5)] Tensor x) => fc2.Forward(Tanh(fc1.Forward(x))).Sum();
                }
                """, Expectation.Compile);
            yield return new GeneratedCase(Kind, $"fields set from the constructor and read by the method, hidden {hidden}",
                SizedModel($"5, {I(hidden)}", "public Model(int inputs, int hidden) { this.inputs = inputs; this.hidden = hidden; fc = new Linear(this.inputs, this.hidden); }",
                    "    readonly int inputs;\n    readonly int hidden;\n    readonly Linear fc;",
                    "        var rows = fc.Forward(x.Reshape(-1, inputs)).Reshape(-1, 1, hidden);\n        return Softmax(rows, 2).Square().Sum();"), Expectation.Compile);
            yield return new GeneratedCase(Kind, $"a Sequential built from constructor sizes, hidden {hidden}",
                SizedModel($"5, {I(hidden)}", "public Model(int inputs, int hidden) => net = new Sequential(new Linear(inputs, hidden), new ReLU(), new Linear(hidden, 3));",
                    "    readonly Sequential net;", "        return net.Forward(x).Square().Sum();"), Expectation.Compile);
            yield return new GeneratedCase(Kind, $"a product of sizes gets a symbol of its own, hidden {hidden}",
                SizedModel($"5, {I(hidden)}", "public Model(int inputs, int hidden) { fc1 = new Linear(inputs, hidden * 2); fc2 = new Linear(hidden * 2, 1); }",
                    twoLayers, "        return fc2.Forward(fc1.Forward(x)).Sum();"), Expectation.Compile);
            yield return new GeneratedCase(Kind, $"BatchNorm1d and Conv1d channels from the constructor, hidden {hidden}",
                SizedModel($"3, {I(hidden)}", "public Model(int channels, int hidden) { conv = new Conv1d(channels, hidden, 3); bn = new BatchNorm1d(hidden); }",
                    "    readonly Conv1d conv;\n    readonly BatchNorm1d bn;", "        return bn.Forward(conv.Forward(x)).Square().Sum();",
                    parameter: "[Shape(\"N\", 3, 6)] Tensor x"), Expectation.Compile, InputShape: new[] { 2, 3, 6 });
            yield return new GeneratedCase(Kind, $"a module's size properties read by the method, hidden {hidden}",
                SizedModel($"5, {I(hidden)}", "public Model(int inputs, int hidden) => fc = new Linear(inputs, hidden);", "    readonly Linear fc;",
                    "        var rows = fc.Forward(x.Reshape(-1, fc.InFeatures)).Reshape(-1, 1, fc.OutFeatures);\n        return Softmax(rows, 2).Square().Sum();"),
                Expectation.Compile);
            yield return new GeneratedCase(Kind, $"the two sizes that must agree, disagreeing, hidden {hidden}",
                SizedModel($"5, {I(hidden)}, {I(hidden + 1)}", "public Model(int inputs, int h1, int h2) { fc1 = new Linear(inputs, h1); fc2 = new Linear(h2, 1); }",
                    twoLayers, "        return fc2.Forward(fc1.Forward(x)).Sum();"), Expectation.Compile);
            yield return new GeneratedCase(Kind, $"an input size that contradicts the [Shape], hidden {hidden}",
                SizedModel($"6, {I(hidden)}", "public Model(int inputs, int hidden) => fc = new Linear(inputs, hidden);",
                    "    readonly Linear fc;", "        return fc.Forward(x).Sum();"), Expectation.Compile);
        }
        var structural = new (string Description, string Sizes, string Constructor, string Members, string Body)[]
        {
            ("an Rnn's layer count", "5, 2", "public Model(int inputs, int layers) => rnn = new Rnn(inputs, 4, layers);", "    readonly Rnn rnn;",
                "        return rnn.Forward(x.Reshape(4, 1, 5)).Output.Sum();"),
            ("a kernel size", "1, 3", "public Model(int channels, int window) => conv = new Conv1d(channels, 2, window);", "    readonly Conv1d conv;",
                "        return conv.Forward(x.Reshape(4, 1, 5)).Sum();"),
            ("a LayerNorm's normalized shape", "5, 0", "public Model(int features, int unused) => norm = new LayerNorm(new[] { features });", "    readonly LayerNorm norm;",
                "        return norm.Forward(x).Sum();"),
            ("a loop bound", "5, 2", "public Model(int inputs, int depth) { this.depth = depth; fc = new Linear(inputs, inputs); }", "    readonly int depth;\n    readonly Linear fc;",
                "        for (int i = 0; i < depth; i++) x = fc.Forward(x);\n        return x.Sum();"),
            ("an if", "5, 2", "public Model(int inputs, int depth) { this.depth = depth; fc = new Linear(inputs, inputs); }", "    readonly int depth;\n    readonly Linear fc;",
                "        if (depth > 1) x = fc.Forward(x);\n        return x.Sum();"),
            ("a loop over a module's size property", "5, 2", "public Model(int inputs, int hidden) => fc = new Linear(inputs, hidden);", "    readonly Linear fc;",
                "        var h = fc.Forward(x);\n        for (int i = 1; i < fc.OutFeatures; i++) h = h * 0.5f;\n        return h.Sum();"),
            ("an op's attribute", "5, 1", "public Model(int inputs, int axis) { this.axis = axis; fc = new Linear(inputs, inputs); }", "    readonly int axis;\n    readonly Linear fc;",
                "        return Softmax(fc.Forward(x), axis).Sum();"),
        };
        foreach (var (description, sizes, constructor, members, body) in structural)
            yield return new GeneratedCase(Kind, $"{description} from the constructor", SizedModel(sizes, constructor, members, body), Expectation.Diagnose, DiagnosticId: "KILN0013");
    }

    static string FunctionModel(string function, string body) => Usings + $$"""
        public sealed class Custom : Function
        {
        {{function}}
        }

        public partial class Model : Module
        {
            readonly Linear fc = new(5, 3);

            [Compile]
            public Tensor Loss([Shape(4, 5)] Tensor x)
            {
        {{body}}
            }
        }
        """;

    /// <summary>Kind 6: custom Functions whose Forward the graph computes as the tape does, and ones it must refuse.</summary>
    public static IEnumerable<GeneratedCase> CustomFunctions()
    {
        const string Kind = "custom functions";
        var valid = new (string Description, string Function, string Body)[]
        {
            ("square", """
                protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) { ctx.SaveForBackward(inputs[0]); return inputs[0] * inputs[0]; }
                protected override Tensor?[] Backward(FunctionContext ctx, Tensor g) => new Tensor?[] { g * ctx.SavedTensors[0] * 2f };
            """, "        return new Custom().Apply(fc.Forward(x)).Sum();"),
            ("identity with a constant scale", """
                const float Scale = 3f;
                protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0];
                protected override Tensor?[] Backward(FunctionContext ctx, Tensor g) => new Tensor?[] { g * Scale };
            """, "        return new Custom().Apply(fc.Forward(x)).Square().Sum();"),
            ("two inputs, one without a gradient", """
                protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) { ctx.SaveForBackward(inputs[1]); return inputs[0] * Sigmoid(inputs[1]); }
                protected override Tensor?[] Backward(FunctionContext ctx, Tensor g) => new Tensor?[] { g * Sigmoid(ctx.SavedTensors[0]), null };
            """, "        var h = fc.Forward(x);\n        return new Custom().Apply(h, Tanh(h)).Sum();"),
            ("applied twice, in a local", """
                protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) { ctx.SaveForBackward(inputs[0]); return Exp(inputs[0]); }
                protected override Tensor?[] Backward(FunctionContext ctx, Tensor g) => new Tensor?[] { g * Exp(ctx.SavedTensors[0]) };
            """, "        var f = new Custom();\n        return f.Apply(f.Apply(fc.Forward(x) * 0.1f)).Sum();"),
            ("a helper method of the Function", """
                static Tensor Half(Tensor t) => t * 0.5f;
                protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => Half(inputs[0]);
                protected override Tensor?[] Backward(FunctionContext ctx, Tensor g) => new Tensor?[] { Half(g) };
            """, "        return new Custom().Apply(fc.Forward(x)).Square().Sum();"),
        };
        foreach (var (description, function, body) in valid)
            yield return new GeneratedCase(Kind, description, FunctionModel(function, body), Expectation.Compile);

        var invalid = new (string Description, string Function, string Id)[]
        {
            ("a backward reading ctx.Values", """
                protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) { ctx.Values["k"] = 2f; return inputs[0]; }
                protected override Tensor?[] Backward(FunctionContext ctx, Tensor g) => new Tensor?[] { g * (float)ctx.Values["k"] };
            """, "KILN0001"),
            ("a backward returning too few gradients", """
                protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] * inputs[1];
                protected override Tensor?[] Backward(FunctionContext ctx, Tensor g) => new Tensor?[] { g };
            """, "KILN0001"),
            ("a backward whose gradient has the wrong shape", """
                protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] * 2f;
                protected override Tensor?[] Backward(FunctionContext ctx, Tensor g) => new Tensor?[] { g.Sum() };
            """, "KILN0101"),
            ("a backward calling an unknown method", """
                protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] * 2f;
                protected override Tensor?[] Backward(FunctionContext ctx, Tensor g) => new Tensor?[] { Tensor.FromArray(g.ToArray(), g.Shape) };
            """, "KILN0002"),
            ("a Function with state", """
                readonly Tensor offset = Tensor.Ones(3);
                protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] + offset;
                protected override Tensor?[] Backward(FunctionContext ctx, Tensor g) => new Tensor?[] { g };
            """, "KILN0001"),
        };
        foreach (var (description, function, id) in invalid)
        {
            bool twoInputs = description.Contains("too few");
            yield return new GeneratedCase(Kind, description,
                FunctionModel(function, twoInputs ? "        var h = fc.Forward(x);\n        return new Custom().Apply(h, h).Sum();" : "        return new Custom().Apply(fc.Forward(x)).Sum();"),
                Expectation.Diagnose, DiagnosticId: id);
        }
    }
}
