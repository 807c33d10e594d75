using ECommerce.Contracts.Catalog.V1;
using ECommerce.Grpc;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.Testing;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ECommerce.Catalog.Tests;

/// <summary>
/// The real Catalog service on Kestrel (cleartext HTTP/2 on 127.0.0.1) with its own database on the
/// shared PostgreSQL, its own Redis key prefix, the assembly's Kafka cluster, and the real Users
/// service for tokens.
/// </summary>
public sealed class CatalogServiceHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private CatalogServiceHost(WebApplicationFactory<Program> factory, string database, string cachePrefix)
    {
        _factory = factory;
        DatabaseConnectionString = database;
        CachePrefix = cachePrefix;
        Channel = GrpcChannel.ForAddress(factory.Services.GetRequiredService<IServer>().GetGrpcAddress());
        Catalog = new CatalogService.CatalogServiceClient(Channel);
        Inventory = new InventoryService.InventoryServiceClient(Channel);
    }

    public GrpcChannel Channel { get; }
    public CatalogService.CatalogServiceClient Catalog { get; }
    public InventoryService.InventoryServiceClient Inventory { get; }
    public string DatabaseConnectionString { get; }
    public string CachePrefix { get; }
    public IServiceProvider Services => _factory.Services;

    /// <param name="settings">Overrides, e.g. <c>Catalog:ReservationTtl</c>; demo data is off unless turned on here.</param>
    public static async Task<CatalogServiceHost> StartAsync(TestInfrastructure infrastructure, UsersForTests users, IDictionary<string, string>? settings = null)
    {
        // A bounded pool: the flash sale opens hundreds of calls at once against a PostgreSQL other tests share.
        var database = new NpgsqlConnectionStringBuilder(await infrastructure.CreateDatabaseAsync("catalog")) { MaxPoolSize = 40 }.ConnectionString;
        var redis = await infrastructure.RedisConnectionStringAsync();
        var cachePrefix = TestInfrastructure.UniqueName("catalog");
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseSetting("ConnectionStrings:catalog", database);
            host.UseSetting("ConnectionStrings:redis", redis);
            host.UseSetting("ConnectionStrings:kafka", infrastructure.Kafka.BootstrapServers);
            host.UseSetting("Kafka:SessionTimeoutMs", KafkaDevCluster.DevelopmentSessionTimeoutMs.ToString());
            host.UseSetting("services:users:grpc:0", users.Process.Address.ToString());
            host.UseSetting("Catalog:SeedDemoData", "false");
            host.UseSetting("Catalog:CacheKeyPrefix", cachePrefix);
            host.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                host.UseSetting(key, value);
            }
        });
        factory.UseKestrel(kestrel => kestrel.ListenGrpcOnLoopback());
        factory.StartServer();
        return new CatalogServiceHost(factory, database, cachePrefix);
    }

    public async Task<T> QueryAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _factory.DisposeAsync();
    }
}
