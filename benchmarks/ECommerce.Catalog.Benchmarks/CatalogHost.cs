using ECommerce.Contracts.Catalog.V1;
using ECommerce.Grpc;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.Testing;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Catalog.Benchmarks;

/// <summary>The real Catalog service on Kestrel (h2c, 127.0.0.1), seeded with the demo catalog.</summary>
/// <remarks>Any public or visible type of the service names its assembly; this program has its own Program class.</remarks>
internal sealed class CatalogHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Api.CatalogApi> _factory;

    private CatalogHost(WebApplicationFactory<Api.CatalogApi> factory, string database)
    {
        _factory = factory;
        DatabaseConnectionString = database;
        Channel = GrpcChannel.ForAddress(factory.Services.GetRequiredService<IServer>().GetGrpcAddress());
        Catalog = new CatalogService.CatalogServiceClient(Channel);
        Inventory = new InventoryService.InventoryServiceClient(Channel);
    }

    public GrpcChannel Channel { get; }
    public CatalogService.CatalogServiceClient Catalog { get; }
    public InventoryService.InventoryServiceClient Inventory { get; }
    public string DatabaseConnectionString { get; }

    /// <param name="cacheReads">False sets Catalog:CacheTtl to zero: every read goes to PostgreSQL.</param>
    public static async Task<CatalogHost> StartAsync(TestInfrastructure infrastructure, UsersForTests users, string database, bool cacheReads)
    {
        var redis = await infrastructure.RedisConnectionStringAsync();
        var factory = new WebApplicationFactory<Api.CatalogApi>().WithWebHostBuilder(host =>
        {
            host.UseSetting("ConnectionStrings:catalog", database);
            host.UseSetting("ConnectionStrings:redis", redis);
            host.UseSetting("ConnectionStrings:kafka", infrastructure.Kafka.BootstrapServers);
            host.UseSetting("Kafka:SessionTimeoutMs", KafkaDevCluster.DevelopmentSessionTimeoutMs.ToString());
            host.UseSetting("services:users:grpc:0", users.Process.Address.ToString());
            host.UseSetting("Catalog:CacheKeyPrefix", TestInfrastructure.UniqueName("catalog_bench"));
            host.UseSetting("Catalog:CacheTtl", cacheReads ? "00:10:00" : "00:00:00");
            host.UseSetting("Logging:LogLevel:Default", "Warning");
        });
        factory.UseKestrel(kestrel => kestrel.ListenGrpcOnLoopback());
        factory.StartServer();
        return new CatalogHost(factory, database);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _factory.DisposeAsync();
    }
}
