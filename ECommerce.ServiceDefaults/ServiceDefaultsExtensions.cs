using ECommerce.Grpc;
using ECommerce.ServiceDefaults.Discovery;
using ECommerce.ServiceDefaults.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace ECommerce.ServiceDefaults;

/// <summary>
/// The two calls every service makes. Configuration follows .NET Aspire's environment conventions,
/// so a service runs unchanged under our AppHost, a real Aspire AppHost or Kubernetes:
/// <c>ConnectionStrings__&lt;name&gt;</c>, <c>services__&lt;service&gt;__&lt;endpoint&gt;__&lt;i&gt;</c> (read by
/// <see cref="GrpcClientExtensions.AddECommerceGrpcClient{TClient}"/>), <c>OTEL_SERVICE_NAME</c>,
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, and Kestrel endpoints from <c>Kestrel__Endpoints__&lt;name&gt;__Url</c>.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Health-check tag of the checks that say the process is alive (a failing one means: restart it).</summary>
    public const string LivenessTag = "live";

    /// <summary>
    /// Telemetry, every log record to Kafka when the service has Kafka (<see cref="KafkaLoggingExtensions.AddKafkaLogging"/>), health checks, gRPC server defaults, HTTP/2 endpoints and graceful shutdown.
    /// Readiness is every registered check together; add a check for each dependency a service
    /// cannot serve without, and tag it <see cref="LivenessTag"/> only if failing it means the process is broken.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddServiceTelemetry();
        builder.AddKafkaLogging();

        builder.Services.AddECommerceGrpc();
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LivenessTag]);
        builder.Services.AddMeshServiceDiscovery();

        // Endpoints inside the mesh speak cleartext HTTP/2 (gRPC); an endpoint that must also speak
        // HTTP/1.1, like the REST edge, says so with Kestrel__Endpoints__<name>__Protocols.
        // No "Server: Kestrel" on every response: it tells a prober what to look up, and tells a client nothing.
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.AddServerHeader = false;
        });

        // SIGTERM (Ctrl+C, the AppHost, Kubernetes) stops accepting calls and lets running ones finish.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(20));
        return builder;
    }

    /// <summary>
    /// grpc.health.v1 (service "" is readiness: every check; service "live" is liveness), gRPC server
    /// reflection, and the same two answers over HTTP at /health and /alive for load balancers.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapECommerceGrpcDefaults();
        app.MapHealthChecks("/health");
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LivenessTag) });
        return app;
    }
}
