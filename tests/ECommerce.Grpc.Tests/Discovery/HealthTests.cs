using ECommerce.Grpc.Tests.Hosting;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ECommerce.Grpc.Tests.Discovery;

/// <summary>A health check whose result a test sets, standing in for a database or broker probe.</summary>
public sealed class SwitchableHealthCheck : IHealthCheck
{
    public volatile bool Healthy = true;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Healthy ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("switched off by the test"));
}

/// <summary>A server whose Interop health depends on a switch, and whose watchers hear about changes within a second.</summary>
public sealed class HealthServer : IAsyncLifetime
{
    public const string InteropService = "ecommerce.testing.v1.Interop";

    public SwitchableHealthCheck InteropCheck { get; } = new();

    public InteropServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await InteropServer.StartAsync(configureServices: services =>
    {
        services.AddHealthChecks()
            .AddCheck("interop-store", InteropCheck, tags: [InteropService])
            .AddCheck("always-up", () => HealthCheckResult.Healthy(), tags: ["other"]);
        services.Configure<HealthCheckPublisherOptions>(options => options.Period = TimeSpan.FromSeconds(1));
    });

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>grpc.health.v1 backed by ASP.NET Core health checks: each tag is a service, "" is all of them.</summary>
public sealed class HealthTests(HealthServer health) : IClassFixture<HealthServer>, IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(health.Server.Address);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Health.HealthClient Client => new(_channel);

    [Fact]
    public async Task Check_ReportsEachServiceFromItsTaggedChecks()
    {
        try
        {
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await StatusAsync(HealthServer.InteropService));
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await StatusAsync(""));

            health.InteropCheck.Healthy = false;

            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await StatusAsync(HealthServer.InteropService));
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await StatusAsync(""));
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await StatusAsync("other"));
        }
        finally
        {
            health.InteropCheck.Healthy = true;
        }
    }

    [Fact]
    public async Task Check_OfAnUnknownService_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => StatusAsync("no.such.Service"));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    private async Task<HealthCheckResponse.Types.ServingStatus> StatusAsync(string service) =>
        (await Client.CheckAsync(new HealthCheckRequest { Service = service }, cancellationToken: Ct)).Status;

    public void Dispose() => _channel.Dispose();
}

/// <summary>
/// Watch on a server of its own: grpc-dotnet answers a new watcher with a fresh check but notifies it only when the
/// publisher's cached status changes, so a cache left NOT_SERVING by another test's switch would hide the change.
/// </summary>
public sealed class HealthWatchTests(HealthServer health) : IClassFixture<HealthServer>, IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(health.Server.Address);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Health.HealthClient Client => new(_channel);

    [Fact]
    public async Task Watch_StreamsTheStatusWhenItChanges()
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            using var watch = Client.Watch(new HealthCheckRequest { Service = HealthServer.InteropService }, cancellationToken: timeout.Token);

            Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, watch.ResponseStream.Current.Status);

            health.InteropCheck.Healthy = false;

            // The publisher repeats the status on every run; one that began before the change may still say SERVING.
            Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
            while (watch.ResponseStream.Current.Status == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
            }
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, watch.ResponseStream.Current.Status);
        }
        finally
        {
            health.InteropCheck.Healthy = true;
        }
    }

    public void Dispose() => _channel.Dispose();
}
