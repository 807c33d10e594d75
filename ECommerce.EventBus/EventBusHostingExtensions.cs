using ECommerce.EventBus.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ECommerce.EventBus;

public static class EventBusHostingExtensions
{
    private const string ConnectionName = "kafka";

    /// <summary>
    /// The event bus for a service, configured the Aspire way through <see cref="KafkaIntegrationExtensions.AddKafkaClient"/>: Kafka's bootstrap servers from
    /// <c>ConnectionStrings__kafka</c>, and optionally <c>Kafka__SessionTimeoutMs</c> (the AppHost sets
    /// 6000 for the development cluster) and <c>Kafka__FetchWaitMaxMs</c> (see
    /// <see cref="EventBusOptions.FetchWaitMaxMs"/>). The service's database must be registered as an
    /// NpgsqlDataSource.
    /// </summary>
    /// <remarks>
    /// Without a connection string the services are still registered, so a unit test can build the
    /// container and resolve handlers; the host refuses to start, naming the missing setting.
    /// </remarks>
    public static IHostApplicationBuilder AddEventBus(this IHostApplicationBuilder builder, string serviceName)
    {
        if (!HasConnectionString(builder.Configuration))
        {
            builder.Services.AddHostedService<MissingKafka>();
            return builder;
        }
        var kafka = builder.AddKafkaClient(ConnectionName,
            settings => settings.SessionTimeoutMs ??= builder.Configuration.GetValue<int?>("Kafka:SessionTimeoutMs"));
        builder.Services.AddEventBus(new EventBusOptions
        {
            ServiceName = serviceName,
            BootstrapServers = kafka.ConnectionString!,
            SessionTimeoutMs = kafka.SessionTimeoutMs,
            FetchWaitMaxMs = builder.Configuration.GetValue<int?>("Kafka:FetchWaitMaxMs"),
        });
        return builder;
    }

    private static bool HasConnectionString(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration.GetConnectionString(ConnectionName))
        || !string.IsNullOrWhiteSpace(configuration[$"{KafkaClientSettings.ConfigurationSection}:{nameof(KafkaClientSettings.ConnectionString)}"]);

    private sealed class MissingKafka : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            throw new InvalidOperationException(KafkaIntegrationExtensions.MissingConnectionString(ConnectionName));

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
