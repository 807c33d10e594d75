using System.Text.Json;
using ECommerce.Grpc.Tests.Hosting;
using ECommerce.Grpc.Tests.Peers;
using ECommerce.LocalInfrastructure.Processes;

namespace ECommerce.Grpc.Tests.Interop;

/// <summary>
/// Runs a foreign client's whole case list (Peers/*/interop_client.*) once against our server; each
/// test then checks one case of what that client observed.
/// </summary>
public abstract class ForeignClientRun : IAsyncLifetime
{
    private InteropServer? _server;
    private JsonElement _results;

    public InteropServer Server => _server ?? throw new InvalidOperationException("Not started.");

    /// <summary>The client's name as it appears in Wait keys ("python-deadline").</summary>
    public abstract string PeerName { get; }

    public JsonElement Case(string name)
    {
        var result = _results.GetProperty(name);
        Assert.False(result.TryGetProperty("failure", out var failure), $"{PeerName} case '{name}' failed: {failure}");
        return result;
    }

    public async ValueTask InitializeAsync()
    {
        _server = await InteropServer.StartAsync();
        var target = $"{Server.Address.Host}:{Server.Address.Port}";
        var output = await RunClientAsync(target);
        _results = JsonDocument.Parse(output).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    protected abstract Task<string> RunClientAsync(string target);
}

public sealed class PythonClientRun : ForeignClientRun
{
    public override string PeerName => "python";

    protected override Task<string> RunClientAsync(string target) => ChildProcess.RunAsync(
        PeerTools.Python, [Path.Combine(PeerTools.PeersDirectory, "python", "interop_client.py"), PeerTools.DescriptorSet, target],
        TimeSpan.FromSeconds(60));
}

public sealed class NodeClientRun : ForeignClientRun
{
    public override string PeerName => "node";

    protected override Task<string> RunClientAsync(string target) => ChildProcess.RunAsync(
        "node", [Path.Combine(PeerTools.PeersDirectory, "node", "interop_client.js"), PeerTools.DescriptorSet, target],
        TimeSpan.FromSeconds(60), PeerTools.NodeEnvironment);
}

/// <summary>The cases every foreign client must see our server handle correctly.</summary>
public abstract class ForeignClientTests<TRun>(TRun run) where TRun : ForeignClientRun
{
    [Fact]
    public void Unary_EchoesTheMessage()
    {
        var unary = run.Case("unary");
        Assert.Equal("hello", unary.GetProperty("message").GetString());
        Assert.Equal("csharp", unary.GetProperty("server").GetString());
    }

    [Fact]
    public void ServerStreaming_DeliversEveryMessageInOrder() =>
        Assert.Equal(["m0", "m1", "m2"], Strings(run.Case("server_stream").GetProperty("messages")));

    [Fact]
    public void ClientStreaming_SeesEveryMessage()
    {
        var collected = run.Case("client_stream");
        Assert.Equal("a,b,c", collected.GetProperty("message").GetString());
        Assert.Equal(3, collected.GetProperty("count").GetInt32());
    }

    [Fact]
    public void BidiStreaming_EchoesEachMessage() =>
        Assert.Equal(["x", "y"], Strings(run.Case("bidi").GetProperty("messages")));

    [Fact]
    public void InvalidArgument_DetailsDecodeAsBadRequest()
    {
        var error = run.Case("error_details");
        Assert.Equal("INVALID_ARGUMENT", error.GetProperty("code").GetString());
        Assert.Equal(3, error.GetProperty("status_code").GetInt32());
        var violation = Assert.Single(error.GetProperty("violations").EnumerateArray());
        Assert.Equal(["sku", "must not be empty"], Strings(violation));
    }

    [Fact]
    public async Task Deadline_EndsTheCallAndCancelsTheHandler()
    {
        Assert.Equal("DEADLINE_EXCEEDED", run.Case("deadline").GetProperty("code").GetString());
        await run.Server.State.HandlerCancelled($"{run.PeerName}-deadline").WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public void Gzip_BothWays_RoundTripsThePayload()
    {
        var gzip = run.Case("gzip");
        Assert.Equal("gzip", gzip.GetProperty("request_encoding").GetString());
        Assert.True(gzip.GetProperty("payload_intact").GetBoolean());
        Assert.Contains(run.Server.Wire, request => request.Path == "/ecommerce.testing.v1.Interop/Unary"
            && request.RequestEncoding == "gzip" && request.ResponseEncoding == "gzip");
    }

    [Fact]
    public void Metadata_IsEchoedInHeadersAndTrailers_IncludingBinary()
    {
        var metadata = run.Case("metadata");
        const string binary = "AAH+/w==";
        Assert.Equal("hi", metadata.GetProperty("headers").GetProperty("x-echo-text").GetString());
        Assert.Equal(binary, metadata.GetProperty("headers").GetProperty("x-echo-data-bin").GetString());
        Assert.Equal("hi", metadata.GetProperty("trailers").GetProperty("x-trailer-text").GetString());
        Assert.Equal(binary, metadata.GetProperty("trailers").GetProperty("x-trailer-data-bin").GetString());
    }

    private static List<string?> Strings(JsonElement array) => array.EnumerateArray().Select(item => item.GetString()).ToList();
}

/// <summary>Debian's python grpcio (C core) as the client.</summary>
public sealed class PythonClientTests(PythonClientRun run) : ForeignClientTests<PythonClientRun>(run), IClassFixture<PythonClientRun>;

/// <summary>npm @grpc/grpc-js as the client.</summary>
public sealed class NodeClientTests(NodeClientRun run) : ForeignClientTests<NodeClientRun>(run), IClassFixture<NodeClientRun>;
