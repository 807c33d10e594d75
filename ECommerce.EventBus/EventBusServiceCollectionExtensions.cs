using ECommerce.Contracts.Events;
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
    /// and the consumer for whatever handlers <see cref="AddSubscription{TEvent,THandler}"/> adds.
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

    /// <summary>Handles <typeparamref name="TEvent"/> from its topic (<see cref="EventTopics"/>) with <typeparamref name="THandler"/> (scoped).</summary>
    /// <param name="partitionsInParallel">See <see cref="AddEventHandler{TEvent,THandler}"/>.</param>
    public static IServiceCollection AddSubscription<TEvent, THandler>(this IServiceCollection services, bool partitionsInParallel = true)
        where TEvent : IMessage<TEvent>, new()
        where THandler : class, IEventHandler<TEvent> =>
        services.AddEventHandler<TEvent, THandler>(EventTopics.Of<TEvent>(), partitionsInParallel);

    /// <summary>Handles <typeparamref name="TEvent"/> from <paramref name="topic"/> with <typeparamref name="THandler"/> (scoped).</summary>
    /// <param name="partitionsInParallel">
    /// False for a handler whose events of different keys must not be handled at the same time (for
    /// example one that keeps state across keys outside the database); the consumer then handles one
    /// partition at a time. Events of one key are always handled in order, one after the other.
    /// </param>
    public static IServiceCollection AddEventHandler<TEvent, THandler>(this IServiceCollection services, string topic, bool partitionsInParallel = true)
        where TEvent : IMessage<TEvent>, new()
        where THandler : class, IEventHandler<TEvent>
    {
        services.TryAddScoped<THandler>();
        services.AddSingleton(EventSubscription.For<TEvent, THandler>(topic, partitionsInParallel));
        return services;
    }
}
