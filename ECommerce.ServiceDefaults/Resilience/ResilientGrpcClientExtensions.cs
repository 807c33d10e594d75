using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using ECommerce.Grpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ECommerce.ServiceDefaults.Resilience;

public static class ResilientGrpcClientExtensions
{
    /// <summary>
    /// A generated client (e.g. <c>Catalog.CatalogClient</c>) of the logical service <paramref name="serviceName"/>,
    /// found and connected exactly as <see cref="GrpcClientExtensions.AddECommerceGrpcClient{TClient}"/> does
    /// (the same shared channel), with a default deadline and a circuit breaker per service
    /// (<see cref="GrpcResilienceOptions"/>).
    /// </summary>
    public static IServiceCollection AddResilientGrpcClient<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(
        this IServiceCollection services, string serviceName,
        Action<ECommerceGrpcClientOptions>? configureChannel = null, Action<GrpcResilienceOptions>? configureResilience = null)
        where TClient : ClientBase<TClient>
    {
        services.AddECommerceGrpcClient<TClient>(serviceName, configureChannel);
        var resilience = services.AddOptions<GrpcResilienceOptions>(serviceName);
        if (configureResilience is not null)
        {
            resilience.Configure(configureResilience);
        }
        services.TryAddSingleton<GrpcResilienceInterceptors>();
        services.Replace(ServiceDescriptor.Transient(provider =>
        {
            var channel = provider.GetRequiredService<GrpcChannelFactory>().GetChannel(serviceName);
            var interceptor = provider.GetRequiredService<GrpcResilienceInterceptors>().For(serviceName);
            return (TClient)Activator.CreateInstance(typeof(TClient), channel.Intercept(interceptor))!;
        }));
        return services;
    }

    /// <summary>One interceptor, so one circuit, per service: every client of a service shares its state.</summary>
    private sealed class GrpcResilienceInterceptors(IOptionsMonitor<GrpcResilienceOptions> options)
    {
        private readonly ConcurrentDictionary<string, GrpcResilienceInterceptor> _byService = new(StringComparer.Ordinal);

        public GrpcResilienceInterceptor For(string serviceName) =>
            _byService.GetOrAdd(serviceName, name => new GrpcResilienceInterceptor(name, options.Get(name)));
    }
}
