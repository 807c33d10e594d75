using ECommerce.Catalog.Tests;
using ECommerce.Contracts.Catalog.V1;
using Grpc.Core;
using Npgsql;

namespace ECommerce.Catalog.Benchmarks;

/// <summary>
/// ReserveStock, one unit per order: all orders on one hot SKU (every reservation queues on the
/// same row lock), against orders spread over every demo SKU, in the same run.
/// </summary>
internal static class ReservationBenchmark
{
    public static async Task<string> RunAsync(CatalogServiceHost catalog, Metadata orders, TimeSpan duration)
    {
        var skus = await StockEverySkuAsync(catalog.DatabaseConnectionString);
        var hotSku = skus[0];
        var callers = Environment.ProcessorCount * 8;
        Task Reserve(string sku) => catalog.Inventory.ReserveStockAsync(new ReserveStockRequest
        {
            OrderId = $"bench-{Guid.NewGuid():N}",
            Lines = { new StockLine { Sku = sku, Quantity = 1 } },
        }, orders).ResponseAsync;

        var hot = await Load.RunAsync(callers, duration, _ => Reserve(hotSku));
        var spread = await Load.RunAsync(callers, duration, _ => Reserve(skus[Random.Shared.Next(skus.Count)]));

        return $"""
            | ReserveStock, 1 unit per order, {callers} concurrent callers, {duration.TotalSeconds:0} s each | per second | p50 ms | p99 ms |
            |---|---:|---:|---:|
            {hot.Row("One hot SKU (every call waits for the same row lock)")}
            {spread.Row($"Spread over {skus.Count:N0} SKUs at random")}
            | One hot SKU / spread | {hot.PerSecond / spread.PerSecond:N2}× | {hot.P50Ms / spread.P50Ms:N2}× | {hot.P99Ms / spread.P99Ms:N2}× |
            """;
    }

    /// <summary>Enough stock everywhere that no reservation of the run fails for want of it.</summary>
    private static async Task<List<string>> StockEverySkuAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var stock = dataSource.CreateCommand("UPDATE variants SET on_hand = 1000000000 RETURNING sku");
        await using var reader = await stock.ExecuteReaderAsync();
        var skus = new List<string>();
        while (await reader.ReadAsync())
        {
            skus.Add(reader.GetString(0));
        }
        return skus.Order(StringComparer.Ordinal).ToList();
    }
}
