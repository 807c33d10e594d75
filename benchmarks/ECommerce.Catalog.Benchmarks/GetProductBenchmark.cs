using ECommerce.Catalog.Tests;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Common.V1;

namespace ECommerce.Catalog.Benchmarks;

/// <summary>
/// GetProduct over the whole demo catalog, randomly, through a service that caches reads in Redis
/// and through one that reads PostgreSQL every time, in the same run on the same database.
/// </summary>
internal static class GetProductBenchmark
{
    public static async Task<string> RunAsync(CatalogServiceHost cached, CatalogServiceHost uncached, TimeSpan duration)
    {
        var productIds = await AllProductIdsAsync(cached.Catalog);
        var callers = Environment.ProcessorCount * 8;
        Task Read(CatalogServiceHost host, int caller) =>
            host.Catalog.GetProductAsync(new GetProductRequest { ProductId = productIds[Random.Shared.Next(productIds.Count)] }).ResponseAsync;

        var fromPostgres = await Load.RunAsync(callers, duration, caller => Read(uncached, caller));
        var fromRedis = await Load.RunAsync(callers, duration, caller => Read(cached, caller));

        return $"""
            | GetProduct, {productIds.Count:N0} demo products at random, {callers} concurrent callers, {duration.TotalSeconds:0} s each | per second | p50 ms | p99 ms |
            |---|---:|---:|---:|
            {fromPostgres.Row("Uncached: PostgreSQL every call (product + variants, two queries)")}
            {fromRedis.Row("Cached: Redis (one MGET of entry + generation) after the first read")}
            | Cached / uncached | {fromRedis.PerSecond / fromPostgres.PerSecond:N2}× | {fromRedis.P50Ms / fromPostgres.P50Ms:N2}× | {fromRedis.P99Ms / fromPostgres.P99Ms:N2}× |
            """;
    }

    private static async Task<List<string>> AllProductIdsAsync(CatalogService.CatalogServiceClient catalog)
    {
        var ids = new List<string>();
        var token = "";
        do
        {
            var page = await catalog.ListProductsAsync(new ListProductsRequest { Page = new PageRequest { PageSize = 100, PageToken = token } });
            ids.AddRange(page.Products.Select(product => product.ProductId));
            token = page.Page.NextPageToken;
        }
        while (token.Length > 0);
        return ids;
    }
}
