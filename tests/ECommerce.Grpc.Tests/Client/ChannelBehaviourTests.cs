using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ECommerce.Grpc.Tests.Hosting;
using ECommerce.Grpc.Tests.Protos;
using Grpc.Core;
using Microsoft.Extensions.Configuration;

namespace ECommerce.Grpc.Tests.Client;

/// <summary>Two backends of one logical service, as configuration lists them for a client.</summary>
public sealed class TwoBackends : IAsyncLifetime
{
    public InteropServer First { get; private set; } = null!;

    public InteropServer Second { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        First = await InteropServer.StartAsync("first");
        Second = await InteropServer.StartAsync("second");
    }

    public async ValueTask DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
    }
}

/// <summary>What AddECommerceGrpcClient's channel does: spread calls, retry only what is safe, find addresses.</summary>
public sealed class ChannelBehaviourTests(TwoBackends backends) : IClassFixture<TwoBackends>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CallsAreSpreadOverEveryAddressOfTheService()
    {
        using var clients = new InteropClients([backends.First.Address, backends.Second.Address]);
        // round_robin only picks connections that are ready; give the second one time to connect.
        var seen = new HashSet<string>();
        for (var call = 0; call < 500 && seen.Count < 2; call++)
        {
            seen.Add((await clients.Client.UnaryAsync(new EchoRequest(), cancellationToken: Ct)).Server);
        }

        var servers = new List<string>();
        for (var call = 0; call < 20; call++)
        {
            servers.Add((await clients.Client.UnaryAsync(new EchoRequest(), cancellationToken: Ct)).Server);
        }

        Assert.True(servers.Count(server => server == "first") >= 8, string.Join(",", servers));
        Assert.True(servers.Count(server => server == "second") >= 8, string.Join(",", servers));
    }

    [Fact]
    public async Task AnAddressThatIsDown_IsSkipped()
    {
        using var clients = new InteropClients([ClosedPortAddress(), backends.First.Address]);

        for (var call = 0; call < 10; call++)
        {
            var reply = await clients.Client.UnaryAsync(new EchoRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: Ct);
            Assert.Equal("first", reply.Server);
        }
    }

    [Fact]
    public async Task RetrySafeMethod_IsRetriedOnUnavailable()
    {
        using var clients = InteropClients.For(backends.First.Address,
            options => options.RetrySafeMethods.Add("ecommerce.testing.v1.Interop/FailUntil"));

        var reply = await clients.Client.FailUntilAsync(new FailUntilRequest { Key = "retried", Failures = 2 }, cancellationToken: Ct);

        Assert.Equal(3, reply.Count);
    }

    [Fact]
    public async Task MethodNotMarkedSafe_IsNotRetried()
    {
        using var clients = InteropClients.For(backends.First.Address,
            options => options.RetrySafeMethods.Add("ecommerce.testing.v1.Interop/Unary"));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            clients.Client.FailUntilAsync(new FailUntilRequest { Key = "not-retried", Failures = 1 }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(1, backends.First.State.FailUntilCalls["not-retried"]);
    }

    [Fact]
    public async Task ClientsOfOneService_ShareOneConnection()
    {
        using var clients = InteropClients.For(backends.Second.Address);

        await clients.Client.UnaryAsync(new EchoRequest { Message = "shared-1" }, cancellationToken: Ct);
        await clients.Client.UnaryAsync(new EchoRequest { Message = "shared-2" }, cancellationToken: Ct);

        var connections = backends.Second.Wire.TakeLast(2).Select(request => request.ConnectionId).Distinct();
        Assert.Single(connections);
    }

    [Fact]
    public async Task MoreConcurrentCallsThanOneConnectionCarries_OpenAnotherConnection()
    {
        using var clients = InteropClients.For(backends.Second.Address);
        const int concurrentCalls = 150; // Kestrel allows 100 streams per HTTP/2 connection.

        await Task.WhenAll(Enumerable.Range(0, concurrentCalls).Select(call =>
            clients.Client.WaitAsync(new WaitRequest { Key = $"concurrent-{call}", Milliseconds = 2000 }, cancellationToken: Ct).ResponseAsync));

        var connections = backends.Second.Wire.Where(request => request.Path == "/ecommerce.testing.v1.Interop/Wait")
            .Select(request => request.ConnectionId).Distinct().Count();
        Assert.True(connections >= 2, $"All {concurrentCalls} calls queued on {connections} connection(s).");
    }

    [Fact]
    public async Task IdleConnection_IsClosedAfterTheIdleTimeout_AndReopenedOnTheNextCall()
    {
        using var clients = InteropClients.For(backends.First.Address,
            options => options.PooledConnectionIdleTimeout = TimeSpan.FromMilliseconds(250));

        await clients.Client.UnaryAsync(new EchoRequest { Message = "before-idle" }, cancellationToken: Ct);
        // HttpClient sweeps idle connections on a timer of its own (about once a second); wait well
        // past it so the next call does not race the closing connection.
        await Task.Delay(TimeSpan.FromSeconds(4), Ct);
        await clients.Client.UnaryAsync(new EchoRequest { Message = "after-idle" }, cancellationToken: Ct);

        var connections = backends.First.Wire.TakeLast(2).Select(request => request.ConnectionId).Distinct();
        Assert.Equal(2, connections.Count());
    }

    [Fact]
    public async Task AServiceThatComesUpLate_IsReachedWithinTheMaxReconnectBackoff()
    {
        var address = ClosedPortAddress();
        using var clients = InteropClients.For(address, options => options.MaxReconnectBackoff = TimeSpan.FromSeconds(1));

        // Down for 10 s: by then gRPC's default backoff (1 s, growing 1.6x per attempt up to two
        // minutes) would wait about 6 s more before it tried to connect again.
        var downUntil = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < downUntil)
        {
            var down = await Assert.ThrowsAsync<RpcException>(() => clients.Client.UnaryAsync(new EchoRequest(), cancellationToken: Ct).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, down.StatusCode);
            await Task.Delay(TimeSpan.FromMilliseconds(200), Ct);
        }

        await using var server = await InteropServer.StartAsync("late", port: address.Port);
        var sinceUp = Stopwatch.StartNew();
        EchoReply? reply = null;
        while (reply is null && sinceUp.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                reply = await clients.Client.UnaryAsync(new EchoRequest(), cancellationToken: Ct);
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.Unavailable)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), Ct);
            }
        }

        Assert.Equal("late", reply?.Server);
        Assert.True(sinceUp.Elapsed < TimeSpan.FromSeconds(4), $"The first call that reached the service came {sinceUp.Elapsed.TotalSeconds:0.0} s after it was up.");
    }

    [Fact]
    public void Addresses_AreReadFromAspireStyleConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:catalog:http:0"] = "http://127.0.0.1:7000",
            ["services:catalog:grpc:1"] = "http://127.0.0.1:5002",
            ["services:catalog:grpc:0"] = "http://127.0.0.1:5001",
        }).Build();

        Assert.Equal([new Uri("http://127.0.0.1:5001"), new Uri("http://127.0.0.1:5002")], ServiceAddresses.Resolve(configuration, "catalog"));
        Assert.Equal([new Uri("http://127.0.0.1:7000")], ServiceAddresses.Resolve(configuration, "catalog", "http"));
        var missing = Assert.Throws<InvalidOperationException>(() => ServiceAddresses.Resolve(configuration, "basket"));
        Assert.Contains("services__basket__grpc__0", missing.Message, StringComparison.Ordinal);
    }

    private static Uri ClosedPortAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}");
    }
}
