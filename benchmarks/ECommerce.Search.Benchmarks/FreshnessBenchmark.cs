using System.Collections.Concurrent;
using System.Diagnostics;
using ECommerce.Benchmarking;
using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Events.V1;
using ECommerce.Contracts.Events;
using ECommerce.Contracts.Search.V1;
using ECommerce.EventBus.Outbox;
using ECommerce.EventBus;
using ECommerce.LocalInfrastructure.Kafka;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ECommerce.Search.Benchmarks;

/// <summary>
/// Index freshness: from the commit of a ProductCreated in the catalog's outbox, through the relay,
/// Kafka and the Search consumer, until a Search call finds the product. Each product is polled for
/// every 5 ms, so figures are up to 5 ms late.
/// </summary>
internal static class FreshnessBenchmark
{
    public static async Task<string> RunAsync(SearchService.SearchServiceClient search, string catalogDatabase, KafkaDevCluster kafka, int eventsPerSecond, TimeSpan duration)
    {
        await using var outbox = NpgsqlDataSource.Create(catalogDatabase);
        await OutboxSchema.EnsureCreatedAsync(outbox);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(outbox);
        builder.Services.AddEventBus(new EventBusOptions { ServiceName = "catalog", BootstrapServers = kafka.BootstrapServers });
        using var relay = builder.Build();
        await relay.StartAsync();

        await PublishAtRateAsync(search, outbox, "warmup", eventsPerSecond, TimeSpan.FromSeconds(3), new ConcurrentQueue<double>());
        var lags = new ConcurrentQueue<double>();
        var published = await PublishAtRateAsync(search, outbox, "measured", eventsPerSecond, duration, lags);
        await relay.StopAsync();

        var sorted = lags.Order().ToArray();
        return $"""
            | Index freshness, outbox commit → found by Search ({published:N0} products in {duration.TotalSeconds:0} s, {eventsPerSecond}/s, 3 partitions) | ms |
            |---|---:|
            | p50 | {Measurements.Percentile(sorted, 0.50):N1} |
            | p99 | {Measurements.Percentile(sorted, 0.99):N1} |
            | max | {(sorted.Length > 0 ? sorted[^1] : double.NaN):N1} |
            | found / published | {sorted.Length:N0} / {published:N0} |
            """;
    }

    /// <summary>One product per catalog transaction, spread evenly over time, each watched until Search finds it.</summary>
    private static async Task<int> PublishAtRateAsync(SearchService.SearchServiceClient search, NpgsqlDataSource outbox, string run, int eventsPerSecond, TimeSpan duration,
        ConcurrentQueue<double> lags)
    {
        var watches = new List<Task>();
        var interval = TimeSpan.FromSeconds(1.0 / eventsPerSecond);
        var clock = Stopwatch.StartNew();
        for (var n = 0; clock.Elapsed < duration; n++)
        {
            var due = interval * n;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
            var marker = $"fresh{run}{n}x{Guid.NewGuid():N}"[..24];
            await using (var connection = await outbox.OpenConnectionAsync())
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                var product = Product(marker);
                await Outbox.AddAsync(connection, transaction, EventTopics.CatalogProducts, product.ProductId, new ProductCreated { Product = product });
                await transaction.CommitAsync();
            }
            watches.Add(WatchAsync(search, marker, Stopwatch.GetTimestamp(), lags));
        }
        await Task.WhenAll(watches);
        return watches.Count;
    }

    private static async Task WatchAsync(SearchService.SearchServiceClient search, string marker, long committed, ConcurrentQueue<double> lags)
    {
        var request = new SearchRequest { Query = marker, Page = new PageRequest { PageSize = 1 } };
        while (Stopwatch.GetElapsedTime(committed) < TimeSpan.FromSeconds(30))
        {
            if ((await search.SearchAsync(request)).Hits.Count > 0)
            {
                lags.Enqueue(Stopwatch.GetElapsedTime(committed).TotalMilliseconds);
                return;
            }
            await Task.Delay(5);
        }
    }

    private static ProductSnapshot Product(string marker) => new()
    {
        ProductId = Guid.NewGuid().ToString(),
        Name = $"Fresh {marker} lamp",
        Description = "Written through the catalog's outbox.",
        Brand = "brand00",
        CategoryId = SyntheticCatalog.Category(0, 0),
        CategoryPath = { SyntheticCatalog.Category(0), SyntheticCatalog.Category(0, 0) },
        CreatedAt = Timestamp.FromDateTime(DateTime.UtcNow),
        Version = 1,
        Variants =
        {
            new VariantSnapshot
            {
                Sku = marker,
                Options = { ["colour"] = "red" },
                Price = new Money { CurrencyCode = "EUR", Units = 20 },
                EffectivePrice = new Money { CurrencyCode = "EUR", Units = 20 },
                Available = 5,
            },
        },
    };
}
