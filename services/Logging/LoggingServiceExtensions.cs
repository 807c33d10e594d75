using ECommerce.EventBus;
using ECommerce.Logging.Api;
using ECommerce.Logging.Ingestion;
using ECommerce.ServiceDefaults.Authentication;
using ECommerce.ServiceDefaults.Persistence;

namespace ECommerce.Logging;

public static class LoggingServiceExtensions
{
    public const string ServiceName = "logging";

    public static IHostApplicationBuilder AddLoggingServices(this IHostApplicationBuilder builder)
    {
        builder.AddPostgresDatabase(ServiceName, typeof(LoggingServiceExtensions).Assembly);
        // Its own events (ErrorRateSpiked) through the outbox; the logs it consumes arrive without one.
        builder.AddEventBus(ServiceName);
        builder.AddJwtValidation();
        var options = builder.Configuration.GetSection(LoggingOptions.SectionName).Get<LoggingOptions>() ?? new LoggingOptions();
        if (options.RetentionDays < 1 || options.BatchSize < 1 || options.SpikeBaselineMinutes < 1)
        {
            throw new InvalidOperationException($"{LoggingOptions.SectionName}:RetentionDays, BatchSize and SpikeBaselineMinutes must be at least 1.");
        }
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PartitionKeeper>();
        builder.Services.AddSingleton<LogKeeper>();
        builder.Services.AddSingleton<LogStore>();
        builder.Services.AddSingleton<ErrorKeeper>();
        builder.Services.AddSingleton<ErrorStore>();
        builder.Services.AddSingleton<LogMaintenance>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LogMaintenance>());
        if (builder.Services.Any(service => service.ServiceType == typeof(EventBus.Kafka.KafkaClientSettings)))
        {
            builder.Services.AddSingleton<LogIngestor>();
            builder.Services.AddHostedService(services => services.GetRequiredService<LogIngestor>());
        }
        return builder;
    }

    /// <summary>The service's gRPC API; the same call in its own process (Program.cs) and in the monolith.</summary>
    public static IEndpointRouteBuilder MapLoggingApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<LoggingApi>();
        return endpoints;
    }
}
