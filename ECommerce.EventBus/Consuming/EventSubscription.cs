using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.EventBus.Consuming;

/// <summary>One (topic, event type) pair a service handles, and how to parse and dispatch it.</summary>
public sealed class EventSubscription
{
    private EventSubscription(string topic, MessageDescriptor descriptor, bool partitionsInParallel,
        Func<IServiceProvider, IMessage, EventContext, CancellationToken, Task> dispatch)
    {
        Topic = topic;
        Descriptor = descriptor;
        PartitionsInParallel = partitionsInParallel;
        Dispatch = dispatch;
    }

    public string Topic { get; }
    public MessageDescriptor Descriptor { get; }

    /// <summary>Whether the handler may run for several partitions at once (each in its own transaction).</summary>
    public bool PartitionsInParallel { get; }
    internal Func<IServiceProvider, IMessage, EventContext, CancellationToken, Task> Dispatch { get; }

    public static EventSubscription For<TEvent, THandler>(string topic, bool partitionsInParallel = true)
        where TEvent : IMessage<TEvent>, new()
        where THandler : IEventHandler<TEvent> =>
        new(topic, new TEvent().Descriptor, partitionsInParallel, (services, message, context, cancellationToken) =>
            services.GetRequiredService<THandler>().HandleAsync((TEvent)message, context, cancellationToken));
}
