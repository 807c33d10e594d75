using ECommerce.Contracts.Catalog.V1;
using ECommerce.Testing;
using Npgsql;

namespace ECommerce.Catalog.Tests;

/// <summary>
/// The real Catalog service on Kestrel (cleartext HTTP/2 on 127.0.0.1) with its own database on the
/// shared PostgreSQL, its own Redis key prefix, the assembly's Kafka cluster, and the real Users
/// service for tokens. The Catalog benchmarks run the same host.
/// </summary>
public sealed class CatalogServiceHost : IAsyncDisposable
{
    private readonly ServiceOnKestrel<CatalogOptions> _service;

    private CatalogServiceHost(ServiceOnKestrel<CatalogOptions> service, string database, string cachePrefix)
    {
        _service = service;
        DatabaseConnectionString = database;
        CachePrefix = cachePrefix;
        Catalog = new CatalogService.CatalogServiceClient(service.Channel);
        Inventory = new InventoryService.InventoryServiceClient(service.Channel);
    }

    public CatalogService.CatalogServiceClient Catalog { get; }
    public InventoryService.InventoryServiceClient Inventory { get; }
    public string DatabaseConnectionString { get; }
    public string CachePrefix { get; }
    public IServiceProvider Services => _service.Services;
    public Uri Address => _service.Address;

    /// <param name="settings">Overrides, e.g. <c>Catalog:ReservationTtl</c>; demo data is off unless turned on here.</param>
    /// <param name="database">A database another host uses too (the benchmark's cached and uncached catalogs); a new one by default.</param>
    public static async Task<CatalogServiceHost> StartAsync(TestInfrastructure infrastructure, UsersForTests users, IDictionary<string, string>? settings = null,
        string? database = null)
    {
        // A bounded pool: the flash sale opens hundreds of calls at once against a PostgreSQL other tests share.
        database = new NpgsqlConnectionStringBuilder(database ?? await infrastructure.CreateDatabaseAsync("catalog")) { MaxPoolSize = 40 }.ConnectionString;
        var cachePrefix = TestInfrastructure.UniqueName("catalog");
        var service = ServiceOnKestrel<CatalogOptions>.Start(
        [
            new("ConnectionStrings:catalog", database),
            new("ConnectionStrings:redis", await infrastructure.RedisConnectionStringAsync()),
            .. infrastructure.KafkaSettings(),
            users.DiscoverySetting,
            new("Catalog:SeedDemoData", "false"),
            new("Catalog:CacheKeyPrefix", cachePrefix),
            .. settings ?? new Dictionary<string, string>(),
        ]);
        return new CatalogServiceHost(service, database, cachePrefix);
    }

    public Task<T> QueryAsync<T>(string sql, params object[] parameters) => Sql.ScalarAsync<T>(DatabaseConnectionString, sql, parameters);

    public ValueTask DisposeAsync() => _service.DisposeAsync();
}
