using ECommerce.Grpc.Tests.Hosting;
using ECommerce.Grpc.Tests.Peers;
using ECommerce.LocalInfrastructure.Processes;
using Grpc.Core;
using Grpc.Net.Client;
using V1 = Grpc.Reflection.V1;
using V1Alpha = Grpc.Reflection.V1Alpha;

namespace ECommerce.Grpc.Tests.Discovery;

/// <summary>
/// Server reflection lets tools call a service without its .proto. Older tools speak only
/// grpc.reflection.v1alpha, newer ones try grpc.reflection.v1 first, so both must answer.
/// </summary>
public sealed class ReflectionTests(SharedInteropServer shared) : IDisposable
{
    private const string InteropService = "ecommerce.testing.v1.Interop";

    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(shared.Server.Address);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReflectionV1_ListsServicesAndServesTheirDescriptors()
    {
        using var call = new V1.ServerReflection.ServerReflectionClient(_channel).ServerReflectionInfo(cancellationToken: Ct);
        await call.RequestStream.WriteAsync(new V1.ServerReflectionRequest { ListServices = "" }, Ct);
        await call.RequestStream.WriteAsync(new V1.ServerReflectionRequest { FileContainingSymbol = InteropService }, Ct);
        await call.RequestStream.CompleteAsync();

        var responses = await call.ResponseStream.ReadAllAsync(Ct).ToListAsync(Ct);

        var services = responses[0].ListServicesResponse.Service.Select(service => service.Name).ToList();
        Assert.Contains(InteropService, services);
        Assert.Contains("grpc.health.v1.Health", services);
        Assert.NotEmpty(responses[1].FileDescriptorResponse.FileDescriptorProto);
    }

    [Fact]
    public async Task ReflectionV1Alpha_ListsServicesAndServesTheirDescriptors()
    {
        using var call = new V1Alpha.ServerReflection.ServerReflectionClient(_channel).ServerReflectionInfo(cancellationToken: Ct);
        await call.RequestStream.WriteAsync(new V1Alpha.ServerReflectionRequest { ListServices = "" }, Ct);
        await call.RequestStream.WriteAsync(new V1Alpha.ServerReflectionRequest { FileContainingSymbol = InteropService }, Ct);
        await call.RequestStream.CompleteAsync();

        var responses = await call.ResponseStream.ReadAllAsync(Ct).ToListAsync(Ct);

        var services = responses[0].ListServicesResponse.Service.Select(service => service.Name).ToList();
        Assert.Contains(InteropService, services);
        Assert.NotEmpty(responses[1].FileDescriptorResponse.FileDescriptorProto);
    }

    [Theory]
    [InlineData("grpc-v1")]
    [InlineData("grpc-v1alpha")]
    public async Task BufCurl_ListsMethodsThroughReflection(string reflectProtocol)
    {
        var output = await BufCurlAsync(["--list-methods", "--reflect-protocol", reflectProtocol, shared.Server.Address.ToString().TrimEnd('/')]);

        var methods = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains($"{InteropService}/Unary", methods);
        Assert.Contains($"{InteropService}/Bidi", methods);
        Assert.Contains("grpc.health.v1.Health/Check", methods);
    }

    [Fact]
    public async Task BufCurl_CallsAMethodDescribedOnlyByReflection()
    {
        var output = await BufCurlAsync(["-d", """{"message":"from buf"}""", $"{shared.Server.Address}{InteropService}/Unary"]);

        Assert.Contains("\"message\": \"from buf\"", output, StringComparison.Ordinal);
        Assert.Contains("\"server\": \"csharp\"", output, StringComparison.Ordinal);
    }

    private static Task<string> BufCurlAsync(IEnumerable<string> arguments) => ChildProcess.RunAsync(
        PeerTools.Buf, ["curl", "--protocol", "grpc", "--http2-prior-knowledge", "--reflect", .. arguments], TimeSpan.FromSeconds(60));

    public void Dispose() => _channel.Dispose();
}
