using System;
using System.Collections.Immutable;
using System.Linq;
using Kiln.Generator.Compiler;
using Kiln.Generator.Diagnostics;
using Kiln.Generator.Helpers;
using Kiln.Generator.Models;
using Kiln.Generator.Parsing;
using Microsoft.CodeAnalysis;

namespace Kiln.Generator;

/// <summary>
/// Turns each [Compile] method into a generated graph class. Pipeline only: the parser (Parsing/) is the Roslyn
/// edge, the compiler (Compiler/) is pure. Source and diagnostics travel on separate outputs so that moving a method
/// re-reports its diagnostics without recompiling or re-emitting it. Nothing here throws: a failure anywhere becomes
/// KILN9999 instead of CS8785.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class KilnGenerator : IIncrementalGenerator
{
    readonly Func<GraphSpec, CompileOptions, CompileResult> compile;

    public KilnGenerator() : this((Func<GraphSpec, CompileOptions, CompileResult>)GraphCompiler.Compile)
    {
    }

    /// <summary>For tests of the pipeline's failure handling: the compile step it runs.</summary>
    internal KilnGenerator(Func<GraphSpec, CompileResult> compile) : this((spec, _) => compile(spec))
    {
    }

    KilnGenerator(Func<GraphSpec, CompileOptions, CompileResult> compile) => this.compile = compile;

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Step 1: find [Compile] methods and parse each into a spec, its locations and the parser's diagnostics.
        // The semantic model is used only inside this transform.
        IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                TypeNames.CompileAttribute,
                // Every target, not only methods: [Compile] on an accessor, operator, local function or lambda gets KILN0011.
                predicate: static (node, _) => true,
                transform: static (attributeContext, cancellationToken) => MethodParser.Parse(attributeContext, cancellationToken))
            .WithTrackingName(TrackingNames.Parse);

        // Step 2: report the parser's diagnostics (a method outside the subset, a missing [Shape], ...).
        IncrementalValuesProvider<DiagnosticInfo> parseDiagnostics = parsed
            .SelectMany(static (result, _) => result.Diagnostics.AsImmutableArray())
            .WithTrackingName(TrackingNames.ParseDiagnostics);
        context.RegisterSourceOutput(parseDiagnostics, static (output, diagnostic) => Guarded(output, () => Report(output, diagnostic)));

        // Step 3: split the spec from its locations, so an edit that only moves code leaves the spec Unchanged.
        IncrementalValuesProvider<GraphSpec> specs = parsed
            .Where(static result => result.Spec is not null)
            .Select(static (result, _) => result.Spec!)
            .WithTrackingName(TrackingNames.Specs);
        IncrementalValuesProvider<MethodLocations> locations = parsed
            .Where(static result => result.Locations is not null)
            .Select(static (result, _) => result.Locations!)
            .WithTrackingName(TrackingNames.Locations);

        // Step 4: the compilation's options (which backend), an equatable value that stays Unchanged across edits.
        IncrementalValueProvider<CompileOptions> options = context.CompilationProvider
            .Select(static (compilation, _) => CompileOptions.For(compilation))
            .WithTrackingName(TrackingNames.Options);

        // Step 4b: with device programs, ILGPU's runtime-generated kernel launchers (assembly "ILGPURuntime") must see
        // the generated kernels and argument structs, which are internal: one assembly attribute says so.
        context.RegisterSourceOutput(options, static (output, options) => Guarded(output, () =>
        {
            if (options.IlgpuDevicePrograms) output.AddSource("Kiln.Ilgpu.g.cs", IlgpuRuntimeAccess);
        }));

        // Step 5: compile each spec (shapes, autodiff, passes, fusion, memory plan, emit). Pure, cached per spec.
        IncrementalValuesProvider<CompileResult> compiled = specs
            .Combine(options)
            .Select((pair, cancellationToken) => CompileSafely(compile, pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(TrackingNames.Compile);

        // Step 6: add the generated files.
        context.RegisterSourceOutput(compiled, static (output, result) => Guarded(output, () => AddSource(output, result)));

        // Step 7: report the compiler's diagnostics at the spans the parser recorded for each op.
        IncrementalValuesProvider<MethodDiagnostics> compileDiagnostics = compiled
            .Select(static (result, _) => new MethodDiagnostics(result.HintName, result.Diagnostics))
            .WithTrackingName(TrackingNames.CompileDiagnostics);
        IncrementalValueProvider<(ImmutableArray<MethodDiagnostics> Diagnostics, ImmutableArray<MethodLocations> Locations)> located = compileDiagnostics
            .Collect()
            .Combine(locations.Collect())
            .WithTrackingName(TrackingNames.LocatedDiagnostics);
        context.RegisterSourceOutput(located, static (output, pair) => Guarded(output, () => ReportCompileDiagnostics(output, pair.Diagnostics, pair.Locations)));
    }

    const string IlgpuRuntimeAccess =
        "// <auto-generated/>\n[assembly: global::System.Runtime.CompilerServices.InternalsVisibleTo(\"ILGPURuntime\")]\n";

    /// <summary>An output step that fails reports KILN9999 instead of letting the exception become CS8785.</summary>
    static void Guarded(SourceProductionContext output, Action action)
    {
        try
        {
            action();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            output.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, $"{exception.GetType().Name}: {exception.Message}"));
        }
    }

    static CompileResult CompileSafely(Func<GraphSpec, CompileOptions, CompileResult> compile, GraphSpec spec, CompileOptions options, System.Threading.CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return compile(spec, options with { CancellationToken = cancellationToken });
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new CompileResult(spec.HintName, null, ImmutableArray.Create(
                new CompileDiagnostic(DiagnosticDescriptors.InternalError.Id, -1, ImmutableArray.Create($"{exception.GetType().Name}: {exception.Message}").ToEquatableArray()))
                .ToEquatableArray());
        }
    }

    static void AddSource(SourceProductionContext output, CompileResult result)
    {
        if (result.Source is null) return;
        try
        {
            output.AddSource(result.HintName, result.Source);
        }
        catch (ArgumentException exception)
        {
            // Two methods with the same hint name (overloads) or a bad name: say so rather than crash the build.
            output.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, $"{result.HintName}: {exception.Message}"));
        }
    }

    static void ReportCompileDiagnostics(SourceProductionContext output, ImmutableArray<MethodDiagnostics> results, ImmutableArray<MethodLocations> locations)
    {
        var locationsByHint = locations.GroupBy(l => l.HintName).ToDictionary(g => g.Key, g => g.First());
        foreach (var result in results)
        {
            locationsByHint.TryGetValue(result.HintName, out var methodLocations);
            foreach (var diagnostic in result.Diagnostics)
            {
                LocationInfo? location = methodLocations is null
                    ? null
                    : diagnostic.OpIndex >= 0 && diagnostic.OpIndex < methodLocations.Ops.Count
                        ? methodLocations.Ops[diagnostic.OpIndex]
                        : methodLocations.Method;
                Report(output, new DiagnosticInfo(diagnostic.Id, location, diagnostic.MessageArgs));
            }
        }
    }

    static void Report(SourceProductionContext output, DiagnosticInfo diagnostic)
    {
        var descriptor = DiagnosticDescriptors.Find(diagnostic.Id);
        var arguments = diagnostic.MessageArgs.AsImmutableArray();
        // An id the descriptors file does not know is a front/core mismatch: report it with its own text.
        if (descriptor.Id != diagnostic.Id) arguments = ImmutableArray.Create($"unknown diagnostic {diagnostic.Id}: {string.Join("; ", arguments)}");
        // The compiler core reports an unsupported op with one argument, the reason; the span already shows the call.
        if (descriptor == DiagnosticDescriptors.UnsupportedConstruct && arguments.Length == 1) arguments = ImmutableArray.Create("this call", arguments[0]);
        output.ReportDiagnostic(Diagnostic.Create(
            descriptor,
            diagnostic.Location?.ToLocation() ?? Location.None,
            MessageArguments(descriptor, arguments)));
    }

    /// <summary>Exactly as many arguments as the format has placeholders, so a short list never throws when formatted.</summary>
    static object[] MessageArguments(DiagnosticDescriptor descriptor, ImmutableArray<string> arguments)
    {
        string format = descriptor.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture);
        int count = 0;
        while (format.Contains("{" + count + "}")) count++;
        var result = new object[count];
        for (int i = 0; i < count; i++) result[i] = i < arguments.Length ? arguments[i] : string.Empty;
        if (arguments.Length > count && count > 0) result[count - 1] = string.Join("; ", arguments.Skip(count - 1));
        return result;
    }
}
