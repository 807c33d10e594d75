using System.Collections.Immutable;
using ECommerce.Grpc.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ECommerce.Grpc.Tests.Analyzers;

/// <summary>
/// Runs ECGRPC001 on snippets compiled against the real Grpc.Tools output for interop.proto, so the
/// analyzer is checked against exactly what the code generator emits.
/// </summary>
public sealed class UnimplementedRpcAnalyzerTests
{
    private const string Usings = """
        using System.Threading.Tasks;
        using ECommerce.Grpc.Tests.Protos;
        using Grpc.Core;
        """;

    private const string AllRpcs = """
        public override Task<EchoReply> Unary(EchoRequest request, ServerCallContext context) => null!;
        public override Task ServerStream(StreamRequest request, IServerStreamWriter<EchoReply> responses, ServerCallContext context) => null!;
        public override Task<EchoReply> ClientStream(IAsyncStreamReader<EchoRequest> requests, ServerCallContext context) => null!;
        public override Task Bidi(IAsyncStreamReader<EchoRequest> requests, IServerStreamWriter<EchoReply> responses, ServerCallContext context) => null!;
        public override Task<EchoReply> Fail(FailRequest request, ServerCallContext context) => null!;
        public override Task<EchoReply> EchoMetadata(EchoRequest request, ServerCallContext context) => null!;
        public override Task<EchoReply> Wait(WaitRequest request, ServerCallContext context) => null!;
        public override Task<EchoReply> Crash(EchoRequest request, ServerCallContext context) => null!;
        public override Task<EchoReply> FailUntil(FailUntilRequest request, ServerCallContext context) => null!;
        """;

    [Fact]
    public async Task ServiceMissingRpcs_FailsWithOneErrorPerMissingRpc()
    {
        var diagnostics = await AnalyzeAsync("""
            public class PartialService : Interop.InteropBase
            {
                public override Task<EchoReply> Unary(EchoRequest request, ServerCallContext context) => null!;
            }
            """);

        Assert.All(diagnostics, diagnostic =>
        {
            Assert.Equal(UnimplementedRpcAnalyzer.DiagnosticId, diagnostic.Id);
            Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        });
        var missing = diagnostics.Select(diagnostic => diagnostic.GetMessage()).Order().ToList();
        Assert.Equal(8, missing.Count);
        Assert.Contains(missing, message => message.Contains("'PartialService' does not override rpc 'FailUntil'", StringComparison.Ordinal));
        Assert.DoesNotContain(missing, message => message.Contains("'Unary'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ServiceImplementingEveryRpc_HasNoError()
    {
        var diagnostics = await AnalyzeAsync($$"""
            public class CompleteService : Interop.InteropBase
            {
            {{AllRpcs}}
            }
            """);

        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task RpcsSplitOverAnAbstractBaseAndItsSubclass_AreAllImplemented()
    {
        var diagnostics = await AnalyzeAsync("""
            public abstract class HalfService : Interop.InteropBase
            {
                public override Task<EchoReply> Unary(EchoRequest request, ServerCallContext context) => null!;
            }

            public class SubclassService : HalfService
            {
                public override Task<EchoReply> Fail(FailRequest request, ServerCallContext context) => null!;
            }
            """);

        var diagnostic = Assert.Single(diagnostics.GroupBy(d => d.Location.SourceSpan));
        Assert.Equal(7, diagnostic.Count());
        Assert.All(diagnostic, d => Assert.StartsWith("'SubclassService'", d.GetMessage(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClassesUnrelatedToGrpc_AreIgnored()
    {
        var diagnostics = await AnalyzeAsync("""
            public class Animal { public virtual string Sound() => "..."; }
            public class Dog : Animal { }
            """);

        Assert.Empty(diagnostics);
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string source)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Append(typeof(UnimplementedRpcAnalyzerTests).Assembly.Location)
            .Distinct()
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            "AnalyzerSnippet",
            [CSharpSyntaxTree.ParseText(Usings + "\n" + source, cancellationToken: TestContext.Current.CancellationToken)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var compileErrors = compilation.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(compileErrors);

        return await compilation
            .WithAnalyzers([new UnimplementedRpcAnalyzer()])
            .GetAnalyzerDiagnosticsAsync(TestContext.Current.CancellationToken);
    }
}
