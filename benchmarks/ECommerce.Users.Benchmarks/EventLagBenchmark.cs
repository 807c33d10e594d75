using System.Collections.Concurrent;
using System.Diagnostics;
using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus;
using ECommerce.EventBus.Consuming;
using ECommerce.EventBus.Outbox;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.LocalInfrastructure.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using ECommerce.Benchmarking;

namespace ECommerce.Users.Benchmarks;

/// <summary>
/// End-to-end event lag at a steady rate: from the commit of a service's transaction (the outbox
/// row's time) until the consuming service has handled the event and committed its own transaction.
/// </summary>
internal static class EventLagBenchmark
{
    private const string Topic = "bench.users";

    public static async Task<string> RunAsync(PostgresServer postgres, KafkaDevCluster kafka, int eventsPerSecond, TimeSpan duration)
    {
        kafka.CreateTopic(Topic, 4);
        await using var publisherDb = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync("lag_publisher"));
        await using var consumerDb = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync("lag_consumer"));
        await OutboxSchema.EnsureCreatedAsync(publisherDb);
        var lags = new ConcurrentQueue<double>();

        using var publisher = await StartAsync(publisherDb, Options("lag-publisher", kafka), _ => { });
        using var consumer = await StartAsync(consumerDb, Options("lag-consumer", kafka), services =>
        {
            services.AddSingleton(lags);
            services.AddEventHandler<UserRegistered, RecordLag>(Topic);
        });
        await consumer.Services.GetRequiredService<EventConsumer>().Assigned.WaitAsync(TimeSpan.FromSeconds(30));

        // Warm up, then count only events written in the measured window (their ids say so).
        await WriteAtRateAsync(publisherDb, eventsPerSecond, TimeSpan.FromSeconds(3), RecordLag.WarmUpPrefix);
        var written = await WriteAtRateAsync(publisherDb, eventsPerSecond, duration, RecordLag.MeasuredPrefix);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (lags.Count < written && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        var sorted = lags.Order().ToArray();
        await publisher.StopAsync();
        await consumer.StopAsync();

        return $"""
            | Event lag, outbox commit → handled by the consumer ({written:N0} events in {duration.TotalSeconds:0} s, {written / duration.TotalSeconds:N0}/s, 4 partitions) | ms |
            |---|---:|
            | p50 | {Measurements.Percentile(sorted, 0.50):N1} |
            | p99 | {Measurements.Percentile(sorted, 0.99):N1} |
            | max | {(sorted.Length > 0 ? sorted[^1] : double.NaN):N1} |
            | handled / written | {sorted.Length:N0} / {written:N0} |
            """;
    }

    /// <summary>One event per transaction, as a service writes them, spread evenly over time.</summary>
    private static async Task<int> WriteAtRateAsync(NpgsqlDataSource dataSource, int eventsPerSecond, TimeSpan duration, string idPrefix)
    {
        const int Writers = 4;
        var written = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(async writer =>
        {
            var interval = TimeSpan.FromSeconds((double)Writers / eventsPerSecond);
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
                await Outbox.AddAsync(connection, transaction, Topic, id, new UserRegistered { UserId = id, Email = $"{id}@shop.example" });
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

    private static async Task<IHost> StartAsync(NpgsqlDataSource dataSource, EventBusOptions options, Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddEventBus(options);
        configure(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private sealed class RecordLag(ConcurrentQueue<double> lags) : IEventHandler<UserRegistered>
    {
        public const string WarmUpPrefix = "warm-";
        public const string MeasuredPrefix = "measured-";

        public Task HandleAsync(UserRegistered @event, EventContext context, CancellationToken cancellationToken)
        {
            if (@event.UserId.StartsWith(MeasuredPrefix, StringComparison.Ordinal) && context.Time is { } written)
            {
                lags.Enqueue((DateTimeOffset.UtcNow - written).TotalMilliseconds);
            }
            return Task.CompletedTask;
        }
    }
}
