using ECommerce.Contracts.Catalog.V1;
using ECommerce.Testing;

namespace ECommerce.Catalog.Benchmarks;

/// <summary>The real Catalog service on Kestrel (h2c, 127.0.0.1), seeded with the demo catalog.</summary>
/// <remarks>Any public or visible type of the service names its assembly; this program has its own Program class.</remarks>
internal sealed class CatalogHost : IAsyncDisposable
{
    private readonly ServiceOnKestrel<Api.CatalogApi> _service;

    private CatalogHost(ServiceOnKestrel<Api.CatalogApi> service, string database)
    {
        _service = service;
        DatabaseConnectionString = database;
        Catalog = new CatalogService.CatalogServiceClient(service.Channel);
        Inventory = new InventoryService.InventoryServiceClient(service.Channel);
    }

    public CatalogService.CatalogServiceClient Catalog { get; }
    public InventoryService.InventoryServiceClient Inventory { get; }
    public string DatabaseConnectionString { get; }

    /// <param name="cacheReads">False sets Catalog:CacheTtl to zero: every read goes to PostgreSQL.</param>
    public static async Task<CatalogHost> StartAsync(TestInfrastructure infrastructure, UsersForTests users, string database, bool cacheReads)
    {
        var service = ServiceOnKestrel<Api.CatalogApi>.Start(
        [
            new("ConnectionStrings:catalog", database),
            new("ConnectionStrings:redis", await infrastructure.RedisConnectionStringAsync()),
            .. infrastructure.KafkaSettings(),
            users.DiscoverySetting,
            new("Catalog:CacheKeyPrefix", TestInfrastructure.UniqueName("catalog_bench")),
            new("Catalog:CacheTtl", cacheReads ? "00:10:00" : "00:00:00"),
        ]);
        return new CatalogHost(service, database);
    }

    public ValueTask DisposeAsync() => _service.DisposeAsync();
}
