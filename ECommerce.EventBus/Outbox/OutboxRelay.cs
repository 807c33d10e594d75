using System.Diagnostics;
using Confluent.Kafka;
using ECommerce.EventBus.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ECommerce.EventBus.Outbox;

/// <summary>
/// Publishes committed outbox events to Kafka in commit order, with an idempotent producer, and
/// marks them published once Kafka has acknowledged them.
/// </summary>
/// <remarks>
/// Delivery is at least once: a crash between Kafka's acknowledgement and the mark leaves the event
/// unpublished in the table, so the next relay sends it again, and consumers drop the duplicate by
/// its id. Each round trip reads up to <see cref="EventBusOptions.RelayBatchSize"/> rows, hands them
/// all to the producer at once (which packs them into a few requests per partition), and marks the
/// acknowledged ones published in one statement. Only one relay per database publishes at a time
/// (a PostgreSQL advisory lock), which keeps events of one key in order even when a service runs
/// several replicas. A NOTIFY sent with each
/// outbox insert wakes the relay as soon as the writing transaction commits. Published rows are
/// deleted every <see cref="EventBusOptions.OutboxCleanupInterval"/> once older than
/// <see cref="EventBusOptions.PublishedRetention"/>, so the table holds minutes of events, not days.
/// </remarks>
public sealed class OutboxRelay(NpgsqlDataSource dataSource, EventBusOptions options, ILogger<OutboxRelay> logger) : BackgroundService
{
    // Arbitrary, but the same in every service: each database has its own lock space.
    private const long LeaderLockKey = 0x0EC0_0B0C_0001;

    private readonly Lazy<IProducer<string, byte[]>> _producer = new(() => new ProducerBuilder<string, byte[]>(new ProducerConfig
    {
        BootstrapServers = options.BootstrapServers,
        EnableIdempotence = true,
        Acks = Acks.All,
        LingerMs = 2,
        ClientId = $"{options.ServiceName}-outbox-relay",
        SocketTimeoutMs = KafkaClients.SocketTimeoutMs,
    }).SetLogHandler((_, message) => KafkaClients.Log(logger, message)).Build());

    private DateTime _nextCleanup = DateTime.UtcNow;
    private int _disposed;

    /// <summary>Publishes what is pending right now, in order; returns how many events were published.</summary>
    public async Task<int> PublishPendingAsync(CancellationToken cancellationToken)
    {
        var pending = await ReadPendingAsync(cancellationToken);
        if (pending.Count == 0)
        {
            return 0;
        }

        var deliveries = pending.Select(Publish).ToList();
        var published = new List<long>();
        Exception? failure = null;
        foreach (var (row, delivery) in pending.Zip(deliveries))
        {
            try
            {
                await delivery;
                published.Add(row.Sequence);
            }
            catch (ProduceException<string, byte[]> e)
            {
                // The idempotent producer fails every later message of the same partition too,
                // so what was acknowledged stays in order; the rest is sent again next time.
                failure ??= e;
            }
        }
        await MarkPublishedAsync(published);
        if (failure is not null)
        {
            throw new KafkaException(((ProduceException<string, byte[]>)failure).Error);
        }
        return published.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await OutboxSchema.EnsureCreatedAsync(dataSource, stoppingToken);
                await using var leader = await dataSource.OpenConnectionAsync(stoppingToken);
                if (!await TryBecomeLeaderAsync(leader, stoppingToken))
                {
                    await Task.Delay(options.RelayPollInterval, stoppingToken);
                    continue;
                }
                await using (var listen = new NpgsqlCommand($"LISTEN {OutboxSchema.NotifyChannel}", leader))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                while (!stoppingToken.IsCancellationRequested)
                {
                    var published = await PublishPendingAsync(stoppingToken);
                    // On a schedule, not when idle: under steady load the relay may never be idle.
                    await DeleteOldPublishedAsync(stoppingToken);
                    if (published < options.RelayBatchSize)
                    {
                        await leader.WaitAsync(options.RelayPollInterval, stoppingToken);
                    }
                    backoff = TimeSpan.FromMilliseconds(200);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Outbox relay of {Service} failed; retrying in {Backoff}", options.ServiceName, backoff);
                await Task.Delay(backoff, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    // The container disposes the relay twice: as a singleton and as the hosted service it also is.
    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        base.Dispose();
        if (_producer.IsValueCreated)
        {
            _producer.Value.Flush(TimeSpan.FromSeconds(5));
            _producer.Value.Dispose();
        }
    }

    private Task<DeliveryResult<string, byte[]>> Publish(PendingEvent row)
    {
        using var activity = EventBusTelemetry.StartActivity($"{row.Topic} publish", ActivityKind.Producer, row.TraceParent, row.TraceState, row.Topic);
        activity?.SetTag("messaging.message.id", row.EventId.ToString());
        var headers = new Headers();
        EventHeaders.Set(headers, EventHeaders.SpecVersion, "1.0");
        EventHeaders.Set(headers, EventHeaders.Id, row.EventId.ToString());
        EventHeaders.Set(headers, EventHeaders.Type, row.EventType);
        EventHeaders.Set(headers, EventHeaders.Source, options.ServiceName);
        EventHeaders.Set(headers, EventHeaders.Time, EventHeaders.FormatTime(row.OccurredAt));
        EventHeaders.Set(headers, EventHeaders.ContentType, EventHeaders.ProtobufContentType);
        EventHeaders.Set(headers, EventHeaders.TraceParent, activity?.Id ?? row.TraceParent);
        EventHeaders.Set(headers, EventHeaders.TraceState, activity?.TraceStateString ?? row.TraceState);
        return _producer.Value.ProduceAsync(row.Topic, new Message<string, byte[]> { Key = row.Key, Value = row.Payload, Headers = headers });
    }

    private async Task<List<PendingEvent>> ReadPendingAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT sequence, event_id, topic, event_key, event_type, payload, occurred_at, traceparent, tracestate
            FROM outbox_events WHERE published_at IS NULL ORDER BY sequence LIMIT $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = options.RelayBatchSize });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pending = new List<PendingEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pending.Add(new PendingEvent(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                (byte[])reader[5], reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8)));
        }
        return pending;
    }

    // Not cancellable: what Kafka acknowledged is recorded even during shutdown, to avoid resending it.
    private async Task MarkPublishedAsync(List<long> sequences)
    {
        if (sequences.Count == 0)
        {
            return;
        }
        await using var command = dataSource.CreateCommand("UPDATE outbox_events SET published_at = now() WHERE sequence = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = sequences.ToArray() });
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private async Task DeleteOldPublishedAsync(CancellationToken cancellationToken)
    {
        if (DateTime.UtcNow < _nextCleanup)
        {
            return;
        }
        _nextCleanup = DateTime.UtcNow + options.OutboxCleanupInterval;
        await using var command = dataSource.CreateCommand("DELETE FROM outbox_events WHERE published_at < now() - $1");
        command.Parameters.Add(new NpgsqlParameter { Value = options.PublishedRetention });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<bool> TryBecomeLeaderAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection) { Parameters = { new() { Value = LeaderLockKey } } };
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private sealed record PendingEvent(long Sequence, Guid EventId, string Topic, string Key, string EventType, byte[] Payload,
        DateTimeOffset OccurredAt, string? TraceParent, string? TraceState);
}
