using System.Diagnostics;
using ECommerce.Contracts.Events;
using Google.Protobuf;
using Npgsql;
using NpgsqlTypes;

namespace ECommerce.EventBus.Outbox;

/// <summary>
/// Records events in the same transaction as the state change they describe, so that either both
/// happen or neither does. <see cref="OutboxRelay"/> publishes them to Kafka after the commit.
/// </summary>
public static class Outbox
{
    /// <summary>Records <paramref name="event"/> for its own topic (<see cref="EventTopics"/>).</summary>
    /// <param name="key">The aggregate id: events with one key keep their order.</param>
    public static Task<Guid> AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string key, IMessage @event,
        CancellationToken cancellationToken = default) =>
        AddAsync(connection, transaction, EventTopics.Of(@event.Descriptor), key, @event, cancellationToken);

    /// <param name="topic">The Kafka topic, e.g. "orders".</param>
    /// <param name="key">The aggregate id: events with one key keep their order.</param>
    /// <returns>The event's id (CloudEvents "id"), which consumers use to handle it once.</returns>
    public static async Task<Guid> AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string topic, string key,
        IMessage @event, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var eventId = Guid.CreateVersion7();
        var activity = Activity.Current;
        await using var command = new NpgsqlCommand("""
            WITH inserted AS (
                INSERT INTO outbox_events (event_id, topic, event_key, event_type, payload, occurred_at, traceparent, tracestate)
                VALUES ($1, $2, $3, $4, $5, now(), $6, $7)
                RETURNING 1)
            SELECT pg_notify($8, '') FROM inserted
            """, connection, transaction)
        {
            Parameters =
            {
                new() { Value = eventId },
                new() { Value = topic },
                new() { Value = key },
                new() { Value = @event.Descriptor.FullName },
                new() { Value = @event.ToByteArray() },
                new() { Value = (object?)activity?.Id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                new() { Value = (object?)activity?.TraceStateString ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                new() { Value = OutboxSchema.NotifyChannel },
            },
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
        return eventId;
    }
}
