using ECommerce.Contracts.Cart.V1;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Logging.V1;
using ECommerce.Contracts.Orders.V1;
using ECommerce.Contracts.Payment.V1;
using ECommerce.Contracts.Search.V1;
using ECommerce.Contracts.Shipping.V1;
using ECommerce.Contracts.Users.V1;
using Google.Protobuf.Reflection;

namespace ECommerce.Gateway.Backends;

/// <summary>A service behind the edge: its AppHost resource name (<c>services__&lt;name&gt;__grpc__0</c>) and its contract.</summary>
public sealed record BackendService(string Name, FileDescriptor Contract)
{
    /// <summary>Every service with google.api.http-annotated rpcs; the edge serves those whose address is configured.</summary>
    public static readonly IReadOnlyList<BackendService> All =
    [
        new("users", UsersReflection.Descriptor),
        new("catalog", CatalogReflection.Descriptor),
        new("search", SearchReflection.Descriptor),
        new("cart", CartReflection.Descriptor),
        new("orders", OrdersReflection.Descriptor),
        new("payment", PaymentReflection.Descriptor),
        new("shipping", ShippingReflection.Descriptor),
        new("logging", LoggingReflection.Descriptor),
    ];

    /// <summary>
    /// The rpcs that get the stricter sign-in rate limit: those that take a password or a refresh token, and those whose
    /// answer tells whether an e-mail address has an account (Register and UpdateProfile's e-mail change answer 409).
    /// </summary>
    public static readonly IReadOnlySet<MethodDescriptor> SignInMethods = new HashSet<MethodDescriptor>
    {
        UsersService.Descriptor.FindMethodByName(nameof(UsersService.UsersServiceClient.Register)),
        UsersService.Descriptor.FindMethodByName(nameof(UsersService.UsersServiceClient.Login)),
        UsersService.Descriptor.FindMethodByName(nameof(UsersService.UsersServiceClient.Refresh)),
        UsersService.Descriptor.FindMethodByName(nameof(UsersService.UsersServiceClient.UpdateProfile)),
    };
}
