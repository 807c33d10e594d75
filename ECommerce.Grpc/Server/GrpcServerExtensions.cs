using System.IO.Compression;
using Grpc.AspNetCore.HealthChecks;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ECommerce.Grpc;

/// <summary>The server half of the conventions: one call to register, one call to map.</summary>
public static class GrpcServerExtensions
{
    /// <summary>Largest request message a service accepts; bigger ones fail with RESOURCE_EXHAUSTED.</summary>
    public const int MaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>Response messages smaller than this are sent uncompressed, whatever the caller accepts.</summary>
    public const int MinCompressedResponseSize = 1024;

    /// <summary>
    /// Registers grpc-dotnet with the shop's defaults: 4 MiB request limit, gzip responses of 1 KiB or more
    /// to clients that accept it (gzip requests are always understood), no exception details sent to callers,
    /// per-call logging, metrics and <c>rpc.*</c> activity tags, grpc.health.v1 and server reflection; request text with
    /// control characters refused as INVALID_ARGUMENT (<see cref="ControlCharacterCheck"/>); and, whatever the
    /// environment, no stack trace or request header in any error answer (<see cref="ErrorsWithoutInternals"/>).
    /// Each health-check tag becomes a health service name, and "" reports all checks together.
    /// </summary>
    /// <param name="configure">Adjusts grpc-dotnet's options after the defaults are applied.</param>
    /// <remarks>Safe to call again (say, after the service defaults did) to pass <paramref name="configure"/>.</remarks>
    public static IGrpcServerBuilder AddECommerceGrpc(this IServiceCollection services, Action<GrpcServiceOptions>? configure = null)
    {
        services.AddMetrics();
        services.TryAddSingleton<ServerCallTelemetryInterceptor>();
        var builder = services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = MaxReceiveMessageSize;
            options.ResponseCompressionAlgorithm = "gzip";
            options.ResponseCompressionLevel = CompressionLevel.Fastest;
            options.EnableDetailedErrors = false;
            if (!options.Interceptors.Any(interceptor => interceptor.Type == typeof(ServerCallTelemetryInterceptor)))
            {
                options.Interceptors.Add<ServerCallTelemetryInterceptor>();
                options.Interceptors.Add<SmallResponsesUncompressed>();
                options.Interceptors.Add<ControlCharacterCheck>();
            }

            configure?.Invoke(options);
        });

        services.AddErrorsWithoutInternals();
        if (!services.Any(service => service.ImplementationType == typeof(MalformedRequestMessages)))
        {
            services.AddSingleton<IStartupFilter, MalformedRequestMessages>();
            services.AddSingleton<IAuthorizationMiddlewareResultHandler, GrpcAuthorizationResults>();
            // grpc-dotnet logs every exception it sees at Error with its stack trace, malformed request bytes included;
            // handler exceptions are logged by ServerCallTelemetryInterceptor, and malformed messages by MalformedRequestMessages.
            services.Configure<LoggerFilterOptions>(logging => logging.AddFilter("Grpc.AspNetCore.Server.ServerCallHandler", LogLevel.Critical));
        }
        services.AddGrpcReflection();
        services.AddHealthChecks();
        services.AddGrpcHealthChecks();
        services.AddOptions<GrpcHealthChecksOptions>()
            .Configure<IOptions<HealthCheckServiceOptions>>((grpcHealth, healthChecks) =>
                MapHealthServicesByTag(grpcHealth, healthChecks.Value));
        // Watch streams are fed by the health-check publisher; its defaults (first run after 5 s,
        // then every 30 s) would make a watcher learn about an outage half a minute late.
        services.Configure<HealthCheckPublisherOptions>(options =>
        {
            options.Delay = TimeSpan.FromSeconds(1);
            options.Period = TimeSpan.FromSeconds(5);
        });
        return builder;
    }

    /// <summary>Maps grpc.health.v1.Health and server reflection (grpc.reflection.v1 and v1alpha).</summary>
    public static IEndpointRouteBuilder MapECommerceGrpcDefaults(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcHealthChecksService();
        endpoints.MapGrpcReflectionService();
        return endpoints;
    }

    private static void MapHealthServicesByTag(GrpcHealthChecksOptions grpcHealth, HealthCheckServiceOptions healthChecks)
    {
        grpcHealth.Services.Clear();
        grpcHealth.Services.Map(string.Empty, _ => true);
        var tags = healthChecks.Registrations.SelectMany(registration => registration.Tags).Distinct(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            grpcHealth.Services.Map(tag, check => check.Tags.Contains(tag));
        }
    }
}
