namespace Kiln.Generator;

/// <summary>
/// Metadata names of the runtime types the parser recognises. Held as strings so the generator never references
/// Kiln.Runtime (an analyzer cannot load the assembly it analyses against).
/// </summary>
internal static class TypeNames
{
    public const string CompileAttribute = "Kiln.CompileAttribute";
    public const string ShapeAttribute = "Kiln.ShapeAttribute";

    public const string Tensor = "Kiln.Tensor";
    public const string IntTensor = "Kiln.IntTensor";
    public const string Ops = "Kiln.Ops";
    public const string Rng = "Kiln.Rng";
    public const string Reduction = "Kiln.Reduction";
    public const string Function = "Kiln.Function";
    public const string FunctionContext = "Kiln.FunctionContext";

    /// <summary>Types whose presence in the user's compilation turns on the ILGPU device programs.</summary>
    public const string IlgpuContext = "ILGPU.Context";
    public const string DeviceGraph = "Kiln.Accelerators.DeviceGraph";

    public const string Module = "Kiln.Nn.Module";
    public const string Parameter = "Kiln.Nn.Parameter";

    public const string Sequential = "Kiln.Nn.Sequential";
    public const string Linear = "Kiln.Nn.Linear";
    public const string Embedding = "Kiln.Nn.Embedding";
    public const string Rnn = "Kiln.Nn.Rnn";
    public const string LstmCell = "Kiln.Nn.LstmCell";
    public const string Conv1d = "Kiln.Nn.Conv1d";
    public const string Conv2d = "Kiln.Nn.Conv2d";
    public const string MaxPool1d = "Kiln.Nn.MaxPool1d";
    public const string MaxPool2d = "Kiln.Nn.MaxPool2d";
    public const string AvgPool1d = "Kiln.Nn.AvgPool1d";
    public const string AvgPool2d = "Kiln.Nn.AvgPool2d";
    public const string BatchNorm1d = "Kiln.Nn.BatchNorm1d";
    public const string BatchNorm2d = "Kiln.Nn.BatchNorm2d";
    public const string LayerNorm = "Kiln.Nn.LayerNorm";
    public const string Dropout = "Kiln.Nn.Dropout";
    public const string Flatten = "Kiln.Nn.Flatten";
}
