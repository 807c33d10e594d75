using System.Diagnostics.Metrics;
using ECommerce.ServiceDefaults.Modules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ECommerce.ServiceDefaults.Logging;

public static class KafkaLoggingExtensions
{
    /// <summary>The event bus's connection: the same bootstrap servers carry the logs.</summary>
    public const string ConnectionName = "kafka";

    /// <summary>
    /// Sends every log record to Kafka's <c>logs</c> topic when the service has a Kafka connection string
    /// (<c>ConnectionStrings__kafka</c>, or <c>Aspire:Confluent:Kafka:ConnectionString</c>, as the event bus reads it) and
    /// <c>Logging:Kafka:Enabled</c> is not false. The other providers (console, OTLP to the dashboard) are untouched.
    /// </summary>
    public static TBuilder AddKafkaLogging<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var options = builder.Configuration.GetSection(KafkaLogOptions.SectionName).Get<KafkaLogOptions>() ?? new KafkaLogOptions();
        var bootstrapServers = builder.Configuration.GetConnectionString(ConnectionName) is { Length: > 0 } connectionString
            ? connectionString
            : builder.Configuration["Aspire:Confluent:Kafka:ConnectionString"];
        if (!options.Enabled || string.IsNullOrWhiteSpace(bootstrapServers))
        {
            return builder;
        }
        if (options.BufferSize < 1 || options.MaxInFlight < 1)
        {
            throw new InvalidOperationException($"{KafkaLogOptions.SectionName}:BufferSize and MaxInFlight must be at least 1.");
        }
        var service = options.Service ?? ServiceName(builder);
        var instance = InstanceId(builder.Configuration);
        builder.Services.AddSingleton(services => new KafkaLogSink(options, bootstrapServers, service, instance,
            services.GetRequiredService<IMeterFactory>(),
            // Resolved on first use: the logger factory is what creates this provider.
            () => services.GetRequiredService<ILoggerFactory>().CreateLogger(KafkaLogSink.OwnCategory)));
        builder.Services.AddSingleton<ILoggerProvider, KafkaLoggerProvider>();
        return builder;
    }

    /// <summary>The module's name in a shared process, else OTEL_SERVICE_NAME, else the assembly's ("ECommerce.Users" → "users").</summary>
    private static string ServiceName(IHostApplicationBuilder builder)
    {
        if (SharedProcess.ModuleName(builder.Configuration) is { } module)
        {
            return module;
        }
        return builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } otelName
            ? otelName
            : builder.Environment.ApplicationName.Replace("ECommerce.", "", StringComparison.Ordinal).ToLowerInvariant();
    }

    /// <summary>OpenTelemetry's service.instance.id when the orchestrator sets one (Aspire does), else host and process.</summary>
    private static string InstanceId(IConfiguration configuration) =>
        (configuration["OTEL_RESOURCE_ATTRIBUTES"] ?? "").Split(',')
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].Trim() == "service.instance.id")
            .Select(pair => pair[1].Trim())
            .FirstOrDefault()
        ?? $"{Environment.MachineName}-{Environment.ProcessId}";
}
