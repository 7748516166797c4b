using System.Runtime.CompilerServices;

namespace Kiln.Generator.Tests.Support;

/// <summary>
/// The seed models are real classes in tests/Integration.Tests/Models (compiled there by the generator as an analyzer
/// and checked static against dynamic); the generator tests read the same files as text, so both suites test one set.
/// </summary>
internal static class SeedModels
{
    public static readonly string[] Names =
    {
        "LinearRegression", "TwoLayerNet", "TwoLayerNetRaw", "SoftmaxRegression", "MlpClassifier", "RnnClassifier", "Cnn",
        "NormDropoutNet", "SymbolicBatchNet", "LstmTagger", "BatchNormNet", "OpsZoo", "ActivationNet", "RectifierNet",
        "SizedTwoLayerNet", "CustomReluNet",
    };

    public static string Path(string name, [CallerFilePath] string callerPath = "")
    {
        string testsDirectory = System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(callerPath)!)!)!;
        return System.IO.Path.Combine(testsDirectory, "Integration.Tests", "Models", name + ".cs");
    }

    public static string Source(string name) => File.ReadAllText(Path(name));

    public static (string Path, string Source) File_(string name) => ($"Models/{name}.cs", Source(name));
}
