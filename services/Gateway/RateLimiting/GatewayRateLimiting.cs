using System.Globalization;
using System.Threading.RateLimiting;
using ECommerce.Gateway.Errors;
using Grpc.Core;
using Microsoft.AspNetCore.RateLimiting;

namespace ECommerce.Gateway.RateLimiting;

/// <summary>
/// ASP.NET Core's rate limiter, partitioned by client IP address: a per-client limit on every REST route and a
/// stricter one on sign-in. The edge does not validate tokens, so a subject claim could be forged to get a fresh
/// partition; the address cannot.
/// </summary>
public static class GatewayRateLimiting
{
    private const string SignInPolicy = "sign-in";

    public static IServiceCollection AddGatewayRateLimiting(this IServiceCollection services, RateLimitSettings settings) =>
        services.AddRateLimiter(limiter =>
        {
            // Only routes marked with LimitPerClient: health probes and the AppHost's gRPC checks stay unlimited.
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.GetEndpoint()?.Metadata.GetMetadata<PerClientLimitMetadata>() is null
                    ? RateLimitPartition.GetNoLimiter("")
                    : RateLimitPartition.GetFixedWindowLimiter(ClientKey(context), _ => Window(settings.PerClient)));
            limiter.AddPolicy(SignInPolicy, context =>
                RateLimitPartition.GetFixedWindowLimiter(ClientKey(context), _ => Window(settings.SignIn)));
            limiter.OnRejected = RejectAsync;
        });

    /// <summary>Counts the route's requests against the per-client limit.</summary>
    public static TBuilder LimitPerClient<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PerClientLimitMetadata());

    /// <summary>Also counts them against the stricter sign-in limit.</summary>
    public static TBuilder LimitSignIn<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(SignInPolicy);

    // Behind a reverse proxy, enable ASP.NET Core's forwarded-headers middleware so this is the client's address.
    private static string ClientKey(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static FixedWindowRateLimiterOptions Window(WindowLimit limit) => new()
    {
        PermitLimit = limit.PermitLimit,
        Window = limit.Window,
        // Refused at once: queuing would hold a connection open only to refuse it later.
        QueueLimit = 0,
    };

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var response = rejected.HttpContext.Response;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ErrorResponse.WriteAsync(response, StatusCodes.Status429TooManyRequests, StatusCode.ResourceExhausted,
            $"Too many requests from this client; retry after {seconds} s.");
    }

    private sealed class PerClientLimitMetadata;
}
