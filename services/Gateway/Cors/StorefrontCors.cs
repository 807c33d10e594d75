namespace ECommerce.Gateway.Cors;

/// <summary>
/// Lets the storefront's origins (<c>Gateway:Cors:Origins</c>) call the edge from a browser. No credentials mode:
/// the storefront sends its bearer token in Authorization, never cookies.
/// </summary>
public static class StorefrontCors
{
    public static IServiceCollection AddStorefrontCors(this IServiceCollection services, CorsSettings settings) =>
        services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
            .WithOrigins(settings.Origins)
            .AllowAnyMethod()
            .WithHeaders("authorization", "content-type", "x-request-id", GatewayExtensions.CartTokenHeader)
            .WithExposedHeaders("retry-after", "x-request-id")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
}
