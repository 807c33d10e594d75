using ECommerce.EventBus.Consuming;
using ECommerce.EventBus.Outbox;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ECommerce.EventBus;

public static class EventBusServiceCollectionExtensions
{
    /// <summary>
    /// The outbox relay for this service's database (an <c>NpgsqlDataSource</c> must be registered)
    /// and the consumer for whatever handlers <see cref="AddEventHandler{TEvent,THandler}"/> adds.
    /// </summary>
    public static IServiceCollection AddEventBus(this IServiceCollection services, EventBusOptions options)
    {
        services.TryAddSingleton(options);
        services.TryAddSingleton<OutboxRelay>();
        services.TryAddSingleton<EventConsumer>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboxRelay>());
        services.AddHostedService(provider => provider.GetRequiredService<EventConsumer>());
        return services;
    }

    /// <summary>Handles <typeparamref name="TEvent"/> from <paramref name="topic"/> with <typeparamref name="THandler"/> (scoped).</summary>
    public static IServiceCollection AddEventHandler<TEvent, THandler>(this IServiceCollection services, string topic)
        where TEvent : IMessage<TEvent>, new()
        where THandler : class, IEventHandler<TEvent>
    {
        services.TryAddScoped<THandler>();
        services.AddSingleton(EventSubscription.For<TEvent, THandler>(topic));
        return services;
    }
}
