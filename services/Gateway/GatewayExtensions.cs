using ECommerce.Gateway.ApiPage;
using ECommerce.Gateway.Backends;
using ECommerce.Gateway.Cors;
using ECommerce.Gateway.RateLimiting;
using ECommerce.Gateway.RequestLimits;
using ECommerce.Grpc.Transcoding.Gateway;
using ECommerce.Grpc.Transcoding.OpenApi;

namespace ECommerce.Gateway;

public static class GatewayExtensions
{
    public const string ServiceName = "gateway";

    /// <summary>The header that names a guest cart (ecommerce.cart.v1), forwarded as gRPC metadata.</summary>
    public const string CartTokenHeader = "x-cart-token";

    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        // Read once: the rate limiter, CORS policy and Kestrel limits are all fixed at startup.
        var options = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddGrpcGateway(gateway =>
        {
            gateway.CallTimeout = options.CallTimeout;
            // A guest cart's token (docs/cart.md): a header rather than the path or query, which end up in logs.
            gateway.ForwardedHeaders.Add(CartTokenHeader);
        });
        builder.Services.AddBackendChannels();
        builder.Services.AddStorefrontCors(options.Cors);
        builder.Services.AddGatewayRateLimiting(options.RateLimiting);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        return builder;
    }

    public static WebApplication UseGateway(this WebApplication app)
    {
        app.UseRequestBodyLimit();
        // Before routing: a preflight is answered by the CORS policy, never by routing's 405 for OPTIONS.
        app.UseCors();
        app.UseRouting();
        app.UseRateLimiter();
        return app;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        var contracts = app.MapBackendServices();
        app.MapTranscodingOpenApi("ECommerce", "v1", contracts).LimitPerClient();
        app.MapApiPage().LimitPerClient();
        return app;
    }
}
