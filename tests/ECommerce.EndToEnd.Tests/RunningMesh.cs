using System.Net;
using ECommerce.LocalInfrastructure.Processes;
using ECommerce.AppHost.Tests.Harness;
using ECommerce.Contracts.Users.V1;
using ECommerce.EndToEnd.Tests;
using Grpc.Net.Client;

[assembly: AssemblyFixture(typeof(RunningMesh))]

namespace ECommerce.EndToEnd.Tests;

/// <summary>
/// The mesh of ECommerce.AppHost/Program.cs, started once for every test (temporary data, a free dashboard port), and
/// clients of it: gRPC straight to the Users service, and REST through the gateway. ECOMMERCE_APPHOST_MODE=monolith
/// runs the same tests against the same services hosted in one process (eng/test.sh runs both).
/// </summary>
public sealed class RunningMesh : IAsyncLifetime
{
    public const string ModeVariable = "ECOMMERCE_APPHOST_MODE";

    // Each REST client connects from its own loopback address (the whole of 127.0.0.0/8 is loopback on Linux), so it
    // is its own client to the gateway's per-client rate limits and one test's requests never use up another's.
    private int _lastClientAddress = 1;
    private GrpcChannel _usersChannel = null!;
    private IReadOnlyList<ResourceRow> _resources = [];

    public AppHostProcess Host { get; private set; } = null!;

    public Uri Gateway { get; private set; } = null!;

    public UsersService.UsersServiceClient Users { get; private set; } = null!;

    /// <summary>"mesh" (one process per service) or "monolith" (every service in one process).</summary>
    public static string Mode => Environment.GetEnvironmentVariable(ModeVariable) is { Length: > 0 } mode ? mode : "mesh";

    public static bool IsMonolith => Mode == "monolith";

    /// <summary>The resources the dashboard lists in this mode.</summary>
    public static IReadOnlyList<string> Resources => IsMonolith ? AppHostProcess.MonolithResources : AppHostProcess.MeshResources;

    public async ValueTask InitializeAsync()
    {
        Host = await AppHostProcess.StartAsync(TestContext.Current.CancellationToken, "--mode", Mode);
        await Host.WaitUntilReadyAsync(TestContext.Current.CancellationToken);
        _resources = await Host.Dashboard.GetResourcesAsync(TestContext.Current.CancellationToken);
        Gateway = new Uri(ServiceUrl("gateway", "http"));
        _usersChannel = GrpcChannel.ForAddress(ServiceUrl("users", "grpc"));
        Users = new UsersService.UsersServiceClient(_usersChannel);
    }

    /// <summary>A service's endpoint: its own row in the mesh, "&lt;service&gt;-&lt;endpoint&gt;" of the monolith's row.</summary>
    public string ServiceUrl(string service, string endpoint) => IsMonolith
        ? _resources.Single(row => row.Resource == "monolith").Url($"{service}-{endpoint}")
        : _resources.First(row => row.Resource == service).Url(endpoint);

    /// <summary>An HTTP client of the gateway that no other client shares an address with.</summary>
    public HttpClient NewRestClient()
    {
        var address = IPAddress.Parse($"127.0.0.{Interlocked.Increment(ref _lastClientAddress)}");
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = (context, cancellationToken) => Loopback.ConnectFromAsync(address, context.DnsEndPoint, cancellationToken),
        };
        return new HttpClient(handler) { BaseAddress = Gateway, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        _usersChannel?.Dispose();
        await Host.DisposeAsync();
    }
}
