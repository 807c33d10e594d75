using System.Diagnostics;
using ECommerce.AppHost.Services;
using ECommerce.Grpc;
using ECommerce.LocalInfrastructure.Processes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace ECommerce.AppHost.Tests;

/// <summary>The AppHost's health check of a service (grpc.health.v1), against a real gRPC server that starts listening late.</summary>
public sealed class HealthProbeTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_service_that_starts_listening_late_is_found_healthy_as_soon_as_it_listens()
    {
        var port = Loopback.FreePort();
        var probe = new GrpcHealthCheck(() => [$"http://{Loopback.Host}:{port}"]);

        // Refused for 16 s, probed every 250 ms: had the probe used grpc-dotnet's own
        // reconnect backoff (1 s growing 1.6 times per failure), its next attempt would come about 10 s later.
        var refusedUntil = Stopwatch.StartNew();
        HealthCheckResult result;
        while (refusedUntil.Elapsed < TimeSpan.FromSeconds(16))
        {
            result = await ProbeAsync(probe);
            Assert.Equal(HealthStatus.Unhealthy, result.Status);
            Assert.Contains("Connection refused", result.Description, StringComparison.Ordinal);
            await Task.Delay(250, Cancellation);
        }

        await using var server = await StartHealthServerAsync(port);
        var sinceListening = Stopwatch.StartNew();
        while ((result = await ProbeAsync(probe)).Status != HealthStatus.Healthy)
        {
            // The server says UNKNOWN until its health checks first ran (1 s after start, see AddECommerceGrpc).
            Assert.True(sinceListening.Elapsed < TimeSpan.FromSeconds(4),
                $"still not healthy {sinceListening.Elapsed.TotalSeconds:0.0} s after the service listened; last probe: {result.Description}");
            await Task.Delay(250, Cancellation);
        }
    }

    private static async Task<HealthCheckResult> ProbeAsync(GrpcHealthCheck probe)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        return await probe.CheckHealthAsync(new HealthCheckContext(), timeout.Token);
    }

    private static async Task<WebApplication> StartHealthServerAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpcOnLoopback(port));
        builder.Services.AddECommerceGrpc();
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy()); // as AddServiceDefaults registers
        var app = builder.Build();
        app.MapECommerceGrpcDefaults();
        await app.StartAsync(Cancellation);
        return app;
    }
}
