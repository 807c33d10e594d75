using System.Net;
using System.Net.Sockets;
using ECommerce.AppHost.Tests.Harness;
using ECommerce.Contracts.Users.V1;
using ECommerce.EndToEnd.Tests;
using Grpc.Net.Client;

[assembly: AssemblyFixture(typeof(RunningMesh))]

namespace ECommerce.EndToEnd.Tests;

/// <summary>
/// The mesh of ECommerce.AppHost/Program.cs, started once for every test (temporary data, a free dashboard port), and
/// clients of it: gRPC straight to the Users service, and REST through the gateway.
/// </summary>
public sealed class RunningMesh : IAsyncLifetime
{
    // Each REST client connects from its own loopback address (the whole of 127.0.0.0/8 is loopback on Linux), so it
    // is its own client to the gateway's per-client rate limits and one test's requests never use up another's.
    private int _lastClientAddress = 1;
    private GrpcChannel _usersChannel = null!;

    public AppHostProcess Host { get; private set; } = null!;

    public Uri Gateway { get; private set; } = null!;

    public UsersService.UsersServiceClient Users { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Host = await AppHostProcess.StartAsync(TestContext.Current.CancellationToken);
        await Host.WaitUntilReadyAsync(TestContext.Current.CancellationToken);
        var resources = await Host.Dashboard.GetResourcesAsync(TestContext.Current.CancellationToken);
        Gateway = new Uri(resources.Single(row => row.Resource == "gateway").Url("http"));
        _usersChannel = GrpcChannel.ForAddress(resources.First(row => row.Resource == "users").Url("grpc"));
        Users = new UsersService.UsersServiceClient(_usersChannel);
    }

    /// <summary>An HTTP client of the gateway that no other client shares an address with.</summary>
    public HttpClient NewRestClient()
    {
        var address = IPAddress.Parse($"127.0.0.{Interlocked.Increment(ref _lastClientAddress)}");
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(address, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = Gateway, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        _usersChannel?.Dispose();
        await Host.DisposeAsync();
    }
}
