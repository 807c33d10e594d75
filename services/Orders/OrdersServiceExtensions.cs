using ECommerce.Contracts.Cart.V1;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Events.V1;
using ECommerce.Contracts.Payment.V1;
using ECommerce.Contracts.Shipping.V1;
using ECommerce.Contracts.Users.V1;
using ECommerce.EventBus;
using ECommerce.Orders.Api;
using ECommerce.Orders.Checkout;
using ECommerce.Orders.Events;
using ECommerce.ServiceDefaults.Authentication;
using ECommerce.ServiceDefaults.Resilience;

namespace ECommerce.Orders;

public static class OrdersServiceExtensions
{
    public const string ServiceName = "orders";

    public static IHostApplicationBuilder AddOrdersServices(this IHostApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(ServiceName)))
        {
            throw new InvalidOperationException($"The connection string '{ServiceName}' is missing. Set ConnectionStrings__{ServiceName} (the AppHost does this).");
        }
        var options = builder.Configuration.GetSection("Orders").Get<OrdersOptions>() ?? new OrdersOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);

        // EF Core for the aggregate, through Aspire's integration. Its retrying strategy is off: the keeper's own
        // transactions (row lock, changes, outbox) must not be replayed piecemeal.
        builder.AddNpgsqlDbContext<OrdersDb>(ServiceName, settings => settings.DisableRetry = true);
        // The event bus's relay and consumer work on a data source of the same database.
        builder.AddNpgsqlDataSource(ServiceName);
        builder.Services.AddHostedService<OrdersSchema>();
        builder.AddEventBus(ServiceName);
        builder.AddJwtValidation();

        var configuration = builder.Configuration;
        builder.Services.AddServiceGrpcClient<InventoryService.InventoryServiceClient>(configuration, "catalog");
        builder.Services.AddServiceGrpcClient<PaymentService.PaymentServiceClient>(configuration, "payment");
        if (options.ShippingEnabled)
        {
            builder.Services.AddServiceGrpcClient<ShippingService.ShippingServiceClient>(configuration, "shipping");
        }
        // The customer's own cart and address book, called with the customer's token; both reads, so retry-safe.
        builder.Services.AddResilientGrpcClient<CartService.CartServiceClient>("cart",
            channel => channel.RetrySafeMethods.Add($"{CartService.Descriptor.FullName}/{nameof(CartService.CartServiceClient.ValidateCart)}"));
        builder.Services.AddResilientGrpcClient<UsersService.UsersServiceClient>("users",
            channel => channel.RetrySafeMethods.Add($"{UsersService.Descriptor.FullName}/{nameof(UsersService.UsersServiceClient.ListAddresses)}"));

        builder.Services.AddSingleton<OrderKeeper>();
        builder.Services.AddSingleton<Participants>();
        builder.Services.AddSingleton<CheckoutSaga>();
        builder.Services.AddSingleton<CheckoutAdmission>();
        builder.Services.AddSingleton<CheckoutDesk>();
        builder.Services.AddSingleton<AfterSales>();
        builder.Services.AddHostedService<SagaResumer>();
        if (options.ShippingEnabled)
        {
            builder.Services.AddSubscription<ShipmentShipped, ShipmentEventHandlers>();
            builder.Services.AddSubscription<ShipmentDelivered, ShipmentEventHandlers>();
            builder.Services.AddSubscription<ReturnReceived, ShipmentEventHandlers>();
        }
        return builder;
    }

    /// <summary>The service's gRPC API; the same call in its own process (Program.cs) and in the monolith.</summary>
    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<OrdersApi>();
        return endpoints;
    }
}
