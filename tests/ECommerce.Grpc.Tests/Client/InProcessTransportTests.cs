using System.Diagnostics.Metrics;
using ECommerce.Grpc.InProcess;
using ECommerce.Grpc.Tests.Hosting;
using ECommerce.Grpc.Tests.Protos;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace ECommerce.Grpc.Tests.Client;

/// <summary>
/// Calls between hosts of one process (the monolith): real Kestrel and grpc-dotnet, HTTP/2 over in-memory
/// pipes instead of loopback TCP, reached through the inproc:// address configuration gives.
/// </summary>
public sealed class InProcessTransportTests : IAsyncLifetime
{
    private const string ServerName = "interop-inproc";

    private readonly InProcessNetwork _network = new();
    private InteropServer _server = null!;
    private InteropClients _clients = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await InteropServer.StartAsync(ServerName, inProcess: _network);
        _clients = new InteropClients([InProcessNetwork.Address(ServerName)], inProcess: _network);
    }

    public async ValueTask DisposeAsync()
    {
        _clients.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task EveryKindOfCall_WorksOverTheInProcessConnection()
    {
        var client = _clients.Client;

        var unary = await client.UnaryAsync(new EchoRequest { Message = "hello" }, cancellationToken: Ct);

        using var serverStream = client.ServerStream(new StreamRequest { Message = "s", Count = 3 }, cancellationToken: Ct);
        var streamed = await serverStream.ResponseStream.ReadAllAsync(Ct).Select(reply => reply.Message).ToListAsync(Ct);

        using var clientStream = client.ClientStream(cancellationToken: Ct);
        foreach (var message in new[] { "a", "b", "c" })
        {
            await clientStream.RequestStream.WriteAsync(new EchoRequest { Message = message }, Ct);
        }
        await clientStream.RequestStream.CompleteAsync();
        var joined = await clientStream;

        using var bidi = client.Bidi(cancellationToken: Ct);
        await bidi.RequestStream.WriteAsync(new EchoRequest { Message = "ping" }, Ct);
        Assert.True(await bidi.ResponseStream.MoveNext(Ct));
        var echoed = bidi.ResponseStream.Current.Message;
        await bidi.RequestStream.CompleteAsync();
        Assert.False(await bidi.ResponseStream.MoveNext(Ct));

        Assert.Equal(("hello", ServerName), (unary.Message, unary.Server));
        Assert.Equal(["s0", "s1", "s2"], streamed);
        Assert.Equal(("a,b,c", 3), (joined.Message, joined.Count));
        Assert.Equal("ping", echoed);
        // The server saw these calls arrive on in-process connections, not on its TCP endpoint.
        Assert.All(_server.Wire, request => Assert.StartsWith($"inproc-{ServerName}-", request.ConnectionId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task MessagesLargerThanThePipeBuffers_ArriveWhole()
    {
        // 3 MiB each way: HTTP/2 flow control and the pipes' back-pressure both have to take turns.
        var payload = ByteString.CopyFrom(Enumerable.Range(0, 3 * 1024 * 1024).Select(i => (byte)(i * 31)).ToArray());

        var reply = await _clients.Client.UnaryAsync(new EchoRequest { Payload = payload }, cancellationToken: Ct);

        Assert.Equal(payload, reply.Payload);
        // Over pipes nothing is gained by compressing: the channel accepts only identity, so the server sends it as is.
        Assert.Equal("", Assert.Single(_server.Wire, request => request.Path == "/ecommerce.testing.v1.Interop/Unary").ResponseEncoding);
    }

    [Fact]
    public async Task ConcurrentCalls_AllComplete()
    {
        var calls = Enumerable.Range(0, 200)
            .Select(i => _clients.Client.UnaryAsync(new EchoRequest { Message = $"m{i}" }, cancellationToken: Ct).ResponseAsync);

        var replies = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"m{i}"), replies.Select(reply => reply.Message));
    }

    [Fact]
    public async Task MetadataAndTrailers_TravelBothWays()
    {
        var headers = new Metadata { { "x-echo-tenant", "acme" }, { "x-echo-blob-bin", new byte[] { 0, 1, 255 } } };

        using var call = _clients.Client.EchoMetadataAsync(new EchoRequest(), headers, cancellationToken: Ct);
        await call;

        Assert.Equal("acme", (await call.ResponseHeadersAsync).GetValue("x-echo-tenant"));
        Assert.Equal(new byte[] { 0, 1, 255 }, call.GetTrailers().GetValueBytes("x-trailer-blob-bin"));
    }

    [Fact]
    public async Task DeadlinesAndCancellation_ReachTheHandler()
    {
        var timedOut = await Assert.ThrowsAsync<RpcException>(() => _clients.Client.WaitAsync(
            new WaitRequest { Key = "deadline", Milliseconds = 30_000 }, deadline: DateTime.UtcNow.AddMilliseconds(300), cancellationToken: Ct).ResponseAsync);
        await _server.State.HandlerCancelled("deadline").WaitAsync(TimeSpan.FromSeconds(10), Ct);

        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var cancelled = _clients.Client.WaitAsync(new WaitRequest { Key = "cancel", Milliseconds = 30_000 }, cancellationToken: cancellation.Token).ResponseAsync;
        await _server.State.HandlerStarted("cancel").WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await cancellation.CancelAsync();

        Assert.Equal(StatusCode.DeadlineExceeded, timedOut.StatusCode);
        Assert.Equal(StatusCode.Cancelled, (await Assert.ThrowsAsync<RpcException>(() => cancelled)).StatusCode);
        await _server.State.HandlerCancelled("cancel").WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task WithKestrelMetricsOn_ConnectionsAreAcceptedAndCounted()
    {
        // What a service's OpenTelemetry meter provider does: listen to Kestrel's meter, which reads each
        // connection's endpoint to tag its measurements.
        var network = new InProcessNetwork();
        var connectionsOpened = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == "Microsoft.AspNetCore.Server.Kestrel")
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "kestrel.active_connections" && value > 0)
            {
                Interlocked.Increment(ref connectionsOpened);
            }
        });
        listener.Start();
        await using var server = await InteropServer.StartAsync("measured", inProcess: network);
        using var clients = new InteropClients([InProcessNetwork.Address("measured")], inProcess: network);

        var reply = await clients.Client.UnaryAsync(new EchoRequest { Message = "measured" }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: Ct);

        Assert.Equal("measured", reply.Message);
        Assert.True(connectionsOpened > 0);
    }

    [Fact]
    public async Task TheSameServer_StillAnswersOverTcp()
    {
        using var tcp = InteropClients.For(_server.Address);

        var reply = await tcp.Client.UnaryAsync(new EchoRequest { Message = "tcp" }, cancellationToken: Ct);

        Assert.Equal("tcp", reply.Message);
        Assert.DoesNotContain("inproc", _server.Address.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoServerUnderThatName_IsUnavailableAndSaysSo()
    {
        using var clients = new InteropClients([InProcessNetwork.Address("nobody")], inProcess: _network);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            clients.Client.UnaryAsync(new EchoRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("'nobody'", error.Status.DebugException?.ToString() ?? error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStoppedServer_RefusesNewCallsInsteadOfHanging()
    {
        var network = new InProcessNetwork();
        var server = await InteropServer.StartAsync("short-lived", inProcess: network);
        using var clients = new InteropClients([InProcessNetwork.Address("short-lived")], inProcess: network);
        await clients.Client.UnaryAsync(new EchoRequest(), cancellationToken: Ct);

        await server.DisposeAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            clients.Client.UnaryAsync(new EchoRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task TwoServersUnderOneName_TheSecondFailsToStart()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => InteropServer.StartAsync(ServerName, inProcess: _network));

        Assert.Contains($"'{ServerName}'", error.ToString(), StringComparison.Ordinal);
        // The first one is unharmed.
        await _clients.Client.UnaryAsync(new EchoRequest(), cancellationToken: Ct);
    }

    [Fact]
    public void AnInProcessAddress_WithoutANetwork_IsAConfigurationError()
    {
        using var clients = new InteropClients([InProcessNetwork.Address(ServerName)]);

        var error = Assert.Throws<InvalidOperationException>(() => clients.Client);

        Assert.Contains("AddInProcessTransport", error.Message, StringComparison.Ordinal);
    }
}
