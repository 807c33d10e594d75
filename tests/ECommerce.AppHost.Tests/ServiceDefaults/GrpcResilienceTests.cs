using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ECommerce.LocalInfrastructure.Processes;
using ECommerce.ServiceDefaults.Resilience;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.AppHost.Tests.ServiceDefaults;

public sealed class GrpcResilienceTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Once_most_calls_to_a_service_fail_the_next_ones_fail_at_once()
    {
        var nothingListens = $"http://{Loopback.Host}:{Loopback.FreePort()}";
        await using var services = ClientOf(nothingListens, resilience =>
        {
            resilience.MinimumThroughput = 3;
            resilience.BreakDuration = TimeSpan.FromMinutes(1);
        });
        var catalog = services.GetRequiredService<Health.HealthClient>();

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => catalog.CheckAsync(new HealthCheckRequest(), cancellationToken: Cancellation).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
            Assert.DoesNotContain("circuit open", refused.Status.Detail);
        }
        var failedFast = await Assert.ThrowsAsync<RpcException>(() => catalog.CheckAsync(new HealthCheckRequest(), cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, failedFast.StatusCode);
        Assert.Equal("Calls to catalog fail at once for 60 s: most recent calls to it failed (circuit open).", failedFast.Status.Detail);
    }

    [Fact]
    public async Task A_call_whose_caller_set_no_deadline_gets_the_default_one()
    {
        // Accepts connections and never answers, like a service stuck in a long GC pause or a deadlock.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        await using var services = ClientOf($"http://{Loopback.Host}:{((IPEndPoint)silent.LocalEndpoint).Port}",
            resilience => resilience.DefaultDeadline = TimeSpan.FromMilliseconds(500));
        var catalog = services.GetRequiredService<Health.HealthClient>();
        var clock = Stopwatch.StartNew();

        var timedOut = await Assert.ThrowsAsync<RpcException>(() => catalog.CheckAsync(new HealthCheckRequest(), cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, timedOut.StatusCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(10));
    }

    /// <summary>A service's container with a client of "catalog", addressed the way the AppHost passes it.</summary>
    private static ServiceProvider ClientOf(string catalogAddress, Action<GrpcResilienceOptions> configure) =>
        new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder()
                .AddInMemoryCollection([KeyValuePair.Create("services:catalog:grpc:0", (string?)catalogAddress)])
                .Build())
            .AddResilientGrpcClient<Health.HealthClient>("catalog", configureResilience: configure)
            .BuildServiceProvider();
}
