using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using ECommerce.Contracts.Users.V1;
using ECommerce.EndToEnd.Tests;
using ECommerce.LocalInfrastructure.Processes;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

[assembly: AssemblyFixture(typeof(RunningMesh))]

namespace ECommerce.EndToEnd.Tests;

/// <summary>
/// The mesh of ECommerce.AppHost/Program.cs, started once for every test through Aspire.Hosting.Testing (throwaway data, ports
/// free at start, so two runs on one machine do not meet), and clients of it: gRPC straight to the Users service, and REST through
/// the gateway. ECOMMERCE_APPHOST_MODE=monolith runs the same tests against the same services hosted in one process (eng/test.sh
/// runs both).
/// </summary>
public sealed class RunningMesh : IAsyncLifetime
{
    public const string ModeVariable = "ECOMMERCE_APPHOST_MODE";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    // Each REST client connects from its own loopback address (the whole of 127.0.0.0/8 is loopback on Linux), so it
    // is its own client to the gateway's per-client rate limits and one test's requests never use up another's.
    private int _lastClientAddress = 1;
    private GrpcChannel _usersChannel = null!;
    private DistributedApplication _app = null!;

    public Uri Gateway { get; private set; } = null!;

    public UsersService.UsersServiceClient Users { get; private set; } = null!;

    /// <summary>"mesh" (one process per service) or "monolith" (every service in one process).</summary>
    public static string Mode => Environment.GetEnvironmentVariable(ModeVariable) is { Length: > 0 } mode ? mode : "mesh";

    public static bool IsMonolith => Mode == "monolith";

    public async ValueTask InitializeAsync()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ECommerce_AppHost>(
            ["--AppHost:ThrowawayData", "true", "--mode", Mode], cancellation);
        _app = await builder.BuildAsync(cancellation);
        await _app.StartAsync(cancellation);
        // The edge is declared to wait for every service, so once it (or the monolith) is healthy, everything is.
        await _app.ResourceNotifications.WaitForResourceHealthyAsync(IsMonolith ? "monolith" : "gateway", cancellation).WaitAsync(StartTimeout, cancellation);
        Gateway = ServiceUrl("gateway", "http");
        _usersChannel = GrpcChannel.ForAddress(ServiceUrl("users", "grpc"));
        Users = new UsersService.UsersServiceClient(_usersChannel);
    }

    /// <summary>A service's endpoint: its own resource in the mesh, "&lt;service&gt;-&lt;endpoint&gt;" of the monolith.</summary>
    public Uri ServiceUrl(string service, string endpoint) =>
        IsMonolith ? _app.GetEndpoint("monolith", $"{service}-{endpoint}") : _app.GetEndpoint(service, endpoint);

    /// <summary>An endpoint of a resource that is its own process in both modes (the payment sandbox).</summary>
    public Uri ResourceUrl(string resource, string endpoint) => _app.GetEndpoint(resource, endpoint);

    /// <summary>A parameter's value, e.g. a generated secret the test needs to act as an outside party.</summary>
    public async Task<string> ParameterAsync(string name) =>
        await _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>().Single(p => p.Name == name)
            .GetValueAsync(TestContext.Current.CancellationToken) ?? "";

    /// <summary>An HTTP client of the gateway that no other client shares an address with.</summary>
    public HttpClient NewRestClient()
    {
        var address = IPAddress.Parse($"127.0.0.{Interlocked.Increment(ref _lastClientAddress)}");
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = (context, cancellationToken) => Loopback.ConnectFromAsync(address, context.DnsEndPoint, cancellationToken),
        };
        // Patience, not a speed goal: a checkout runs a saga across five services, and CI's two cores are shared by
        // every process of the mesh (a PlaceOrder took over 30 s at a load average of 35).
        return new HttpClient(handler) { BaseAddress = Gateway, Timeout = TimeSpan.FromSeconds(120) };
    }

    public async ValueTask DisposeAsync()
    {
        _usersChannel?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
