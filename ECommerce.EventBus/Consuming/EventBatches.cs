using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ECommerce.EventBus.Consuming;

/// <summary>
/// Handles one partition's share of a poll: the dedup claims and handlers of all its events in one
/// transaction, in offset order, so the cost of a connection, a transaction and a commit is paid
/// once per batch instead of once per event.
/// </summary>
/// <remarks>
/// <para>When a handler throws, the whole transaction rolls back, so nothing of the batch took effect
/// yet. The events before the failing one are then committed on their own (their handlers run again in
/// the new transaction, which is the only one that counts), the failing event is retried alone with
/// backoff, and the rest follow in a new batch: no event is lost, takes effect twice, or overtakes an
/// earlier one. This costs nothing while no handler fails, unlike a savepoint per event, which would
/// add a round trip per event and, past 64 subtransactions, slow every snapshot in the database.</para>
/// <para>After <see cref="EventBusOptions.MaxHandlerAttempts"/> failures (or at once, if it cannot be
/// parsed) an event is parked in the dead-letter topic and the rest of its batch goes on. Transient
/// database errors (a deadlock with another partition's transaction, a lost connection) are retried
/// without counting as attempts, so an outage never parks good events.</para>
/// </remarks>
internal sealed class EventBatches(
    IReadOnlyDictionary<(string Topic, string Type), EventSubscription> subscriptions,
    NpgsqlDataSource dataSource,
    IServiceScopeFactory scopes,
    DeadLetters deadLetters,
    EventBusOptions options,
    ILogger logger)
{
    private const string ClaimSql = """
        INSERT INTO processed_events (consumer_group, event_id, event_type)
        SELECT $1, claim.event_id, claim.event_type FROM unnest($2::uuid[], $3::text[]) AS claim(event_id, event_type)
        ON CONFLICT DO NOTHING
        RETURNING event_id
        """;

    /// <summary>Returns once every event of <paramref name="records"/> (one partition, in offset order) is handled, a duplicate, not ours, or parked.</summary>
    public async Task SettleAsync(IReadOnlyList<ConsumeResult<string, byte[]>> records, CancellationToken stoppingToken)
    {
        var events = new List<Delivery>(records.Count);
        foreach (var record in records)
        {
            switch (Read(record))
            {
                case Delivery delivery:
                    events.Add(delivery);
                    break;
                case string unparseable:
                    await deadLetters.ParkAsync(record, unparseable, stoppingToken);
                    break;
            }
        }

        var attempts = new int[events.Count];
        var infrastructureFailures = 0;
        var wait = TimeSpan.Zero;
        for (int done = 0, end = events.Count; done < events.Count;)
        {
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, stoppingToken);
                wait = TimeSpan.Zero;
            }
            var failure = await TryHandleAsync(events, done, end, stoppingToken);
            if (failure is null)
            {
                done = end;
                end = events.Count;
                infrastructureFailures = 0;
                if (done < events.Count && attempts[done] > 0)
                {
                    wait = Backoff(attempts[done]);
                }
                continue;
            }
            if (failure.Index is not { } failed)
            {
                infrastructureFailures++;
                wait = Backoff(Math.Min(infrastructureFailures, 6));
                logger.LogWarning(failure.Error, "A batch of {Count} events failed in {Service} outside any handler; retrying in {Wait}", end - done, options.ServiceName, wait);
                continue;
            }

            var delivery = events[failed];
            var transient = failure.Error is NpgsqlException { IsTransient: true };
            if (!transient)
            {
                attempts[failed]++;
            }
            if (failed > done)
            {
                // The events before it did not fail: commit them first, then come back to this one.
                end = failed;
                continue;
            }
            if (attempts[failed] >= options.MaxHandlerAttempts)
            {
                logger.LogError(failure.Error, "Event {EventId} ({Type}) failed {Attempts} times in {Service}; parking it in {DeadLetterTopic}",
                    delivery.EventId, delivery.Type, attempts[failed], options.ServiceName, EventConsumer.DeadLetterTopic(delivery.Record.Topic));
                await deadLetters.ParkAsync(delivery.Record, $"{failure.Error.GetType().Name}: {failure.Error.Message}", stoppingToken);
                done++;
                end = events.Count;
                continue;
            }
            wait = Backoff(Math.Max(attempts[failed], 1));
            logger.LogWarning(failure.Error, "Event {EventId} ({Type}) failed in {Service} (attempt {Attempt}{Transient}); retrying in {Wait}",
                delivery.EventId, delivery.Type, options.ServiceName, attempts[failed], transient ? ", transient" : "", wait);
        }
    }

    /// <summary>Handles events[from..to) in one transaction; returns null once it committed, else what failed.</summary>
    private async Task<Failure?> TryHandleAsync(List<Delivery> events, int from, int to, CancellationToken stoppingToken)
    {
        int? current = null;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
            await using var transaction = await connection.BeginTransactionAsync(stoppingToken);
            var claimed = await ClaimAsync(connection, transaction, events, from, to, stoppingToken);
            for (var index = from; index < to; index++)
            {
                var delivery = events[index];
                // A duplicate (an event handled before, or sent twice within this batch) claims nothing.
                if (!claimed.Remove(delivery.EventId))
                {
                    logger.LogDebug("Event {EventId} was already handled by {Service}", delivery.EventId, options.ServiceName);
                    continue;
                }
                current = index;
                await DispatchAsync(delivery, connection, transaction, stoppingToken);
                current = null;
            }
            await transaction.CommitAsync(stoppingToken);
            return null;
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            return new Failure(current, e);
        }
    }

    private async Task<HashSet<Guid>> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<Delivery> events, int from, int to,
        CancellationToken cancellationToken)
    {
        var ids = new Guid[to - from];
        var types = new string[to - from];
        for (var index = from; index < to; index++)
        {
            ids[index - from] = events[index].EventId;
            types[index - from] = events[index].Type;
        }
        await using var claim = new NpgsqlCommand(ClaimSql, connection, transaction)
        {
            Parameters = { new() { Value = options.ServiceName }, new() { Value = ids }, new() { Value = types } },
        };
        await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
        var claimed = new HashSet<Guid>(ids.Length);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(reader.GetGuid(0));
        }
        return claimed;
    }

    /// <summary>Runs the handler in the batch's transaction, in a span that continues the writer's trace.</summary>
    private async Task DispatchAsync(Delivery delivery, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var record = delivery.Record;
        var headers = record.Message.Headers;
        using var activity = EventBusTelemetry.StartActivity($"{record.Topic} process", ActivityKind.Consumer,
            EventHeaders.Get(headers, EventHeaders.TraceParent), EventHeaders.Get(headers, EventHeaders.TraceState), record.Topic);
        activity?.SetTag("messaging.consumer.group.name", options.ServiceName);
        activity?.SetTag("messaging.message.id", delivery.EventId.ToString());
        var time = DateTimeOffset.TryParse(EventHeaders.Get(headers, EventHeaders.Time), out var parsed) ? parsed : (DateTimeOffset?)null;
        var context = new EventContext(delivery.EventId, delivery.Type, EventHeaders.Get(headers, EventHeaders.Source), time,
            record.Topic, record.Partition.Value, record.Offset.Value, record.Message.Key ?? "", connection, transaction);
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            await delivery.Subscription.Dispatch(scope.ServiceProvider, delivery.Message, context, cancellationToken);
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    /// <summary>The event to handle; or why it must be parked at once (a string); or null when this service has no handler for it.</summary>
    private object? Read(ConsumeResult<string, byte[]> record)
    {
        var type = EventHeaders.Get(record.Message.Headers, EventHeaders.Type);
        if (type is null || !subscriptions.TryGetValue((record.Topic, type), out var subscription))
        {
            logger.LogDebug("Skipping event of type {Type} on {Topic}: no handler in {Service}", type, record.Topic, options.ServiceName);
            return null;
        }
        try
        {
            return new Delivery(record, EventIdOf(record), type, subscription, subscription.Descriptor.Parser.ParseFrom(record.Message.Value ?? []));
        }
        catch (InvalidProtocolBufferException e)
        {
            return $"payload is not a valid {type}: {e.Message}";
        }
    }

    private TimeSpan Backoff(int attempt) => options.RetryBaseDelay * Math.Pow(2, attempt - 1);

    /// <summary>The CloudEvents id; for events from producers that send none, one derived from the record's position.</summary>
    private static Guid EventIdOf(ConsumeResult<string, byte[]> record) =>
        Guid.TryParse(EventHeaders.Get(record.Message.Headers, EventHeaders.Id), out var id)
            ? id
            : new Guid(MD5.HashData(Encoding.UTF8.GetBytes($"{record.Topic}/{record.Partition.Value}/{record.Offset.Value}")));

    private sealed record Delivery(ConsumeResult<string, byte[]> Record, Guid EventId, string Type, EventSubscription Subscription, IMessage Message);

    /// <param name="Index">The event whose handler threw; null when the failure was the transaction's own (connect, claim, commit).</param>
    private sealed record Failure(int? Index, Exception Error);
}
