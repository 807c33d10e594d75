using ECommerce.Users.Api;
using ECommerce.Users.ServiceAccounts;
using ECommerce.EventBus;
using ECommerce.ServiceDefaults.Persistence;

namespace ECommerce.Users;

public static class UsersServiceExtensions
{
    public const string ServiceName = "users";

    public static IHostApplicationBuilder AddUsersServices(this IHostApplicationBuilder builder)
    {
        builder.AddPostgresDatabase(ServiceName, typeof(UsersServiceExtensions).Assembly);
        builder.AddEventBus(ServiceName);
        // Users verifies the tokens it issues with its own keys; other services read them from MapKeyDiscovery.
        builder.Services.AddSingleton<SigningKeys>();
        builder.AddJwtValidation<OwnSigningKeys>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AccountStore>();
        builder.Services.AddSingleton<AccountKeeper>();
        builder.Services.AddSingleton<PasswordHashing>();
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddSingleton<RefreshTokens>();
        builder.Services.AddSingleton<AccessTokenIssuer>();
        builder.Services.AddSingleton<ServiceClients>();
        builder.Services.AddSingleton<ServiceTokenIssuer>();
        return builder;
    }

    /// <summary>The service's gRPC API; the same call in its own process (Program.cs) and in the monolith.</summary>
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<UsersApi>();
        endpoints.MapKeyDiscovery();
        endpoints.MapServiceTokenEndpoint();
        return endpoints;
    }
}
