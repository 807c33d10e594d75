using ECommerce.Contracts.Catalog.V1;
using ECommerce.EventBus;
using ECommerce.ServiceDefaults.Authentication;
using ECommerce.ServiceDefaults.Persistence;
using ECommerce.ServiceDefaults.Resilience;
using ECommerce.Shipping.Api;
using ECommerce.Shipping.Webhooks;

namespace ECommerce.Shipping;

public static class ShippingServiceExtensions
{
    public const string ServiceName = "shipping";

    /// <summary>The carrier's AppHost resource name: its address comes as <c>services__carrier-sandbox__http__0</c>.</summary>
    public const string CarrierService = "carrier-sandbox";

    public static IHostApplicationBuilder AddShippingServices(this IHostApplicationBuilder builder)
    {
        builder.AddPostgresDatabase(ServiceName, typeof(ShippingServiceExtensions).Assembly);
        builder.AddEventBus(ServiceName);
        builder.AddJwtValidation();
        builder.Services.AddSingleton(TimeProvider.System);
        var options = builder.Configuration.GetSection("Shipping").Get<ShippingOptions>() ?? new ShippingOptions();
        options.Rates.Validate();
        builder.Services.AddSingleton(options);
        var carrier = builder.Configuration.GetSection("Shipping:Carrier").Get<CarrierOptions>() ?? new CarrierOptions();
        if (carrier.ApiKey.Length == 0 || carrier.WebhookSecret.Length == 0)
        {
            throw new InvalidOperationException("Shipping:Carrier:ApiKey and Shipping:Carrier:WebhookSecret are required (the AppHost passes them from secret parameters).");
        }
        builder.Services.AddSingleton(carrier);
        // No resilience handler: a retried booking is decided by ShipmentKeeper, which looks the outcome up first.
        builder.Services.AddHttpClient<ICarrier, SandboxCarrier>(http =>
        {
            http.BaseAddress = new Uri(carrier.BaseAddress.TrimEnd('/') + "/");
            http.Timeout = carrier.Timeout;
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", carrier.ApiKey);
        });
        // BatchGetVariants is a read: retrying it after UNAVAILABLE is safe.
        builder.Services.AddResilientGrpcClient<CatalogService.CatalogServiceClient>("catalog",
            channel => channel.RetrySafeMethods.Add($"{CatalogService.Descriptor.FullName}/{nameof(CatalogService.CatalogServiceClient.BatchGetVariants)}"));
        builder.Services.AddSingleton<ICatalogWeights, CatalogWeights>();
        builder.Services.AddSingleton<QuoteKeeper>();
        builder.Services.AddSingleton<ShipmentKeeper>();
        return builder;
    }

    /// <summary>The service's gRPC API and the carrier's webhooks; the same call in its own process (Program.cs) and in the monolith.</summary>
    public static IEndpointRouteBuilder MapShippingApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<ShippingApi>();
        endpoints.MapCarrierWebhooks();
        return endpoints;
    }
}
