using ECommerce.EventBus;
using ECommerce.ServiceDefaults.Authentication;
using ECommerce.ServiceDefaults.Persistence;
using ECommerce.Users.Accounts;
using ECommerce.Users.Tokens;

namespace ECommerce.Users;

public static class UsersServiceExtensions
{
    public const string ServiceName = "users";

    public static IHostApplicationBuilder AddUsersServices(this IHostApplicationBuilder builder)
    {
        builder.AddPostgresDatabase(ServiceName, typeof(UsersServiceExtensions).Assembly);
        builder.AddEventBus(ServiceName);
        // Users verifies the tokens it issues with its own keys; other services fetch them over gRPC.
        builder.AddJwtValidation<SigningKeys>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AccountStore>();
        builder.Services.AddSingleton<PasswordHashing>();
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddSingleton<RefreshTokens>();
        builder.Services.AddSingleton<AccessTokenIssuer>();
        return builder;
    }
}
