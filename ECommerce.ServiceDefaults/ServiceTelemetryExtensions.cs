using ECommerce.Grpc;
using ECommerce.ServiceDefaults.Modules;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ECommerce.ServiceDefaults;

/// <summary>OpenTelemetry traces, metrics and logs, exported over OTLP when an endpoint is configured.</summary>
public static class ServiceTelemetryExtensions
{
    private static readonly string[] ChattyLibraries = ["Npgsql", "Microsoft.EntityFrameworkCore", "System.Net.Http.HttpClient"];

    /// <summary>
    /// Served requests (ASP.NET Core instrumentation, which names and tags them; health probes are left
    /// out), gRPC and HttpClient calls, events published and handled, and the meters .NET and grpc-dotnet emit. The service's name
    /// comes from OTEL_SERVICE_NAME, and the exporter from OTEL_EXPORTER_OTLP_ENDPOINT /
    /// OTEL_EXPORTER_OTLP_PROTOCOL; without an endpoint nothing is exported. Console log lines carry
    /// the trace and span id of the call they belong to.
    /// </summary>
    public static TBuilder AddServiceTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.Configure(logging =>
            logging.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.IncludeScopes = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        // These libraries log every SQL statement and every outgoing call (twice) at Information. In a 500-buyer flash sale
        // that was most of what the services sent to Kafka and the Logging service stored, all of it already in the traces.
        // Their warnings and errors still come through; Logging:LogLevel:<category> in configuration overrides this.
        foreach (var category in ChattyLibraries.Where(category => builder.Configuration[$"Logging:LogLevel:{category}"] is null))
        {
            builder.Logging.AddFilter(category, LogLevel.Warning);
        }

        var module = SharedProcess.ModuleName(builder.Configuration);
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter(
                GrpcTelemetry.MeterName,
                Logging.KafkaLogSink.MeterName,
                "Microsoft.AspNetCore.Hosting",
                "Microsoft.AspNetCore.Server.Kestrel",
                "System.Net.Http",
                "System.Runtime"))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsHealthProbe(context.Request.Path))
                .AddSource(builder.Environment.ApplicationName, GrpcTelemetry.ClientActivitySourceName, "System.Net.Http", OwnSources));

        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }
        if (module is null)
        {
            telemetry.UseOtlpExporter();
            return builder;
        }

        // Sharing a process: each signal exported on its own, traces and metrics through the filters that
        // keep them to this service's own (see SharedProcess).
        builder.Logging.AddOpenTelemetry(logging => logging.AddOtlpExporter());
        telemetry
            .WithMetrics(metrics => metrics.KeepOwnInstruments(SharedProcess.ExportsProcessMetrics(builder.Configuration)).AddOtlpExporter())
            .WithTracing(tracing => tracing.AddModuleOtlpExporter(module, builder.Configuration));
        builder.Services.AddModuleRequestClaim(module);
        return builder;
    }

    /// <summary>
    /// Every ActivitySource of this repository, e.g. ECommerce.EventBus's publish and process spans, which continue a
    /// request's trace through the events it caused (named by pattern: those libraries do not depend on OpenTelemetry).
    /// </summary>
    private const string OwnSources = "ECommerce.*";

    /// <summary>Orchestrators and load balancers ask every few seconds; tracing that would bury real calls.</summary>
    private static bool IsHealthProbe(PathString path) =>
        path.StartsWithSegments("/grpc.health.v1.Health") || path.StartsWithSegments("/health") || path.StartsWithSegments("/alive");
}
