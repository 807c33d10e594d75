using ECommerce.Grpc.Tests.Hosting;
using ECommerce.Grpc.Tests.Peers;
using ECommerce.LocalInfrastructure.Processes;
using ECommerce.Grpc.Tests.Protos;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;

namespace ECommerce.Grpc.Tests.Interop;

/// <summary>
/// One implementation of the Interop service running for one test class (ours, or a foreign one from
/// Peers/*/interop_server.*), reached through our client as an application would configure it.
/// </summary>
public abstract class ServerPeer : IAsyncLifetime
{
    private InteropClients? _clients;

    public Protos.Interop.InteropClient Client => (_clients ?? throw new InvalidOperationException("Not started.")).Client;

    public int Port { get; private set; }

    public abstract string PeerName { get; }

    /// <summary>Whether the server gzips its responses to clients that accept gzip.</summary>
    public abstract bool CompressesResponses { get; }

    public async ValueTask InitializeAsync()
    {
        Port = await StartAsync();
        _clients = InteropClients.For(new Uri($"http://127.0.0.1:{Port}"));
    }

    public async ValueTask DisposeAsync()
    {
        _clients?.Dispose();
        await StopAsync();
    }

    /// <summary>Starts the server and returns the port it listens on.</summary>
    protected abstract Task<int> StartAsync();

    protected abstract ValueTask StopAsync();
}

public sealed class CSharpServerPeer : ServerPeer
{
    private InteropServer? _server;

    public override string PeerName => "csharp";

    public override bool CompressesResponses => true;

    protected override async Task<int> StartAsync()
    {
        _server = await InteropServer.StartAsync(PeerName);
        return _server.Address.Port;
    }

    protected override async ValueTask StopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>A server in another language, started as a child process that announces "PORT n".</summary>
public abstract class ProcessServerPeer : ServerPeer
{
    private ChildProcess? _process;

    protected override async Task<int> StartAsync()
    {
        _process = await StartProcessAsync();
        var announcement = await _process.ReadFirstLineAsync(TimeSpan.FromSeconds(30));
        return int.Parse(announcement.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    protected override async ValueTask StopAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    protected abstract Task<ChildProcess> StartProcessAsync();
}

public sealed class PythonServerPeer : ProcessServerPeer
{
    public override string PeerName => "python";

    public override bool CompressesResponses => true;

    protected override Task<ChildProcess> StartProcessAsync() => ChildProcess.StartCapturedAsync(
        PeerTools.Python, [Path.Combine(PeerTools.PeersDirectory, "python", "interop_server.py"), PeerTools.DescriptorSet]);
}

public sealed class NodeServerPeer : ProcessServerPeer
{
    public override string PeerName => "node";

    /// <summary>grpc-js 1.14 servers always answer with grpc-encoding identity; they only decompress requests.</summary>
    public override bool CompressesResponses => false;

    protected override Task<ChildProcess> StartProcessAsync() => ChildProcess.StartCapturedAsync(
        "node", [Path.Combine(PeerTools.PeersDirectory, "node", "interop_server.js"), PeerTools.DescriptorSet], PeerTools.NodeEnvironment);
}

/// <summary>The cases our client must handle against every server implementation.</summary>
public abstract class OurClientTests<TServer>(TServer server) where TServer : ServerPeer
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Protos.Interop.InteropClient Client => server.Client;

    [Fact]
    public async Task Unary_EchoesTheMessage()
    {
        var reply = await Client.UnaryAsync(new EchoRequest { Message = "hello" }, cancellationToken: Ct);

        Assert.Equal(("hello", server.PeerName), (reply.Message, reply.Server));
    }

    [Fact]
    public async Task ServerStreaming_DeliversEveryMessageInOrder()
    {
        using var call = Client.ServerStream(new StreamRequest { Message = "m", Count = 3 }, cancellationToken: Ct);

        var messages = await call.ResponseStream.ReadAllAsync(Ct).Select(reply => reply.Message).ToListAsync(Ct);

        Assert.Equal(["m0", "m1", "m2"], messages);
    }

    [Fact]
    public async Task ClientStreaming_SendsEveryMessage()
    {
        using var call = Client.ClientStream(cancellationToken: Ct);
        foreach (var message in new[] { "a", "b", "c" })
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Message = message }, Ct);
        }

