using System.Collections.Concurrent;
using ECommerce.Grpc;
using ECommerce.ServiceDefaults.Authentication;
using Microsoft.Extensions.Configuration;
using ECommerce.ServiceDefaults.Discovery;
using Grpc.Core;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ECommerce.ServiceDefaults.Resilience;

public static class ResilientGrpcClientExtensions
{
    /// <summary>
    /// A generated client (e.g. <c>CatalogService.CatalogServiceClient</c>) of the logical service
    /// <paramref name="serviceName"/>, from <c>Grpc.Net.ClientFactory</c> at <c>http://_grpc.&lt;service&gt;</c>,
    /// which service discovery resolves from <c>services__&lt;service&gt;__grpc__&lt;i&gt;</c>
    /// (<see cref="MeshDiscoveryExtensions"/>). Calls are measured, retried only for the methods declared
    /// retry-safe (<see cref="ECommerceGrpcClientOptions.RetrySafeMethods"/>), get a default deadline, and
    /// pass through one circuit breaker per service (<see cref="GrpcResilienceOptions"/>).
    /// </summary>
    public static IServiceCollection AddResilientGrpcClient<TClient>(
        this IServiceCollection services, string serviceName,
        Action<ECommerceGrpcClientOptions>? configureChannel = null, Action<GrpcResilienceOptions>? configureResilience = null)
        where TClient : ClientBase<TClient>
    {
        AddClient<TClient>(services, serviceName, configureChannel, configureResilience);
        return services;
    }

    /// <summary>
    /// The same client, calling under this service's own identity: every call carries a service token from
    /// Users (<see cref="ServiceTokens"/>, configured by <c>ServiceIdentity:ClientId</c> and <c>ServiceIdentity:ClientSecret</c>).
    /// </summary>
    public static IServiceCollection AddServiceGrpcClient<TClient>(
        this IServiceCollection services, IConfiguration configuration, string serviceName,
        Action<ECommerceGrpcClientOptions>? configureChannel = null, Action<GrpcResilienceOptions>? configureResilience = null)
        where TClient : ClientBase<TClient>
    {
        services.AddServiceIdentity(configuration);
        AddClient<TClient>(services, serviceName, configureChannel, configureResilience).AddHttpMessageHandler<ServiceTokenHandler>();
        return services;
    }

    private static IHttpClientBuilder AddClient<TClient>(
        IServiceCollection services, string serviceName,
        Action<ECommerceGrpcClientOptions>? configureChannel, Action<GrpcResilienceOptions>? configureResilience)
        where TClient : ClientBase<TClient>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        services.AddMeshServiceDiscovery();
        services.AddMetrics();
        var channel = services.AddOptions<ECommerceGrpcClientOptions>(serviceName);
        if (configureChannel is not null)
        {
            channel.Configure(configureChannel);
        }
        var resilience = services.AddOptions<GrpcResilienceOptions>(serviceName);
        if (configureResilience is not null)
        {
            resilience.Configure(configureResilience);
        }
        services.TryAddSingleton<ClientCallTelemetryInterceptor>();
        services.TryAddSingleton<GrpcResilienceInterceptors>();

        ECommerceGrpcClientOptions ChannelOptions(IServiceProvider provider) =>
            provider.GetRequiredService<IOptionsMonitor<ECommerceGrpcClientOptions>>().Get(serviceName);

        return services
            .AddGrpcClient<TClient>((provider, client) =>
                client.Address = MeshDiscoveryExtensions.ServiceAddress(serviceName, ChannelOptions(provider).EndpointName ?? "grpc"))
            .ConfigurePrimaryHttpMessageHandler(provider => MeshDiscoveryExtensions.CreateMeshHandler(provider, ChannelOptions(provider)))
            .ConfigureChannel((provider, options) =>
            {
                // Retries only for the retry-safe methods: a repeated write could charge a card twice.
                options.ServiceConfig = ChannelOptions(provider).RetryRules() is { } retry ? new ServiceConfig { MethodConfigs = { retry } } : null;
                options.MaxReceiveMessageSize = GrpcServerExtensions.MaxReceiveMessageSize;
                options.LoggerFactory = provider.GetRequiredService<ILoggerFactory>();
            })
            // The first interceptor added is the outermost: a call failed fast by an open circuit is still measured.
            .AddInterceptor(provider => provider.GetRequiredService<ClientCallTelemetryInterceptor>())
            .AddInterceptor(provider => provider.GetRequiredService<GrpcResilienceInterceptors>().For(serviceName));
    }

    /// <summary>One interceptor, so one circuit, per service: every client of a service shares its state.</summary>
    private sealed class GrpcResilienceInterceptors(IOptionsMonitor<GrpcResilienceOptions> options)
    {
        private readonly ConcurrentDictionary<string, GrpcResilienceInterceptor> _byService = new(StringComparer.Ordinal);

        public GrpcResilienceInterceptor For(string serviceName) =>
            _byService.GetOrAdd(serviceName, name => new GrpcResilienceInterceptor(name, options.Get(name)));
    }
}
