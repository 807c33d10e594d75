using System.Diagnostics;
using ECommerce.AppHost.Resources.Replicas;
using ECommerce.Grpc;
using ECommerce.LocalInfrastructure.Processes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace ECommerce.AppHost.Tests;

/// <summary>The AppHost's health probe of a service, against a real gRPC server that starts listening late.</summary>
public sealed class HealthProbeTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_service_that_starts_listening_late_is_found_healthy_as_soon_as_it_listens()
    {
        var port = Loopback.FreePort();
        var logs = Directory.CreateTempSubdirectory("ecommerce-probe-test-");
        // Stands in for the service's process, which a RunningService watches; the server below is what it probes.
        var process = await ChildProcess.StartAsync("sleeper", "/bin/sleep", ["300"], Path.Combine(logs.FullName, "sleeper.log"));
        await using var running = new RunningService(process, [], [$"http://{Loopback.Host}:{port}"]);
        try
        {
            // Refused for 16 s, probed as the supervisor does (every 250 ms): had the probe used grpc-dotnet's own
            // reconnect backoff (1 s growing 1.6 times per failure), its next attempt would come about 10 s later.
            var refusedUntil = Stopwatch.StartNew();
            while (refusedUntil.Elapsed < TimeSpan.FromSeconds(16))
            {
                Assert.False(await ProbeAsync(running));
                await Task.Delay(250, Cancellation);
            }
            Assert.Contains("Connection refused", running.LastProbeFailure, StringComparison.Ordinal);

            await using var server = await StartHealthServerAsync(port);
            var sinceListening = Stopwatch.StartNew();
            while (!await ProbeAsync(running))
            {
                // The server says UNKNOWN until its health checks first ran (1 s after start, see AddECommerceGrpc).
                Assert.True(sinceListening.Elapsed < TimeSpan.FromSeconds(4),
                    $"still not healthy {sinceListening.Elapsed.TotalSeconds:0.0} s after the service listened; last probe: {running.LastProbeFailure}");
                await Task.Delay(250, Cancellation);
            }
        }
        finally
        {
            await running.DisposeAsync();
            logs.Delete(recursive: true);
        }
    }

    private static async Task<bool> ProbeAsync(RunningService running)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        return await running.IsHealthyAsync(timeout.Token);
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
