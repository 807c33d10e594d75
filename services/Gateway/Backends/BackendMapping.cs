using ECommerce.Gateway.Errors;
using ECommerce.Gateway.RateLimiting;
using ECommerce.Grpc;
using ECommerce.Grpc.Transcoding.Bindings;
using ECommerce.Grpc.Transcoding.Gateway;
using Google.Protobuf.Reflection;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ECommerce.Gateway.Backends;

public static class BackendMapping
{
    public static IServiceCollection AddBackendChannels(this IServiceCollection services)
    {
        services.TryAddSingleton<GrpcChannelFactory>();
        services.AddHttpContextAccessor();
        services.AddSingleton<RetryAfterInterceptor>();
        return services;
    }

    /// <summary>
    /// Maps the REST routes of every backend whose address is configured, each over its own channel, so the
    /// edge works with whatever subset of the mesh runs. Returns the contracts it mapped (for the OpenAPI document).
    /// </summary>
    public static IReadOnlyList<FileDescriptor> MapBackendServices(this WebApplication app)
    {
        var channels = app.Services.GetRequiredService<GrpcChannelFactory>();
        var retryAfter = app.Services.GetRequiredService<RetryAfterInterceptor>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BackendMapping).FullName!);
        var mapped = new List<FileDescriptor>();
        var unconfigured = new List<string>();
        foreach (var backend in BackendService.All)
        {
            if (!app.Configuration.GetSection($"services:{backend.Name}:grpc").GetChildren().Any())
            {
                unconfigured.Add(backend.Name);
                continue;
            }

            var remote = channels.GetChannel(backend.Name).Intercept(retryAfter);
            var bindings = HttpBinding.ForFiles([backend.Contract]).ToList();
            app.MapGrpcGateway(remote, bindings.Where(binding => !BackendService.SignInMethods.Contains(binding.Method))).LimitPerClient();
            app.MapGrpcGateway(remote, bindings.Where(binding => BackendService.SignInMethods.Contains(binding.Method))).LimitPerClient().LimitSignIn();
            logger.LogInformation("REST routes of {Service} mapped: {RouteCount} routes forwarded to {Addresses}",
                backend.Name, bindings.Count, string.Join(", ", ServiceAddresses.Resolve(app.Configuration, backend.Name, "grpc")));
            mapped.Add(backend.Contract);
        }
        if (unconfigured.Count > 0)
        {
            logger.LogInformation("REST routes not mapped, no services__<name>__grpc__0 address: {Services}", string.Join(", ", unconfigured));
        }
        return mapped;
    }
}
