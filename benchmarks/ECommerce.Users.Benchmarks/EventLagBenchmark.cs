using System.Collections.Concurrent;
using System.Diagnostics;
using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus;
using ECommerce.EventBus.Consuming;
using ECommerce.EventBus.Outbox;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.LocalInfrastructure.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ECommerce.Benchmarking;

namespace ECommerce.Users.Benchmarks;

/// <summary>
/// The event bus end to end: the lag at a steady rate, from the commit of a service's transaction
/// (the outbox row's time) until the consuming service has handled the event and committed its own
/// transaction; and the most the relay and one consumer carry when a backlog waits for them.
/// </summary>
/// <remarks>
/// Uses only what the bus offered before its batched consumer (the services' AddEventBus, the relay's
/// PublishPendingAsync), so the same file builds against the older bus for a comparison in one run;
/// the older bus ignores the Kafka:FetchWaitMaxMs setting.
/// </remarks>
internal static class EventLagBenchmark
{
    /// <param name="fetchWaitMaxMs">The consumer's Kafka:FetchWaitMaxMs setting; null keeps Kafka's default (500 ms).</param>
    public static async Task<string> RunAsync(PostgresServer postgres, KafkaDevCluster kafka, int eventsPerSecond, TimeSpan duration, int? fetchWaitMaxMs)
    {
        var name = $"lag_{eventsPerSecond}_{fetchWaitMaxMs ?? 500}";
        var topic = $"bench.{name}";
        kafka.CreateTopic(topic, 4);
        await using var publisherDb = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync($"{name}_publisher"));
        await using var consumerDb = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync($"{name}_consumer"));
        await OutboxSchema.EnsureCreatedAsync(publisherDb);
        var handled = new Handled();

        using var publisher = await StartAsync(publisherDb, $"{name}_publisher", kafka, fetchWaitMaxMs, _ => { });
        using var consumer = await StartConsumerAsync(consumerDb, $"{name}_consumer", kafka, fetchWaitMaxMs, topic, handled);

        // Warm up, then count only events written in the measured window (their ids say so).
        await WriteAtRateAsync(publisherDb, topic, eventsPerSecond, TimeSpan.FromSeconds(3), Handled.WarmUpPrefix);
        var written = await WriteAtRateAsync(publisherDb, topic, eventsPerSecond, duration, Handled.MeasuredPrefix);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (handled.Lags.Count < written && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        var sorted = handled.Lags.Order().ToArray();
        await publisher.StopAsync();
        await consumer.StopAsync();

        return $"""
            | Event lag, outbox commit → handled by the consumer ({written:N0} events in {duration.TotalSeconds:0} s, {written / duration.TotalSeconds:N0}/s, 4 partitions, fetch wait {(fetchWaitMaxMs is { } wait ? $"{wait} ms" : "500 ms (Kafka's default)")}) | ms |
            |---|---:|
            | p50 | {Measurements.Percentile(sorted, 0.50):N1} |
            | p99 | {Measurements.Percentile(sorted, 0.99):N1} |
            | max | {(sorted.Length > 0 ? sorted[^1] : double.NaN):N1} |
            | handled / written | {sorted.Length:N0} / {written:N0} |
            """;
    }

    /// <summary>
    /// A backlog of <paramref name="events"/> outbox rows: how fast the relay publishes it, then how
    /// fast one consumer (4 partitions, a handler that does nothing) handles it, claims included.
    /// </summary>
    public static async Task<string> ThroughputAsync(PostgresServer postgres, KafkaDevCluster kafka, int events, int? fetchWaitMaxMs)
    {
        const string Topic = "bench.throughput";
        kafka.CreateTopic(Topic, 4);
        await using var publisherDb = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync("throughput_publisher"));
        await using var consumerDb = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync("throughput_consumer"));
        await OutboxSchema.EnsureCreatedAsync(publisherDb);
        for (var written = 0; written < events; written += 1000)
        {
            await using var connection = await publisherDb.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            for (var n = written; n < Math.Min(events, written + 1000); n++)
            {
                var id = $"{Handled.MeasuredPrefix}{n}";
                await Outbox.AddAsync(connection, transaction, Topic, id, new UserRegistered { UserId = id, Email = $"{id}@shop.example" });
            }
            await transaction.CommitAsync();
        }

        var published = 0;
        var relayClock = Stopwatch.StartNew();
        using (var relay = new OutboxRelay(publisherDb, Options("throughput-publisher", kafka), NullLogger<OutboxRelay>.Instance))
        {
            for (int batch; (batch = await relay.PublishPendingAsync(CancellationToken.None)) > 0;)
            {
                published += batch;
            }
        }
        var relaySeconds = relayClock.Elapsed.TotalSeconds;

        var handled = new Handled();
        using var consumer = await StartConsumerAsync(consumerDb, "throughput_consumer", kafka, fetchWaitMaxMs, Topic, handled);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (handled.Count < events && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        var consumerSeconds = Stopwatch.GetElapsedTime(handled.First, handled.Last).TotalSeconds;
        await consumer.StopAsync();

        return $"""
            | Backlog of {events:N0} events (4 partitions) | events/s |
            |---|---:|
            | relay: outbox → Kafka, acknowledged and marked published | {published / relaySeconds:N0} |
            | one consumer, handler that does nothing (first to last handled; {handled.Count:N0} handled) | {(handled.Count - 1) / consumerSeconds:N0} |
            """;
    }

    /// <summary>One event per transaction, as a service writes them, spread evenly over time.</summary>
    private static async Task<int> WriteAtRateAsync(NpgsqlDataSource dataSource, string topic, int eventsPerSecond, TimeSpan duration, string idPrefix)
    {
        var writers = Math.Max(4, eventsPerSecond / 250);
        var written = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async writer =>
        {
            var interval = TimeSpan.FromSeconds((double)writers / eventsPerSecond);
            for (var n = 0; clock.Elapsed < duration; n++)
            {
                var due = interval * n;
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed);
                }
                await using var connection = await dataSource.OpenConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                var id = $"{idPrefix}{writer}-{n}";
                await Outbox.AddAsync(connection, transaction, topic, id, new UserRegistered { UserId = id, Email = $"{id}@shop.example" });
                await transaction.CommitAsync();
                Interlocked.Increment(ref written);
            }
        }));
        return written;
    }

    private static EventBusOptions Options(string service, KafkaDevCluster kafka) => new()
    {
        ServiceName = service,
        BootstrapServers = kafka.BootstrapServers,
        SessionTimeoutMs = KafkaDevCluster.DevelopmentSessionTimeoutMs,
    };

    private static async Task<IHost> StartConsumerAsync(NpgsqlDataSource dataSource, string service, KafkaDevCluster kafka, int? fetchWaitMaxMs,
        string topic, Handled handled)
    {
        var host = await StartAsync(dataSource, service, kafka, fetchWaitMaxMs, services =>
        {
            services.AddSingleton(handled);
            services.AddEventHandler<UserRegistered, RecordLag>(topic);
        });
        await host.Services.GetRequiredService<EventConsumer>().Assigned.WaitAsync(TimeSpan.FromSeconds(30));
        return host;
    }

    /// <summary>A host configured the way a service is (<c>builder.AddEventBus(name)</c> from its settings).</summary>
    private static async Task<IHost> StartAsync(NpgsqlDataSource dataSource, string service, KafkaDevCluster kafka, int? fetchWaitMaxMs,
        Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(
        [
            new("ConnectionStrings:kafka", kafka.BootstrapServers),
            new("Kafka:SessionTimeoutMs", KafkaDevCluster.DevelopmentSessionTimeoutMs.ToString()),
            new("Kafka:FetchWaitMaxMs", fetchWaitMaxMs?.ToString()),
        ]);
        builder.Services.AddSingleton(dataSource);
        builder.AddEventBus(service);
        configure(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>What the consumer handled: the lag of each measured event, and when the first and last were handled.</summary>
    private sealed class Handled
    {
        public const string WarmUpPrefix = "warm-";
        public const string MeasuredPrefix = "measured-";

        private int _count;

        public ConcurrentQueue<double> Lags { get; } = new();
        public int Count => Volatile.Read(ref _count);
        public long First { get; private set; }
        public long Last { get; private set; }

        public void Add(UserRegistered @event, DateTimeOffset? written)
        {
            if (!@event.UserId.StartsWith(MeasuredPrefix, StringComparison.Ordinal))
            {
                return;
            }
            if (written is { } time)
            {
                Lags.Enqueue((DateTimeOffset.UtcNow - time).TotalMilliseconds);
            }
            var now = Stopwatch.GetTimestamp();
            lock (Lags)
            {
                First = First == 0 ? now : First;
                Last = now;
            }
            Interlocked.Increment(ref _count);
        }
    }

    private sealed class RecordLag(Handled handled) : IEventHandler<UserRegistered>
    {
        public Task HandleAsync(UserRegistered @event, EventContext context, CancellationToken cancellationToken)
        {
            handled.Add(@event, context.Time);
            return Task.CompletedTask;
        }
    }
}
