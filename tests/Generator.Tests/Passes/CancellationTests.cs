using Kiln.Generator.Compiler;

namespace Kiln.Generator.Tests.Passes;

public sealed class CancellationTests
{
    /// <summary>A cancelled build stops compiling: the compile step throws OperationCanceledException instead of reporting KILN9999.</summary>
    [Fact]
    public void ACancelledCompilation_IsCancelled_NotAnInternalError()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var options = Models.CompileOptions.Default with { CancellationToken = cancelled.Token };
        Assert.ThrowsAny<OperationCanceledException>(() => GraphCompiler.Compile(CompileAndRunTests.TwoLayerSpec(), options));
        // The token is not part of the options' identity, so cached compile results stay valid.
        Assert.Equal(Models.CompileOptions.Default, options);
    }
}
