using System.Diagnostics;
using Confluent.Kafka;
using ECommerce.Benchmarking;
using ECommerce.Contracts.Events;
using ECommerce.Contracts.Events.V1;
using ECommerce.ServiceDefaults.Logging;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace ECommerce.Logging.Benchmarks;

/// <summary>How fast the Logging service stores what arrives, and how long a log call takes to become queryable.</summary>
internal static class IngestionBenchmark
{
    /// <summary>
    /// <paramref name="records"/> LogRecords put on the topic as fast as a producer can, from 16 services (spread over the
    /// partitions); records/s = all of them stored (committed) over the time since the first was produced.
    /// </summary>
    public static async Task<string> ThroughputAsync(LoggingHost logging, int records)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var services = Enumerable.Range(0, 16).Select(number => $"bench-{run}-{number}").ToArray();
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = logging.Kafka, LingerMs = 5 }).Build();
        var clock = Stopwatch.StartNew();
        for (var number = 0; number < records; number++)
        {
            var service = services[number % services.Length];
            var record = new LogRecord
            {
                Time = Timestamp.FromDateTime(DateTime.UtcNow),
                Service = service,
                Instance = $"{service}-1",
                Level = Contracts.Events.V1.LogLevel.Information,
                Category = "ECommerce.Orders.Checkout.CheckoutSaga",
                Message = $"Order o-{number} reserved 3 lines for user u-{number % 977} in 12 ms",
                Template = "Order {OrderId} reserved {Lines} lines for user {UserId} in {Elapsed} ms",
                TraceId = ActivityTraceId.CreateRandom().ToHexString(),
                SpanId = ActivitySpanId.CreateRandom().ToHexString(),
                Attributes = { ["OrderId"] = $"o-{number}", ["Lines"] = "3", ["UserId"] = $"u-{number % 977}", ["Elapsed"] = "12" },
            };
            producer.Produce(EventTopics.Logs, new Message<string, byte[]> { Key = service, Value = record.ToByteArray() });
        }
        producer.Flush(TimeSpan.FromMinutes(1));
        var produced = clock.Elapsed;
        long stored;
        do
        {
            await Task.Delay(20);
            await using var count = logging.Database.CreateCommand("SELECT count(*) FROM log_records WHERE service LIKE $1");
            count.Parameters.Add(new() { Value = $"bench-{run}-%" });
            stored = (long)(await count.ExecuteScalarAsync())!;
        }
        while (stored < records && clock.Elapsed < TimeSpan.FromMinutes(5));
        var elapsed = clock.Elapsed;
        return $"""
            ## Ingestion throughput: {records:N0} records on the topic (16 services, 4 partitions), consumed, stored by COPY and committed
            | records stored | produced in | all stored after | **records/s stored** |
            |---|---|---|---|
            | {stored:N0} | {produced.TotalSeconds:F1} s | {elapsed.TotalSeconds:F1} s | **{stored / elapsed.TotalSeconds:N0}** |
            """;
    }

    /// <summary>
    /// A service logs <paramref name="recordsPerSecond"/> records through the real Kafka sink (ILogger → buffer → Kafka) for
    /// <paramref name="duration"/>; each record's lag runs from its log call (the record's time) to the moment a reader
    /// polling the Logging service's table every 2 ms first sees it committed, which is when QueryLogs can return it.
    /// </summary>
    public static async Task<string> LagAsync(LoggingHost logging, int recordsPerSecond, TimeSpan duration)
    {
        var service = $"lag-{Guid.NewGuid():N}"[..16];
        using var host = SinkHost(logging.Kafka, service);
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ECommerce.Orders.Checkout.CheckoutSaga");
        var total = (int)(recordsPerSecond * duration.TotalSeconds);
        var lags = new List<double>(total);
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            var lastId = 0L;
            while (lags.Count < total && !stop.IsCancellationRequested)
            {
                await using var poll = logging.Database.CreateCommand("SELECT id, time FROM log_records WHERE service = $1 AND id > $2 ORDER BY id");
                poll.Parameters.Add(new() { Value = service });
                poll.Parameters.Add(new() { Value = lastId });
                await using var rows = await poll.ExecuteReaderAsync();
                var seen = DateTime.UtcNow;
                while (await rows.ReadAsync())
                {
                    lastId = Math.Max(lastId, rows.GetInt64(0));
                    lags.Add((seen - rows.GetDateTime(1)).TotalMilliseconds);
                }
                await Task.Delay(2);
            }
        });
        var clock = Stopwatch.StartNew();
        for (var number = 0; number < total; number++)
        {
            // Paced: record n is due at n / rate seconds.
            var due = TimeSpan.FromSeconds((double)number / recordsPerSecond);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
            logger.LogInformation("Order {OrderId} reserved {Lines} lines for user {UserId}", $"o-{number}", 3, $"u-{number % 977}");
        }
        var sent = clock.Elapsed;
        stop.CancelAfter(TimeSpan.FromSeconds(30));
        await reader;
        var sorted = lags.Order().ToArray();
        return $"""
            ## Lag from log call to queryable: {recordsPerSecond:N0} records/s through the service's Kafka sink for {duration.TotalSeconds:F0} s
            | records logged | arrived | logged at | **p50** | **p99** | max |
            |---|---|---|---|---|---|
            | {total:N0} | {sorted.Length:N0} | {total / sent.TotalSeconds:N0}/s | **{Measurements.Percentile(sorted, 0.50):F0} ms** | **{Measurements.Percentile(sorted, 0.99):F0} ms** | {sorted.LastOrDefault():F0} ms |
            """;
    }

    /// <summary>A host with nothing but the service defaults' Kafka log sink, as every service has it.</summary>
    private static IHost SinkHost(string kafka, string service)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "ECommerce.Bench" });
        builder.Configuration.AddInMemoryCollection(
        [
            new("ConnectionStrings:kafka", kafka),
            new("Logging:Kafka:Service", service),
            new("Logging:LogLevel:Default", "Information"),
            new("Logging:LogLevel:Microsoft", "Warning"),
        ]);
        builder.Logging.ClearProviders();
        builder.AddKafkaLogging();
        var host = builder.Build();
        host.Start();
        return host;
    }
}
