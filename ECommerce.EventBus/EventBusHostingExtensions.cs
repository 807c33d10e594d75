using ECommerce.EventBus.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ECommerce.EventBus;

public static class EventBusHostingExtensions
{
    /// <summary>
    /// The event bus for a service, configured the Aspire way through <see cref="KafkaIntegrationExtensions.AddKafkaClient"/>: Kafka's bootstrap servers from
    /// <c>ConnectionStrings__kafka</c>, and optionally <c>Kafka__SessionTimeoutMs</c> (the AppHost sets
    /// 6000 for the development cluster) and <c>Kafka__FetchWaitMaxMs</c> (see
    /// <see cref="EventBusOptions.FetchWaitMaxMs"/>). The service's database must be registered as an
    /// NpgsqlDataSource.
    /// </summary>
    public static IHostApplicationBuilder AddEventBus(this IHostApplicationBuilder builder, string serviceName)
    {
        var kafka = builder.AddKafkaClient("kafka",
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
}
