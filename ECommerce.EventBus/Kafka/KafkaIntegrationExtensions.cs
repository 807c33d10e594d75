using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace ECommerce.EventBus.Kafka;

/// <summary>
/// Kafka as an Aspire client integration would wire it (no <c>Aspire.Confluent.Kafka</c> package is served
/// here): settings from the connection string's name, a health check and the event bus's spans in the
/// service's traces. When the official package can be used, <see cref="EventBusHostingExtensions.AddEventBus"/>
/// calls it instead of <see cref="AddKafkaClient"/>.
/// </summary>
public static class KafkaIntegrationExtensions
{
    /// <summary>
    /// Reads <see cref="KafkaClientSettings"/> (bootstrap servers from <c>ConnectionStrings__&lt;connectionName&gt;</c>)
    /// and registers them with a health check named <c>kafka-&lt;connectionName&gt;</c>.
    /// </summary>
    /// <remarks>
    /// An unreachable cluster reports Degraded, not Unhealthy: a service keeps serving while Kafka is down
    /// (events wait in its outbox), so the orchestrator shows the problem without taking the service out.
    /// </remarks>
    public static KafkaClientSettings AddKafkaClient(this IHostApplicationBuilder builder, string connectionName,
        Action<KafkaClientSettings>? configureSettings = null)
    {
        var settings = new KafkaClientSettings();
        builder.Configuration.GetSection(KafkaClientSettings.ConfigurationSection).Bind(settings);
        if (builder.Configuration.GetConnectionString(connectionName) is { Length: > 0 } connectionString)
        {
            settings.ConnectionString = connectionString;
        }
        configureSettings?.Invoke(settings);
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException(MissingConnectionString(connectionName));
        }

        builder.Services.AddSingleton(settings);
        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddSingleton<KafkaHealthCheck>();
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration($"kafka-{connectionName}",
                provider => provider.GetRequiredService<KafkaHealthCheck>(), HealthStatus.Degraded, tags: null,
                timeout: settings.HealthCheckTimeout + TimeSpan.FromSeconds(1)));
        }
        if (!settings.DisableTracing)
        {
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(EventBusTelemetry.ActivitySourceName));
        }
        return settings;
    }

    internal static string MissingConnectionString(string connectionName) =>
        $"The connection string '{connectionName}' is missing. Set ConnectionStrings__{connectionName} to the Kafka bootstrap servers (the AppHost does this).";
}
