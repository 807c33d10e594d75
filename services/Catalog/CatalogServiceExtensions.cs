using ECommerce.Catalog.Api;
using ECommerce.Catalog.DemoData;
using ECommerce.EventBus;
using ECommerce.ServiceDefaults.Authentication;
using ECommerce.ServiceDefaults.Persistence;

namespace ECommerce.Catalog;

public static class CatalogServiceExtensions
{
    public const string ServiceName = "catalog";

    public static IHostApplicationBuilder AddCatalogServices(this IHostApplicationBuilder builder)
    {
        builder.AddPostgresDatabase(ServiceName, typeof(CatalogServiceExtensions).Assembly);
        builder.AddEventBus(ServiceName);
        builder.AddJwtValidation();
        var options = builder.Configuration.GetSection("Catalog").Get<CatalogOptions>() ?? new CatalogOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);

        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("redis")))
        {
            throw new InvalidOperationException("The connection string 'redis' is missing. Set ConnectionStrings__redis (the AppHost does this).");
        }
        builder.AddRedisClient("redis",
            // The cache is optional: the catalog serves from PostgreSQL while Redis is down, so Redis is not part of readiness.
            settings => settings.DisableHealthChecks = true,
            // Start without Redis and keep reconnecting: reads fall back to PostgreSQL meanwhile.
            redis => redis.AbortOnConnectFail = false);
        builder.Services.AddSingleton<CatalogCache>();

        builder.Services.AddSingleton<ProductStore>();
        builder.Services.AddSingleton<ProductKeeper>();
        builder.Services.AddSingleton<CategoryStore>();
        builder.Services.AddSingleton<StockKeeper>();
        builder.Services.AddHostedService<DemoCatalogLoader>();
        builder.Services.AddHostedService<ReservationSweeper>();
        builder.Services.AddHostedService<SaleClock>();
        return builder;
    }

    /// <summary>The service's gRPC API; the same call in its own process (Program.cs) and in the monolith.</summary>
    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<CatalogApi>();
        endpoints.MapGrpcService<InventoryApi>();
        return endpoints;
    }
}