        await call.RequestStream.CompleteAsync();
        var reply = await call;

        Assert.Equal(("a,b,c", 3), (reply.Message, reply.Count));
    }

    [Fact]
    public async Task BidiStreaming_ReceivesEachEchoBeforeSendingTheNext()
    {
        using var call = Client.Bidi(cancellationToken: Ct);
        var echoed = new List<string>();
        foreach (var message in new[] { "x", "y" })
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Message = message }, Ct);
            Assert.True(await call.ResponseStream.MoveNext(Ct));
            echoed.Add(call.ResponseStream.Current.Message);
        }

        await call.RequestStream.CompleteAsync();

        Assert.False(await call.ResponseStream.MoveNext(Ct));
        Assert.Equal(["x", "y"], echoed);
    }

    [Fact]
    public async Task InvalidArgument_DetailsDecodeAsBadRequest()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.FailAsync(new FailRequest { Field = "sku", Description = "must not be empty" }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violation = Assert.Single(error.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations ?? []);
        Assert.Equal(("sku", "must not be empty"), (violation.Field, violation.Description));
    }

    [Fact]
    public async Task Deadline_EndsTheCallWithDeadlineExceeded()
    {
        var started = DateTime.UtcNow;

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.WaitAsync(
            new WaitRequest { Key = "deadline", Milliseconds = 20_000 }, deadline: DateTime.UtcNow.AddSeconds(1), cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "The deadline did not end the call promptly.");
    }

    [Fact]
    public async Task Gzip_BothWays_RoundTripsThePayload()
    {
        using var responses = new OutgoingResponseRecorder(server.Port);
        var payload = ByteString.CopyFrom(Enumerable.Repeat((byte)'a', 64 * 1024).ToArray());
        var compressRequest = new Metadata { { "grpc-internal-encoding-request", "gzip" } };

        var reply = await Client.UnaryAsync(new EchoRequest { Message = "zipped", Payload = payload }, compressRequest, cancellationToken: Ct);

        Assert.Equal(payload, reply.Payload);
        var response = Assert.Single(responses.Responses);
        Assert.Equal("gzip", response.RequestMessage!.Headers.GetValues("grpc-encoding").Single());
        Assert.Equal(server.CompressesResponses ? "gzip" : "identity", response.Headers.GetValues("grpc-encoding").Single());
    }

    [Fact]
    public async Task Metadata_IsEchoedInHeadersAndTrailers_IncludingBinary()
    {
        byte[] binary = [0x00, 0x01, 0xfe, 0xff];
        var headers = new Metadata { { "x-echo-text", "hi" }, { "x-echo-data-bin", binary } };

        using var call = Client.EchoMetadataAsync(new EchoRequest { Message = "meta" }, headers, cancellationToken: Ct);
        await call;
        var responseHeaders = await call.ResponseHeadersAsync;
        var trailers = call.GetTrailers();

        Assert.Equal("hi", responseHeaders.GetValue("x-echo-text"));
        Assert.Equal(binary, responseHeaders.GetValueBytes("x-echo-data-bin"));
        Assert.Equal("hi", trailers.GetValue("x-trailer-text"));
        Assert.Equal(binary, trailers.GetValueBytes("x-trailer-data-bin"));
    }
}

/// <summary>Our client against our own server.</summary>
public sealed class OurClientToCSharpServerTests(CSharpServerPeer server) : OurClientTests<CSharpServerPeer>(server), IClassFixture<CSharpServerPeer>;

/// <summary>Our client against Debian's python grpcio server.</summary>
public sealed class OurClientToPythonServerTests(PythonServerPeer server) : OurClientTests<PythonServerPeer>(server), IClassFixture<PythonServerPeer>;

/// <summary>Our client against an npm @grpc/grpc-js server.</summary>
public sealed class OurClientToNodeServerTests(NodeServerPeer server) : OurClientTests<NodeServerPeer>(server), IClassFixture<NodeServerPeer>;
