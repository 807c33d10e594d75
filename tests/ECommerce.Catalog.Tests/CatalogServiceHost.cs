using ECommerce.Contracts.Catalog.V1;
using ECommerce.Testing;
using Npgsql;

namespace ECommerce.Catalog.Tests;

/// <summary>
/// The real Catalog service on Kestrel (cleartext HTTP/2 on 127.0.0.1) with its own database on the
/// shared PostgreSQL, its own Redis key prefix, the assembly's Kafka cluster, and the real Users
/// service for tokens.
/// </summary>
public sealed class CatalogServiceHost : IAsyncDisposable
{
    private readonly ServiceOnKestrel<Program> _service;

    private CatalogServiceHost(ServiceOnKestrel<Program> service, string database, string cachePrefix)
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

    /// <param name="settings">Overrides, e.g. <c>Catalog:ReservationTtl</c>; demo data is off unless turned on here.</param>
    public static async Task<CatalogServiceHost> StartAsync(TestInfrastructure infrastructure, UsersForTests users, IDictionary<string, string>? settings = null)
    {
        // A bounded pool: the flash sale opens hundreds of calls at once against a PostgreSQL other tests share.
        var database = new NpgsqlConnectionStringBuilder(await infrastructure.CreateDatabaseAsync("catalog")) { MaxPoolSize = 40 }.ConnectionString;
        var cachePrefix = TestInfrastructure.UniqueName("catalog");
        var service = ServiceOnKestrel<Program>.Start(
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
