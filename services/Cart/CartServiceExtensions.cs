using ECommerce.Cart.Api;
using ECommerce.Cart.Carts;
using ECommerce.Cart.Events;
using ECommerce.Cart.Pricing;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus;
using ECommerce.ServiceDefaults.Authentication;
using ECommerce.ServiceDefaults.Persistence;
using ECommerce.ServiceDefaults.Resilience;

namespace ECommerce.Cart;

public static class CartServiceExtensions
{
    public const string ServiceName = "cart";

    public static IHostApplicationBuilder AddCartServices(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Cart").Get<CartOptions>() ?? new CartOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);

        // Carts live in Redis; PostgreSQL holds only the event consumer's record of handled order events.
        builder.AddPostgresDatabase(ServiceName, typeof(CartServiceExtensions).Assembly);
        builder.AddEventBus(ServiceName);
        builder.AddJwtValidation();
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("redis")))
        {
            throw new InvalidOperationException("The connection string 'redis' is missing. Set ConnectionStrings__redis (the AppHost does this).");
        }
        // Unlike the catalog's cache, Redis is where carts are: its health check is part of readiness.
        builder.AddRedisClient("redis", configureOptions: redis => redis.AbortOnConnectFail = false);

        // BatchGetVariants is a read: retrying it after UNAVAILABLE is safe.
        builder.Services.AddResilientGrpcClient<CatalogService.CatalogServiceClient>("catalog",
            channel => channel.RetrySafeMethods.Add($"{CatalogService.Descriptor.FullName}/{nameof(CatalogService.CatalogServiceClient.BatchGetVariants)}"));
        builder.Services.AddSingleton<CartMetrics>();
        builder.Services.AddSingleton<CatalogLookup>();
        builder.Services.AddSingleton<GuestTokens>();
        builder.Services.AddSingleton<CartKeeper>();
        builder.Services.AddEventHandler<OrderConfirmed, OrderEventHandlers>(options.OrdersTopic);
        return builder;
    }

    /// <summary>The service's gRPC API; the same call in its own process (Program.cs) and in the monolith.</summary>
    public static IEndpointRouteBuilder MapCartApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<CartApi>();
        return endpoints;
    }
}
