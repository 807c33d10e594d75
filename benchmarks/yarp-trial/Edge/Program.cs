using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

// The trial edge: YARP forwarding every /v1 route to the service that transcodes its own REST, with the
// edge behaviours that are plain ASP.NET Core middleware (rate limit with 429 + Retry-After, body limit, CORS).
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddServiceDiscovery();
builder.Services.AddReverseProxy()
    .LoadFromMemory(
        [new RouteConfig { RouteId = "users", ClusterId = "users", Match = new RouteMatch { Path = "/v1/{**rest}" }, RateLimiterPolicy = "edge" }],
        [new ClusterConfig
        {
            ClusterId = "users",
            Destinations = new Dictionary<string, DestinationConfig> { ["users"] = new() { Address = "http://_grpc.users" } },
            HttpRequest = new ForwarderRequestConfig { Version = System.Net.HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact },
        }])
    .AddServiceDiscoveryDestinationResolver();
builder.Services.AddRateLimiter(limiter =>
{
    limiter.RejectionStatusCode = 429;
    limiter.AddPolicy("edge", context => RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "",
        _ => new FixedWindowRateLimiterOptions { PermitLimit = 1_000_000, Window = TimeSpan.FromSeconds(1) }));
});
builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy.WithOrigins("http://localhost:5173").AllowAnyHeader().AllowAnyMethod()));
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 1024 * 1024);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var app = builder.Build();
app.UseCors();
app.UseRateLimiter();
app.MapReverseProxy();
app.Run();
