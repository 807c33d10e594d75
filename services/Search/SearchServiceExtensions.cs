using ECommerce.Search.Api;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus;
using ECommerce.Search.Engine;
using ECommerce.Search.Engine.Postgres;
using ECommerce.Search.Indexing;
using ECommerce.ServiceDefaults.Authentication;
using ECommerce.ServiceDefaults.Persistence;
using ECommerce.ServiceDefaults.Resilience;

namespace ECommerce.Search;

public static class SearchServiceExtensions
{
    public const string ServiceName = "search";

    public static IHostApplicationBuilder AddSearchServices(this IHostApplicationBuilder builder)
    {
        builder.AddPostgresDatabase(ServiceName, typeof(SearchServiceExtensions).Assembly);
        builder.AddEventBus(ServiceName);
        builder.AddJwtValidation();
        builder.Services.AddResilientGrpcClient<CatalogService.CatalogServiceClient>("catalog");
        builder.Services.AddSingleton<ISearchEngine, PostgresSearchEngine>();
        builder.Services.AddSingleton<CatalogSnapshots>();
        builder.Services.AddSingleton<PageToken>();
        builder.Services
            .AddSubscription<ProductCreated, CatalogEventHandlers>()
            .AddSubscription<ProductUpdated, CatalogEventHandlers>()
            .AddSubscription<ProductDeleted, CatalogEventHandlers>()
            .AddSubscription<PriceChanged, CatalogEventHandlers>()
            .AddSubscription<InventoryChanged, CatalogEventHandlers>();
        return builder;
    }

    /// <summary>The service's gRPC API; the same call in its own process (Program.cs) and in the monolith.</summary>
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<SearchApi>();
        return endpoints;
    }
}
