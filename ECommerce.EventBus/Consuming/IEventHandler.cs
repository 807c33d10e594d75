using Google.Protobuf;
using Npgsql;

namespace ECommerce.EventBus.Consuming;

/// <summary>Reacts to one kind of event. Registered with <c>services.AddSubscription&lt;TEvent, THandler&gt;()</c>.</summary>
/// <remarks>
/// The handler runs inside <see cref="EventContext.Transaction"/>, which also records the event as
/// processed: write the handler's own changes (and any outbox events) through it, and a re-delivered
/// event changes nothing. The transaction is shared with the other events of the batch that one
/// poll returned for the partition, so keep no effects outside it: throwing rolls the whole batch
/// back, the events before this one are handled again in a new transaction, and this one is retried
/// and finally parked in the dead-letter topic.
/// </remarks>
public interface IEventHandler<in TEvent> where TEvent : IMessage
{
    Task HandleAsync(TEvent @event, EventContext context, CancellationToken cancellationToken);
}

public sealed record EventContext(
    Guid EventId,
    string EventType,
    string? Source,
    DateTimeOffset? Time,
    string Topic,
    int Partition,
    long Offset,
    string Key,
    NpgsqlConnection Connection,
    NpgsqlTransaction Transaction);
