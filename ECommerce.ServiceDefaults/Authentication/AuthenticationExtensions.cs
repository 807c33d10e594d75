using ECommerce.Contracts.Users.V1;
using ECommerce.Grpc;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ECommerce.ServiceDefaults.Authentication;

public static class AuthenticationExtensions
{
    /// <summary>
    /// Token validation for every service but Users: the keys come from the Users service over gRPC
    /// (<see cref="UsersServiceKeySource"/>), whose address is <c>services__users__grpc__0</c>.
    /// </summary>
    public static IHostApplicationBuilder AddJwtValidation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddECommerceGrpcClient<UsersService.UsersServiceClient>("users",
            options => options.RetrySafeMethods.Add("ecommerce.users.v1.UsersService/GetJwks"));
        return builder.AddJwtValidation<UsersServiceKeySource>();
    }

    /// <summary>
    /// Validates ES256 access tokens from the <c>authorization: Bearer …</c> metadata of every call,
    /// locally, with the keys <typeparamref name="TKeySource"/> provides. gRPC methods then use
    /// <c>[Authorize]</c> / <c>[Authorize(Roles = AccessTokens.AdminRole)]</c>: a missing or bad token
    /// answers UNAUTHENTICATED, a missing role PERMISSION_DENIED.
    /// </summary>
    public static IHostApplicationBuilder AddJwtValidation<TKeySource>(this IHostApplicationBuilder builder)
        where TKeySource : class, IJsonWebKeySource
    {
        builder.Services.TryAddSingleton<TKeySource>();
        builder.Services.AddSingleton<IJsonWebKeySource>(provider => provider.GetRequiredService<TKeySource>());
        builder.Services.AddSingleton<JwksConfigurationManager>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<JwksConfigurationManager>((options, keys) =>
            {
                options.ConfigurationManager = keys;
                options.MapInboundClaims = false;
                options.RefreshOnIssuerKeyNotFound = true;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = AccessTokens.Issuer,
                    ValidAudience = AccessTokens.Audience,
                    ValidAlgorithms = [AccessTokens.Algorithm],
                    NameClaimType = AccessTokens.SubjectClaim,
                    RoleClaimType = AccessTokens.RoleClaim,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            });
        builder.Services.AddAuthorization();
        return builder;
    }
}
